// The permission model lives with the schema so the Durable Object's internal tools enforce the same rules.
export * from "@switchboard/db/access";
