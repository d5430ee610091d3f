import { applyMigrations } from "@switchboard/db/migrations";

// Applies pending migrations to DATABASE_URL (docker-compose's one-shot `migrate` service).
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set.");
  process.exit(1);
}
await applyMigrations(url);
console.log("migrations applied");
