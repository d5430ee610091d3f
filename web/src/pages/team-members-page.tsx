import { AddMemberBody, type MemberRole, type TeamMember } from "@switchboard/protocol";
import { type FormEvent, useState } from "react";
import { Link, useParams } from "react-router";
import { errorMessage } from "../api/api-error.ts";
import { useAccess } from "../auth/access-context.tsx";
import { useAuth } from "../auth/auth-context.tsx";
import { ConfirmAction } from "../components/confirm-action.tsx";
import { EmptyState } from "../components/empty-state.tsx";
import { Field } from "../components/field.tsx";
import { ArrowLeftIcon, TrashIcon, UsersIcon } from "../components/icons.tsx";
import { LoadError, Notice } from "../components/notice.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { LoadingBlock } from "../components/spinner.tsx";
import { RoleBadge } from "../components/team-badge.tsx";
import {
  assignableRoles,
  canEditMember,
  canManageMembers,
  roleDescriptions,
  roleLabel,
  roleLabels,
} from "../lib/access.ts";
import { useResource } from "../lib/use-resource.ts";
import "./team-members-page.css";

/** `/teams/:id`: a team's members. Admins and team leads add, re-role and remove them; others read. */
export function TeamMembersPage() {
  const { id = "" } = useParams();
  const { api, user } = useAuth();
  const { teams, loading: teamsLoading } = useAccess();
  const team = teams?.find((t) => t.id === id);
  const members = useResource(`team-members:${id}`, (signal) => api.teamMembers(id, signal));
  const [draft, setDraft] = useState<{ userId: string; role: MemberRole } | null>(null);
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const myRole = team?.role;
  const manage = canManageMembers(myRole);
  const roles = assignableRoles(myRole);

  async function saveRole(member: TeamMember, role: MemberRole) {
    setSaving(true);
    setActionError(null);
    setNotice(null);
    try {
      const updated = await api.updateTeamMember(id, member.userId, { role });
      members.mutate((list) => list.map((m) => (m.userId === updated.userId ? updated : m)));
      setDraft(null);
      setNotice(
        `${displayName(updated)} is now ${article(updated.role)} ${roleLabel(updated.role).toLowerCase()}.`,
      );
    } catch (error) {
      setActionError(errorMessage(error));
    } finally {
      setSaving(false);
    }
  }

  async function remove(member: TeamMember) {
    setActionError(null);
    setNotice(null);
    try {
      await api.removeTeamMember(id, member.userId);
      members.mutate((list) => list.filter((m) => m.userId !== member.userId));
      if (draft?.userId === member.userId) setDraft(null);
      setNotice(`Removed ${displayName(member)} from the team.`);
    } catch (error) {
      setActionError(errorMessage(error));
    }
  }

  const title = team?.name ?? (teamsLoading ? "Team" : "Team members");
  return (
    <div className="page">
      <title>{`${title} · Switchboard`}</title>
      <PageHeader
        back={
          <Link to="/teams">
            <ArrowLeftIcon /> Teams
          </Link>
        }
        title={
          <span className="title-with-badge">
            {title} {myRole && <RoleBadge role={myRole} />}
          </span>
        }
        description={
          manage
            ? "Add people by the email they registered with, change their role, or remove them."
            : "The people in this team and what they can do."
        }
      />
      {team && !manage && (
        <div className="team-members-note">
          <Notice>
            You are {article(team.role)} {roleLabel(team.role).toLowerCase()} here. Only team leads and
            organization admins manage members.
          </Notice>
        </div>
      )}
      {members.error && <LoadError message={members.error} onRetry={members.reload} />}
      {members.loading && !members.data && <LoadingBlock label="Loading members" />}
      {members.data && (
        <div className="team-members-layout">
          <section aria-labelledby="members-title" className="team-members-section">
            <h2 id="members-title" className="visually-hidden">
              Members
            </h2>
            {notice && <Notice>{notice}</Notice>}
            {actionError && <Notice tone="danger">{actionError}</Notice>}
            {members.data.length === 0 ? (
              <div className="card">
                <EmptyState icon={<UsersIcon />} title="No members yet">
                  {manage ? "Add the first member below." : "Nobody has been added to this team yet."}
                </EmptyState>
              </div>
            ) : (
              <ul className="card member-list">
                {members.data.map((member) => {
                  const self = member.userId === user?.id;
                  const editable = !self && canEditMember(myRole, member.role);
                  const selected = draft?.userId === member.userId ? draft.role : member.role;
                  const changed = selected !== member.role;
                  const selectId = `member-role-${member.userId}`;
                  // A team lead cannot grant admin, but an admin member's current role still shows.
                  const options = roles.includes(member.role) ? roles : [member.role, ...roles];
                  return (
                    <li
                      key={member.userId}
                      className="member-row"
                      data-testid="team-member-row"
                      data-user-id={member.userId}
                      data-role={member.role}
                    >
                      <span className="avatar" aria-hidden="true">
                        {initials(member)}
                      </span>
                      <span className="member-text">
                        <span className="member-name">
                          {displayName(member)}
                          {self && <span className="muted"> (you)</span>}
                        </span>
                        <span className="member-email">{member.email}</span>
                      </span>
                      {editable ? (
                        <span className="member-controls">
                          <label className="visually-hidden" htmlFor={selectId}>
                            Role of {displayName(member)}
                          </label>
                          <select
                            id={selectId}
                            className="select member-role-select"
                            value={selected}
                            disabled={saving}
                            onChange={(e) => {
                              const role = e.target.value as MemberRole;
                              setDraft(role === member.role ? null : { userId: member.userId, role });
                            }}
                          >
                            {options.map((role) => (
                              <option key={role} value={role}>
                                {roleLabels[role]}
                              </option>
                            ))}
                          </select>
                          {changed ? (
                            <>
                              <button
                                type="button"
                                className="btn btn-primary btn-sm"
                                disabled={saving}
                                onClick={() => saveRole(member, selected)}
                              >
                                {saving ? "Saving…" : "Save role"}
                              </button>
                              <button
                                type="button"
                                className="btn btn-secondary btn-sm"
                                disabled={saving}
                                onClick={() => setDraft(null)}
                              >
                                Keep {roleLabel(member.role).toLowerCase()}
                              </button>
                            </>
                          ) : (
                            <ConfirmAction
                              label={`Remove ${displayName(member)}`}
                              text="Remove"
                              icon={<TrashIcon />}
                              confirmText="Confirm remove"
                              busyText="Removing…"
                              onConfirm={() => remove(member)}
                            />
                          )}
                        </span>
                      ) : (
                        <RoleBadge role={member.role} />
                      )}
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
          {manage && (
            <AddMemberForm
              teamId={id}
              roles={roles}
              onAdded={(added) => {
                members.mutate((list) => [...list.filter((m) => m.userId !== added.userId), added]);
                setNotice(
                  `Added ${displayName(added)} as ${article(added.role)} ${roleLabel(added.role).toLowerCase()}.`,
                );
              }}
            />
          )}
        </div>
      )}
    </div>
  );
}

function AddMemberForm({
  teamId,
  roles,
  onAdded,
}: {
  teamId: string;
  roles: MemberRole[];
  onAdded: (member: TeamMember) => void;
}) {
  const { api } = useAuth();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<MemberRole>("member");
  const [emailError, setEmailError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const parsed = AddMemberBody.safeParse({ email, role });
    if (!parsed.success) {
      setEmailError("Enter the email address they registered with.");
      return;
    }
    setEmailError(null);
    setBusy(true);
    try {
      onAdded(await api.addTeamMember(teamId, parsed.data));
      setEmail("");
    } catch (caught) {
      // 404: no account with that email (the server's message says so); 409: already a member.
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card member-form" onSubmit={submit} noValidate>
      <h2>Add a member</h2>
      <p className="muted member-form-intro">They need a Switchboard account first.</p>
      <div className="member-form-grid">
        <Field id="member-email" label="Email" error={emailError}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="email"
              inputMode="email"
              autoComplete="off"
              spellCheck={false}
              placeholder="ada@example.com"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field id="member-role" label="New member role" hint={roleDescriptions[role]}>
          {(control) => (
            <select
              {...control}
              className="select"
              value={role}
              onChange={(e) => setRole(e.target.value as MemberRole)}
            >
              {roles.map((r) => (
                <option key={r} value={r}>
                  {roleLabels[r]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {error && <Notice tone="danger">{error}</Notice>}
      <div className="member-form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? "Adding…" : "Add member"}
        </button>
      </div>
    </form>
  );
}

function displayName(member: TeamMember): string {
  return member.name.trim() || member.email;
}

function initials(member: TeamMember): string {
  return displayName(member)
    .split(/\s+/)
    .map((part) => part[0])
    .join("")
    .slice(0, 2)
    .toUpperCase();
}

function article(role: MemberRole): string {
  return role === "admin" ? "an" : "a";
}
