import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { agents } from "@switchboard/db";
import { accessible, roleAllows, roleInTeam } from "@switchboard/db/access";
import type { Database } from "@switchboard/db/client";
import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";

export interface AgentsServerDeps {
  db: Database;
  /** The verified user the run acts for: every query is limited to what they may do. */
  userId: string;
}

type AgentRow = typeof agents.$inferSelect;

const view = (row: AgentRow) => ({
  id: row.id,
  name: row.name,
  teamId: row.teamId,
  instructions: row.instructions,
  model: { provider: row.modelProvider, name: row.modelName },
  tools: row.tools,
});

const text = (value: unknown) => ({
  content: [{ type: "text" as const, text: JSON.stringify(value, null, 2) }],
});
const failure = (message: string) => ({ content: [{ type: "text" as const, text: message }], isError: true });

/**
 * The internal "Switchboard agents" server: lets a manager agent list, read, create and update agents
 * with exactly the permissions of the user it runs for (the same `accessible()` rule as the REST API).
 * New agents run on the built-in demo model unless the user sets a provider in the dashboard: an agent
 * never attaches a credential on its own.
 * @example const server = createAgentsServer({ db, userId });
 */
export function createAgentsServer(deps: AgentsServerDeps): McpServer {
  const { db, userId } = deps;
  const server = new McpServer({ name: "switchboard-agents", version: "1.0.0" });

  server.registerTool(
    "list_agents",
    {
      description: "Lists the agents the user can see (their own and their teams'), newest first.",
      inputSchema: { teamId: z.uuid().optional().describe("Only this team's agents") },
      annotations: { readOnlyHint: true },
    },
    async ({ teamId }) => {
      const rows = await db
        .select()
        .from(agents)
        .where(and(accessible(db, userId, "read", agents), teamId ? eq(agents.teamId, teamId) : undefined))
        .orderBy(desc(agents.updatedAt))
        .limit(100);
      return text(rows.map(view));
    },
  );

  server.registerTool(
    "get_agent",
    {
      description: "Reads one agent: name, instructions, model and tool grants.",
      inputSchema: { id: z.uuid().describe("The agent's id") },
      annotations: { readOnlyHint: true },
    },
    async ({ id }) => {
      const [row] = await db
        .select()
        .from(agents)
        .where(and(eq(agents.id, id), accessible(db, userId, "read", agents)))
        .limit(1);
      return row ? text(view(row)) : failure(`No agent ${id} that this user can see.`);
    },
  );

  server.registerTool(
    "create_agent",
    {
      description: "Creates an agent on the built-in demo model, personal or shared with a team.",
      inputSchema: {
        name: z.string().trim().min(1).max(100).describe("The new agent's name"),
        instructions: z.string().max(32_000).describe("The new agent's system instructions"),
        teamId: z.uuid().optional().describe("Share it with this team (needs a role that may create agents)"),
      },
    },
    async ({ name, instructions, teamId }) => {
      if (teamId && !roleAllows(await roleInTeam(db, userId, teamId), "create")) {
        return failure("This user may not create agents in that team.");
      }
      const [row] = await db
        .insert(agents)
        .values({
          ownerId: userId,
          teamId: teamId ?? null,
          name,
          instructions,
          modelProvider: "demo",
          modelName: "demo",
        })
        .returning();
      return row ? text(view(row)) : failure("The agent was not created.");
    },
  );

  server.registerTool(
    "update_agent",
    {
      description: "Changes an agent's name or instructions.",
      inputSchema: {
        id: z.uuid().describe("The agent's id"),
        name: z.string().trim().min(1).max(100).optional().describe("A new name"),
        instructions: z.string().max(32_000).optional().describe("New system instructions"),
      },
    },
    async ({ id, name, instructions }) => {
      if (name === undefined && instructions === undefined)
        return failure("Send a name or instructions to change.");
      const [row] = await db
        .update(agents)
        .set({
          ...(name !== undefined ? { name } : {}),
          ...(instructions !== undefined ? { instructions } : {}),
          updatedAt: sql`now()`,
        })
        .where(and(eq(agents.id, id), accessible(db, userId, "update", agents)))
        .returning();
      return row ? text(view(row)) : failure(`No agent ${id} that this user may change.`);
    },
  );

  return server;
}
