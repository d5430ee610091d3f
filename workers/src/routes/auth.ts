import { createRoute } from "@hono/zod-openapi";
import { organizations, orgMembers, refreshTokens, users } from "@switchboard/db";
import {
  AuthResult,
  ChangePasswordBody,
  ErrorCode,
  LoginBody,
  RefreshBody,
  RegisterBody,
} from "@switchboard/protocol";
import { eq, sql } from "drizzle-orm";
import { AuditAction, recordAudit } from "../audit/audit-log.ts";
import { authorize } from "../auth/authorize.ts";
import { isCommonPassword } from "../auth/common-passwords.ts";
import { issueSession, revokeSession, rotateSession } from "../auth/sessions.ts";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "../crypto/password.ts";
import { ApiError } from "../http/api-error.ts";
import { createRouter } from "../http/create-router.ts";
import { bearerSecurity, errorResponses, jsonBody, jsonResponse } from "../http/openapi-shared.ts";
import { limitLogin, limitRegister, recordFailedLogin } from "../rate-limit/index.ts";

export const authRoutes = createRouter();

// One message for every failed sign-in or registration, so responses never reveal which emails exist.
const REGISTRATION_FAILED =
  "Could not create the account with these details. If you already have one, sign in.";
const INVALID_LOGIN = "Email or password is incorrect.";

