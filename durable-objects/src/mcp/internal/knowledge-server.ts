import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { documents } from "@switchboard/db";
import { accessible, roleAllows, roleInTeam } from "@switchboard/db/access";
import type { Database } from "@switchboard/db/client";
import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import { z } from "zod";

export interface KnowledgeServerDeps {
  db: Database;
  /** The verified user the run acts for: every query is limited to what they may do. */
  userId: string;
}

/** Largest document `add_document` stores (UTF-8 bytes). */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;
/** Characters of content `get_document` returns per call; tool results are capped at 32,000 anyway. */
const PAGE_CHARS = 20_000;
const HEADLINE_OPTIONS = "MaxFragments=2, MaxWords=30, MinWords=8, FragmentDelimiter=' … '";

const json = (value: unknown) => ({ content: [{ type: "text" as const, text: JSON.stringify(value) }] });
const failure = (message: string) => ({ content: [{ type: "text" as const, text: message }], isError: true });

/**
 * The query a search runs: the body is indexed with English stemming and the title as written
 * (`simple`), so a match under either configuration counts.
 */
const tsQuery = (query: string): SQL =>
  sql`(websearch_to_tsquery('english', ${query}) || websearch_to_tsquery('simple', ${query}))`;

/**
 * The query snippets highlight: any of the search's (non-negated) words. ts_headline's fragments must
 * contain the whole query, so a search that matched partly in the title (`refund policy` with "policy"
 * only in the title) would otherwise get the document's first words with nothing highlighted.
 */
const anyWordOf = (q: SQL): SQL =>
  sql`to_tsquery('simple', array_to_string(array(select quote_literal(lexeme) from unnest(tsvector_to_array(to_tsvector('simple', querytree(${q})))) as lexeme), ' | '))`;

/**
 * The internal "Knowledge base" server: documents an agent adds, reads and searches with PostgreSQL
 * full-text search, personal or shared with a team, with exactly the permissions of the user it runs
 * for (the same `accessible()` rule as the REST API).
 * @example const server = createKnowledgeServer({ db, userId });
 */
export function createKnowledgeServer(deps: KnowledgeServerDeps): McpServer {
  const { db, userId } = deps;
  const server = new McpServer({ name: "switchboard-knowledge", version: "1.0.0" });

  server.registerTool(
    "add_document",
    {
      description:
        "Stores a document in the knowledge base, personal or shared with a team, so it can be searched.",
      inputSchema: {
        title: z
          .string()
          .trim()
          .min(1)
          .max(500)
          .describe("A short title; title words weigh most in searches"),
        content: z.string().min(1).describe("The document's text (plain text or Markdown, at most 1 MB)"),
        teamId: z.uuid().optional().describe("Share it with this team (needs a role that may create there)"),
      },
    },
    async ({ title, content, teamId }) => {
      const bytes = new TextEncoder().encode(content).byteLength;
      if (bytes > MAX_DOCUMENT_BYTES) {
        return failure(
          `The content is ${bytes} bytes; a document holds at most ${MAX_DOCUMENT_BYTES} (1 MB). Split it into several documents.`,
        );
      }
      if (teamId && !roleAllows(await roleInTeam(db, userId, teamId), "create")) {
        return failure(
          "This user may not add documents to that team (no such team, or their role is read-only).",
        );
      }
      try {
        const [row] = await db
          .insert(documents)
          .values({ ownerId: userId, teamId: teamId ?? null, title, content })
          .returning({ id: documents.id, title: documents.title, teamId: documents.teamId });
        return row ? json({ ...row, chars: content.length }) : failure("The document was not stored.");
      } catch (error) {
        // The one way valid input fails: PostgreSQL caps a tsvector at 1 MB (text of mostly unique words).
        if (/too long for tsvector/i.test(String((error as { message?: unknown }).message))) {
          return failure(
            "The document has too many distinct words to index; split it into several documents.",
          );
        }
        throw error;
      }
    },
  );

  server.registerTool(
    "search_documents",
    {
      description:
        "Full-text search over the documents the user can read (their own and their teams'), best match first, with the matching passages.",
      inputSchema: {
        query: z
          .string()
          .trim()
          .min(1)
          .max(1000)
          .describe('Search words; "quoted phrases", OR, and -word to exclude are understood'),
        limit: z
          .number()
          .int()
          .min(1)
          .max(50)
          .optional()
          .describe("How many documents to return (default 10)"),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ query, limit }) => {
      const q = tsQuery(query);
      // Rank and cut first, then build snippets only for the rows returned (ts_headline re-parses text).
      const ranked = db
        .select({
          id: documents.id,
          title: documents.title,
          teamId: documents.teamId,
          content: documents.content,
          rank: sql<number>`ts_rank(${documents.search}, ${q})`.as("rank"),
        })
        .from(documents)
        .where(and(sql`${documents.search} @@ ${q}`, accessible(db, userId, "read", documents)))
        .orderBy(desc(sql`rank`), desc(documents.updatedAt))
        .limit(limit ?? 10)
        .as("ranked");
      const rows = await db
        .select({
          id: ranked.id,
          title: ranked.title,
          teamId: ranked.teamId,
          rank: ranked.rank,
          snippet: sql<string>`ts_headline('english', ${ranked.content}, ${anyWordOf(q)}, ${HEADLINE_OPTIONS})`,
        })
        .from(ranked)
        .orderBy(desc(ranked.rank));
      const results = rows.map((row) => ({ ...row, rank: Math.round(Number(row.rank) * 1e4) / 1e4 }));
      return json(
        results.length > 0
          ? { results }
          : { results, hint: "No document matches all these words; try fewer or other words." },
      );
    },
  );

  server.registerTool(
    "get_document",
    {
      description: `Reads one document. Long documents come in pages of ${PAGE_CHARS} characters: pass nextOffset to read on.`,
      inputSchema: {
        id: z.uuid().describe("The document's id (from search_documents or list_documents)"),
        offset: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe("Start at this character of the content (default 0)"),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ id, offset }) => {
      const [row] = await db
        .select({
          id: documents.id,
          title: documents.title,
          teamId: documents.teamId,
          content: documents.content,
          updatedAt: documents.updatedAt,
        })
        .from(documents)
        .where(and(eq(documents.id, id), accessible(db, userId, "read", documents)))
        .limit(1);
      if (!row) return failure(`No document ${id} that this user can read.`);
      const start = offset ?? 0;
      const end = start + PAGE_CHARS;
      return json({
        ...row,
        content: row.content.slice(start, end),
        totalChars: row.content.length,
        ...(end < row.content.length ? { nextOffset: end } : {}),
      });
    },
  );

  server.registerTool(
    "list_documents",
    {
      description:
        "Lists the documents the user can read (titles, not content), most recently changed first.",
      inputSchema: { teamId: z.uuid().optional().describe("Only this team's documents") },
      annotations: { readOnlyHint: true },
    },
    async ({ teamId }) => {
      const rows = await db
        .select({
          id: documents.id,
          title: documents.title,
          teamId: documents.teamId,
          chars: sql<number>`char_length(${documents.content})`.mapWith(Number),
          updatedAt: documents.updatedAt,
        })
        .from(documents)
        .where(
          and(accessible(db, userId, "read", documents), teamId ? eq(documents.teamId, teamId) : undefined),
        )
        .orderBy(desc(documents.updatedAt))
        .limit(100);
      return json({ documents: rows });
    },
  );

  return server;
}
