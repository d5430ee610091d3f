import { ChangePasswordBody } from "@switchboard/protocol";
import { type FormEvent, useState } from "react";
import { errorMessage, type RateLimit, rateLimitOf } from "../api/api-error.ts";
import { useAuth } from "../auth/auth-context.tsx";
import { Field } from "../components/field.tsx";
import { Notice } from "../components/notice.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { RateLimitNotice } from "../components/rate-limit-notice.tsx";
import "./account-page.css";

type FieldErrors = Partial<Record<"currentPassword" | "newPassword" | "confirm", string>>;

/** Shown on the sign-in page after a password change (every session, this one too, was signed out). */
export const PASSWORD_CHANGED_NOTICE =
  "Your password was changed and every session was signed out. Sign in with your new password.";

/** `/account`: who you are, and changing your password. */
export function AccountPage() {
  const { api, user, endSession } = useAuth();
  const [currentPassword, setCurrentPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [rateLimit, setRateLimit] = useState<RateLimit | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setRateLimit(null);
    const next: FieldErrors = {};
    const parsed = ChangePasswordBody.safeParse({ currentPassword, newPassword });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.path[0] === "currentPassword") next.currentPassword ??= "Enter your current password.";
        if (issue.path[0] === "newPassword") next.newPassword ??= issue.message;
      }
    }
    if (!next.newPassword && newPassword === currentPassword && newPassword !== "")
      next.newPassword = "Choose a password different from the current one.";
    if (!next.newPassword && confirm !== newPassword) next.confirm = "The two new passwords do not match.";
    setErrors(next);
    if (!parsed.success || Object.keys(next).length > 0) return;
    setBusy(true);
    try {
      await api.changePassword(parsed.data);
    } catch (caught) {
      setBusy(false);
      const limit = rateLimitOf(caught);
      if (limit) setRateLimit(limit);
      else if (/^currentPassword:/.test(errorMessage(caught)))
        setErrors({ currentPassword: "That is not your current password." });
      else if (/^newPassword:/.test(errorMessage(caught)))
        setErrors({ newPassword: capitalise(errorMessage(caught).replace(/^newPassword:\s*/, "")) });
      else setError(errorMessage(caught));
      return;
    }
    // Every session ended on the server: forget this one too. <RequireAuth> then sends the user to
    // /login, which shows the note.
    endSession(PASSWORD_CHANGED_NOTICE);
  }

  return (
    <div className="page">
      <title>Account · Switchboard</title>
      <PageHeader title="Account" description="Your profile and sign-in details." />
      <div className="account-layout">
        <section className="card account-profile" aria-labelledby="account-profile-title">
          <h2 id="account-profile-title">Profile</h2>
          <dl className="account-details">
            <div>
              <dt>Name</dt>
              <dd>{user?.name}</dd>
            </div>
            <div>
              <dt>Email</dt>
              <dd>{user?.email}</dd>
            </div>
          </dl>
        </section>
        <form
          className="card account-form"
          onSubmit={submit}
          noValidate
          aria-labelledby="change-password-title"
        >
          <h2 id="change-password-title">Password</h2>
          <p className="muted account-form-intro">
            Changing it signs you out everywhere, this browser included. You will sign in again with the new
            password.
          </p>
          {/* Lets password managers file the new password under the right account. */}
          <input
            type="text"
            name="username"
            autoComplete="username"
            value={user?.email ?? ""}
            readOnly
            hidden
          />
          <Field id="account-current-password" label="Current password" error={errors.currentPassword}>
            {(control) => (
              <input
                {...control}
                className="input"
                type="password"
                autoComplete="current-password"
                value={currentPassword}
                onChange={(e) => setCurrentPassword(e.target.value)}
              />
            )}
          </Field>
          <Field
            id="account-new-password"
            label="New password"
            hint="At least 8 characters. A passphrase of 15 or more is best."
            error={errors.newPassword}
          >
            {(control) => (
              <input
                {...control}
                className="input"
                type="password"
                autoComplete="new-password"
                value={newPassword}
                onChange={(e) => setNewPassword(e.target.value)}
              />
            )}
          </Field>
          <Field id="account-confirm-password" label="Confirm password" error={errors.confirm}>
            {(control) => (
              <input
                {...control}
                className="input"
                type="password"
                autoComplete="new-password"
                value={confirm}
                onChange={(e) => setConfirm(e.target.value)}
              />
            )}
          </Field>
          {rateLimit && <RateLimitNotice limit={rateLimit} onExpire={() => setRateLimit(null)} />}
          {error && <Notice tone="danger">{error}</Notice>}
          <div className="account-form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? "Changing…" : "Change password"}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