function refuseCommon(password: string, field: string): void {
  if (isCommonPassword(password)) {
    throw new ApiError(
      422,
      ErrorCode.validationFailed,
      `${field}: this password is too common; choose another.`,
    );
  }
}

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/auth/register",
    tags: ["auth"],
    summary: "Create an account (and your own organization, which you administer)",
    middleware: [authorize("POST /auth/register", { public: true })] as const,
    request: jsonBody(RegisterBody),
    responses: {
      201: jsonResponse(AuthResult, "Account created and signed in"),
      409: errorResponses[422],
      ...errorResponses,
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    await limitRegister(c, body.email);
    refuseCommon(body.password, "password");
    const db = c.var.db;
    const passwordHash = await hashPassword(body.password);
    const [existing] = await db
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.email}) = ${body.email}`)
      .limit(1);
    if (existing) throw new ApiError(409, ErrorCode.emailTaken, REGISTRATION_FAILED);
    const userId = crypto.randomUUID();
    const orgId = crypto.randomUUID();
    // One transaction: a user never exists without the organization they administer.
    try {
      await db.batch([
        db.insert(users).values({ id: userId, email: body.email, name: body.name, passwordHash }),
        db.insert(organizations).values({ id: orgId, name: `${body.name}'s organization` }),
        db.insert(orgMembers).values({ orgId, userId, role: "admin" }),
      ]);
    } catch (error) {
      // A concurrent registration of the same email loses on the unique index.
      if (/users_email_key|duplicate key/i.test(String((error as Error).message))) {
        throw new ApiError(409, ErrorCode.emailTaken, REGISTRATION_FAILED);
      }
      throw error;
    }
    const tokens = await issueSession(db, c.env, userId);
    void recordAudit(c, {
      action: AuditAction.authRegister,
      outcome: "success",
      orgId,
      actorId: userId,
      actorEmail: body.email,
    });
    return c.json({ user: { id: userId, email: body.email, name: body.name }, ...tokens }, 201);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/auth/login",
    tags: ["auth"],
    summary: "Sign in with email and password",
    middleware: [authorize("POST /auth/login", { public: true })] as const,
    request: jsonBody(LoginBody),
    responses: { 200: jsonResponse(AuthResult, "Signed in"), ...errorResponses },
  }),
  async (c) => {
    const body = c.req.valid("json");
    await limitLogin(c, body.email);
    const db = c.var.db;
    const [user] = await db.select().from(users).where(sql`lower(${users.email}) = ${body.email}`).limit(1);
    if (!user) {
      // Spend the same time as a real check so timing does not reveal unknown emails.
      await verifyAgainstDummy(body.password);
      void recordAudit(c, {
        action: AuditAction.authLoginFailed,
        outcome: "failure",
        actorId: null,
        actorEmail: body.email,
        details: { reason: "unknown_email" },
      });
      await recordFailedLogin(c, body.email);
      throw new ApiError(401, ErrorCode.invalidCredentials, INVALID_LOGIN);
    }
    const passwordOk = await verifyPassword(body.password, user.passwordHash);
    if (!passwordOk || user.disabledAt) {
      await recordFailedLogin(c, body.email);
      void recordAudit(c, {
        action: AuditAction.authLoginFailed,
        outcome: "failure",
        actorId: user.id,
        actorEmail: user.email,
        details: { reason: passwordOk ? "disabled" : "wrong_password" },
      });
      throw new ApiError(401, ErrorCode.invalidCredentials, INVALID_LOGIN);
    }
    const tokens = await issueSession(db, c.env, user.id);
    void recordAudit(c, {
      action: AuditAction.authLogin,
      outcome: "success",
      actorId: user.id,
      actorEmail: user.email,
    });
    return c.json({ user: { id: user.id, email: user.email, name: user.name }, ...tokens }, 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/auth/refresh",
    tags: ["auth"],
    summary: "Exchange a refresh token for a new pair (the old one is spent; reusing it revokes the session)",
    middleware: [authorize("POST /auth/refresh", { public: true })] as const,
    request: jsonBody(RefreshBody),
    responses: { 200: jsonResponse(AuthResult, "New tokens"), ...errorResponses },
  }),
  async (c) => {
    const { refreshToken } = c.req.valid("json");
    const db = c.var.db;
    const rotated = await rotateSession(db, c.env, refreshToken);
    const [user] = await db
      .select({ id: users.id, email: users.email, name: users.name, disabledAt: users.disabledAt })
      .from(users)
      .where(eq(users.id, rotated.userId))
      .limit(1);
    if (!user || user.disabledAt) throw ApiError.unauthorized("Your session has ended. Sign in again.");
    const { disabledAt: _disabled, ...publicUser } = user;
    return c.json(
      { user: publicUser, accessToken: rotated.accessToken, refreshToken: rotated.refreshToken },
      200,
    );
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/auth/logout",
    tags: ["auth"],
    summary: "Sign out: revokes the refresh token's session and every access token issued so far",
    middleware: [authorize("POST /auth/logout", { public: true })] as const,
    request: jsonBody(RefreshBody),
    responses: { 204: { description: "Signed out" }, ...errorResponses },
  }),
  async (c) => {
    const userId = await revokeSession(c.var.db, c.req.valid("json").refreshToken);
    if (userId) void recordAudit(c, { action: AuditAction.authLogout, outcome: "success", actorId: userId });
    if (userId)
      await c.var.db.update(users).set({ tokensValidAfter: new Date() }).where(eq(users.id, userId));
    return c.body(null, 204);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/auth/change-password",
    tags: ["auth"],
    summary: "Change your password; every session, including this one, must sign in again",
    security: bearerSecurity,
    middleware: [authorize("POST /auth/change-password", { resource: "account", action: "update" })] as const,
    request: jsonBody(ChangePasswordBody),
    responses: { 204: { description: "Changed; sign in again" }, ...errorResponses },
  }),
  async (c) => {
    const body = c.req.valid("json");
    if (c.var.principal?.via !== "session") {
      throw new ApiError(
        403,
        ErrorCode.forbidden,
        "Change your password from a signed-in session, not with an API key.",
      );
    }
    refuseCommon(body.newPassword, "newPassword");
    const db = c.var.db;
    const [user] = await db.select().from(users).where(eq(users.id, c.var.userId)).limit(1);
    if (!user || !(await verifyPassword(body.currentPassword, user.passwordHash))) {
      throw new ApiError(
        422,
        ErrorCode.validationFailed,
        "currentPassword: that is not your current password.",
      );
    }
    const passwordHash = await hashPassword(body.newPassword);
    await db.batch([
      db.update(users).set({ passwordHash, tokensValidAfter: new Date() }).where(eq(users.id, user.id)),
      db.update(refreshTokens).set({ revokedAt: new Date() }).where(eq(refreshTokens.userId, user.id)),
    ]);
    void recordAudit(c, {
      action: AuditAction.authPasswordChanged,
      outcome: "success",
      targetType: "user",
      targetId: user.id,
    });
    return c.body(null, 204);
  },
);
