import { z } from "zod";
import { AgentToolGrant, AgentTools } from "./mcp.ts";

/** REST bodies of the public API (`/api/v1`). Both the worker and the web client import these. */

export const Id = z.string().uuid().describe("Resource id (UUID)");

// Passwords: 8..128 characters; the UI recommends 15+. Long enough for passphrases, bounded so hashing cost is bounded.
export const Password = z.string().min(8, "Use at least 8 characters").max(128, "Use at most 128 characters");
export const Email = z.string().trim().toLowerCase().max(254).pipe(z.email("Enter a valid email address"));

export const RegisterBody = z.object({
  email: Email,
  password: Password,
  name: z.string().trim().min(1).max(100),
});
export type RegisterBody = z.infer<typeof RegisterBody>;

export const LoginBody = z.object({ email: Email, password: z.string().min(1).max(128) });
export type LoginBody = z.infer<typeof LoginBody>;

export const RefreshBody = z.object({ refreshToken: z.string().min(1).max(512) });
export type RefreshBody = z.infer<typeof RefreshBody>;

export const User = z.object({ id: Id, email: z.string(), name: z.string() });
export type User = z.infer<typeof User>;

export const AuthResult = z.object({
  user: User,
  accessToken: z.string().describe("JWT (HS256), short-lived; send as `Authorization: Bearer <token>`"),
  refreshToken: z.string().describe("Opaque token for `POST /api/v1/auth/refresh`; rotates on use"),
});
export type AuthResult = z.infer<typeof AuthResult>;

export const Provider = z
  .enum(["demo", "openai", "anthropic", "openrouter", "openai-compatible"])
  .describe("Model provider; `demo` is the built-in scripted model and needs no credential");
export type Provider = z.infer<typeof Provider>;

export const CreateProviderCredentialBody = z.object({
  name: z.string().trim().min(1).max(100),
  provider: Provider.exclude(["demo"]),
  secret: z.object({
    apiKey: z.string().min(1).max(4096),
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional(),
  }),
});

export const CreateMcpCredentialBody = z.object({
  name: z.string().trim().min(1).max(100),
  provider: z.literal("mcp").describe("A credential for MCP servers: named fields (API keys, tokens)"),
  secret: z.object({
    fields: z
      .record(z.string().min(1).max(100), z.string().min(1).max(8192))
      .refine(
        (fields) => Object.keys(fields).length > 0 && Object.keys(fields).length <= 20,
        "1 to 20 fields",
      ),
  }),
});

export const CreateCredentialBody = z.union([CreateProviderCredentialBody, CreateMcpCredentialBody]);
export type CreateCredentialBody = z.infer<typeof CreateCredentialBody>;

export const CredentialKind = z.union([Provider, z.literal("mcp")]);
export type CredentialKind = z.infer<typeof CredentialKind>;

export const Credential = z.object({
  id: Id,
  name: z.string(),
  provider: CredentialKind,
  createdAt: z.string(),
});
export type Credential = z.infer<typeof Credential>;

export const ModelRef = z.object({
  provider: Provider,
  name: z.string().trim().min(1).max(200).describe("Model name at the provider, e.g. gpt-4o-mini"),
  credentialId: Id.optional(),
});
export type ModelRef = z.infer<typeof ModelRef>;

export const CreateAgentBody = z.object({
  teamId: Id.optional().describe("Share the agent with this team; the agent is yours alone when absent"),
  name: z.string().trim().min(1).max(100),
  instructions: z.string().max(32_000).default(""),
  model: ModelRef,
  tools: AgentTools.default([]).describe("MCP tools: all of a server's tools when `names` is absent"),
});
export type CreateAgentBody = z.infer<typeof CreateAgentBody>;

export const UpdateAgentBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    instructions: z.string().max(32_000),
    model: ModelRef,
    tools: AgentTools,
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, "Send at least one field to change");
export type UpdateAgentBody = z.infer<typeof UpdateAgentBody>;

export const Agent = z.object({
  id: Id,
  teamId: Id.nullable(),
  name: z.string(),
  instructions: z.string(),
  model: ModelRef,
  tools: z.array(AgentToolGrant),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Agent = z.infer<typeof Agent>;

export const CreateConversationBody = z.object({ agentId: Id, title: z.string().trim().max(200).optional() });
export type CreateConversationBody = z.infer<typeof CreateConversationBody>;

export const Conversation = z.object({
  id: Id,
  agentId: Id,
  teamId: Id.nullable().describe("Team conversations are visible to the team; personal ones only to you"),
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Conversation = z.infer<typeof Conversation>;

export const SendMessageBody = z.object({ content: z.string().trim().min(1).max(100_000) });
export type SendMessageBody = z.infer<typeof SendMessageBody>;

export const SendMessageResult = z.object({
  runId: z.string(),
  messageId: z.string(),
  seq: z.number().int().describe("Seq of the `message.created` event of the stored user message"),
});
export type SendMessageResult = z.infer<typeof SendMessageResult>;

export const Message = z.object({
  id: z.string(),
  role: z.enum(["user", "assistant"]),
  content: z.string(),
  agentId: z.string().optional(),
  runId: z.string().optional(),
  seq: z.number().int().describe("Seq of the event that completed this message"),
  createdAt: z.string(),
});
export type Message = z.infer<typeof Message>;

export const MessageList = z.object({
  messages: z.array(Message),
  cursor: z
    .number()
    .int()
    .describe("Resume the live stream with `after=cursor` to see what came after these"),
});
export type MessageList = z.infer<typeof MessageList>;

export const ChangePasswordBody = z.object({
  currentPassword: z.string().min(1).max(128),
  newPassword: Password,
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

export const ModelInfo = z.object({
  demo: z
    .boolean()
    .describe("True when agents without a provider key run on the built-in scripted demo model"),
  providers: z.array(Provider),
});
export type ModelInfo = z.infer<typeof ModelInfo>;
