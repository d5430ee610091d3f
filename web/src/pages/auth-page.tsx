import { LoginBody, RegisterBody } from "@switchboard/protocol";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { errorMessage, type RateLimit, rateLimitOf } from "../api/api-error.ts";
import { useAuth } from "../auth/auth-context.tsx";
import { BrandMark } from "../components/brand-mark.tsx";
import { Field } from "../components/field.tsx";
import { BotIcon, ChatIcon, KeyIcon } from "../components/icons.tsx";
import { Notice } from "../components/notice.tsx";
import { RateLimitNotice } from "../components/rate-limit-notice.tsx";
import "./auth-page.css";

type Mode = "sign-in" | "register";
type FieldErrors = Partial<Record<"name" | "email" | "password", string>>;

/**
 * Sign in (`/login`) and create an account (`/register`): one form, two modes. On success the session
 * is stored and <RedirectIfSignedIn> moves the visitor on to the app.
 */
export function AuthPage({ mode }: { mode: Mode }) {
  const { api, signedOutNotice } = useAuth();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [rateLimit, setRateLimit] = useState<RateLimit | null>(null);
  const [busy, setBusy] = useState(false);
  const registering = mode === "register";

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setRateLimit(null);
    const parsed = registering
      ? RegisterBody.safeParse({ name, email, password })
      : LoginBody.safeParse({ email, password });
    if (!parsed.success) {
      const errors: FieldErrors = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path[0];
        if ((key === "name" || key === "email" || key === "password") && !errors[key]) {
          errors[key] =
            key === "name"
              ? "Enter your name"
              : key === "password" && !registering
                ? "Enter your password"
                : issue.message;
        }
      }
      setFieldErrors(errors);
      return;
    }
    setFieldErrors({});
    setBusy(true);
    try {
      if (registering) await api.register(parsed.data as RegisterBody);
      else await api.login(parsed.data as LoginBody);
    } catch (caught) {
      const limit = rateLimitOf(caught);
      if (limit) setRateLimit(limit);
      else setError(errorMessage(caught));
      setBusy(false);
    }
  }

  return (
    <div className="auth-page">
      <title>{registering ? "Create account · Switchboard" : "Sign in · Switchboard"}</title>
      <aside className="auth-hero">
        <BrandMark />
        <div className="auth-hero-copy">
          <p className="auth-hero-title">Agents that work together, live.</p>
          <ul className="auth-hero-points">
            <li>
              <BotIcon /> Build agents on OpenAI, Anthropic, OpenRouter or your own endpoint
            </li>
            <li>
              <ChatIcon /> Watch replies and tool calls stream in real time, on any device
            </li>
            <li>
              <KeyIcon /> Provider keys stay encrypted and are never shown again
            </li>
          </ul>
        </div>
        <p className="auth-hero-foot">Switchboard · multi-agent orchestration</p>
      </aside>

      <section className="auth-panel">
        <div className="auth-card">
          <div className="auth-card-brand">
            <BrandMark />
          </div>
          <h1>{registering ? "Create your account" : "Welcome back"}</h1>
          <p className="muted auth-subtitle">
            {registering ? "Start building agents in a minute." : "Sign in to continue to your chats."}
          </p>

          {/* Why the last session ended, e.g. "password changed, sign in again". */}
          {signedOutNotice && (
            <div className="auth-arrival" data-testid="signed-out-notice">
              <Notice>{signedOutNotice}</Notice>
            </div>
          )}

          <form className="auth-form" onSubmit={submit} noValidate>
            {registering && (
              <Field id="auth-name" label="Name" error={fieldErrors.name}>
                {(control) => (
                  <input
                    {...control}
                    className="input"
                    name="name"
                    autoComplete="name"
                    value={name}
                    onChange={(e) => setName(e.target.value)}
                  />
                )}
              </Field>
            )}
            <Field id="auth-email" label="Email" error={fieldErrors.email}>
              {(control) => (
                <input
                  {...control}
                  className="input"
                  type="email"
                  name="email"
                  autoComplete="email"
                  inputMode="email"
                  value={email}
                  onChange={(e) => setEmail(e.target.value)}
                />
              )}
            </Field>
            <Field
              id="auth-password"
              label="Password"
              hint={registering ? "At least 8 characters. A passphrase of 15 or more is best." : undefined}
              error={fieldErrors.password}
            >
              {(control) => (
                <input
                  {...control}
                  className="input"
                  type="password"
                  name="password"
                  autoComplete={registering ? "new-password" : "current-password"}
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                />
              )}
            </Field>

            {rateLimit && <RateLimitNotice limit={rateLimit} onExpire={() => setRateLimit(null)} />}
            {error && <Notice tone="danger">{error}</Notice>}

            <button type="submit" className="btn btn-primary btn-block auth-submit" disabled={busy}>
              {busy
                ? registering
                  ? "Creating account…"
                  : "Signing in…"
                : registering
                  ? "Create account"
                  : "Sign in"}
            </button>
          </form>

          <p className="auth-switch">
            {registering ? (
              <>
                Already have an account? <Link to="/login">Use your existing account</Link>
              </>
            ) : (
              <>
                New to Switchboard? <Link to="/register">Register a new account</Link>
              </>
            )}
          </p>
        </div>
      </section>
    </div>
  );
}
