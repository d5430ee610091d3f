import { CreateTeamBody } from "@switchboard/protocol";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { errorMessage } from "../api/api-error.ts";
import { useAccess } from "../auth/access-context.tsx";
import { useApi } from "../auth/auth-context.tsx";
import { EmptyState } from "../components/empty-state.tsx";
import { Field } from "../components/field.tsx";
import { ChevronRightIcon, UsersIcon } from "../components/icons.tsx";
import { Notice } from "../components/notice.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { LoadingBlock } from "../components/spinner.tsx";
import { RoleBadge } from "../components/team-badge.tsx";
import { canManageMembers } from "../lib/access.ts";
import { formatDate } from "../lib/format.ts";
import "./teams-page.css";

/** `/teams`: the user's teams with their role in each; organization admins also create teams here. */
export function TeamsPage() {
  const { teams, isAdmin, loading, reload } = useAccess();

  return (
    <div className="page">
      <title>Teams · Switchboard</title>
      <PageHeader
        title="Teams"
        description="Share agents and chats with the people you work with. Your role in a team decides what you can do there."
      />
      {!teams && loading && <LoadingBlock label="Loading teams" />}
      {!teams && !loading && (
        <Notice
          tone="danger"
          action={
            <button type="button" className="btn btn-secondary btn-sm" onClick={reload}>
              Try again
            </button>
          }
        >
          Could not load your teams.
        </Notice>
      )}
      {teams && (
        <div className="teams-layout">
          {teams.length === 0 ? (
            <div className="card">
              <EmptyState icon={<UsersIcon />} title="No teams yet">
                {isAdmin
                  ? "Create a team, then add people by the email they registered with."
                  : "You are not in a team yet. Ask an organization admin to add you to one."}
              </EmptyState>
            </div>
          ) : (
            <ul className="card team-list" aria-label="Your teams">
              {teams.map((team) => (
                <li key={team.id}>
                  <Link to={`/teams/${team.id}`} className="team-row" data-testid="team-row">
                    <span className="team-avatar" aria-hidden="true">
                      {team.name.slice(0, 1).toUpperCase()}
                    </span>
                    <span className="team-row-text">
                      <span className="team-row-name">{team.name}</span>
                      <span className="team-row-meta">
                        Created {formatDate(team.createdAt)} ·{" "}
                        {canManageMembers(team.role) ? "Manage members" : "View members"}
                      </span>
                    </span>
                    <RoleBadge role={team.role} />
                    <ChevronRightIcon className="team-row-chevron" />
                  </Link>
                </li>
              ))}
            </ul>
          )}
          {isAdmin ? (
            <CreateTeamForm />
          ) : (
            <p className="muted teams-hint">Only organization admins create teams.</p>
          )}
        </div>
      )}
    </div>
  );
}

function CreateTeamForm() {
  const api = useApi();
  const { upsertTeam } = useAccess();
  const [name, setName] = useState("");
  const [nameError, setNameError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setCreated(null);
    const parsed = CreateTeamBody.safeParse({ name });
    if (!parsed.success) {
      setNameError("Give the team a name (up to 100 characters).");
      return;
    }
    setNameError(null);
    setBusy(true);
    try {
      const team = await api.createTeam(parsed.data);
      upsertTeam(team);
      setName("");
      setCreated(team.name);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card team-form" onSubmit={submit} noValidate>
      <h2>New team</h2>
      <div className="team-form-row">
        <Field id="team-name" label="Team name" error={nameError}>
          {(control) => (
            <input
              {...control}
              className="input"
              value={name}
              maxLength={100}
              placeholder="Research"
              autoComplete="off"
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="btn btn-primary team-form-submit" disabled={busy}>
          {busy ? "Creating…" : "Create team"}
        </button>
      </div>
      {created && <Notice>Created “{created}”. Open it to add members.</Notice>}
      {error && <Notice tone="danger">{error}</Notice>}
    </form>
  );
}
