import type { AdminUser } from "@switchboard/protocol";
import { useState } from "react";
import { errorMessage, isForbidden } from "../api/api-error.ts";
import { useAuth } from "../auth/auth-context.tsx";
import { ConfirmAction } from "../components/confirm-action.tsx";
import { EmptyState } from "../components/empty-state.tsx";
import { ShieldIcon, UsersIcon } from "../components/icons.tsx";
import { LoadError, Notice } from "../components/notice.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { LoadingBlock } from "../components/spinner.tsx";
import { canToggleUser } from "../lib/access.ts";
import { formatDate } from "../lib/format.ts";
import { useResource } from "../lib/use-resource.ts";
import "./admin-users-page.css";

/** `/admin/users`: everyone in the organizations you administer; disable or enable their accounts. */
export function AdminUsersPage() {
  const { api, user: me } = useAuth();
  const users = useResource("admin-users", async (signal) => {
    try {
      return { forbidden: false, users: await api.adminUsers(signal) };
    } catch (error) {
      if (isForbidden(error)) return { forbidden: true, users: [] as AdminUser[] };
      throw error;
    }
  });
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  async function toggle(user: AdminUser) {
    const disable = !user.disabled;
    setNotice(null);
    setActionError(null);
    try {
      await api.setUserDisabled(user.id, disable);
      users.mutate((d) => ({
        ...d,
        users: d.users.map((u) => (u.id === user.id ? { ...u, disabled: disable } : u)),
      }));
      setNotice(
        disable
          ? `Disabled ${user.email}. Their sessions and API keys stopped working.`
          : `Enabled ${user.email}. They can sign in again.`,
      );
    } catch (error) {
      setActionError(errorMessage(error));
    }
  }

  if (users.data?.forbidden) {
    return (
      <div className="page">
        <title>Users · Switchboard</title>
        <PageHeader title="Users" />
        <div className="card">
          <EmptyState icon={<ShieldIcon />} title="Only organization admins can manage users">
            Ask an organization admin if someone's account needs to be disabled or enabled.
          </EmptyState>
        </div>
      </div>
    );
  }

  return (
    <div className="page page-wide-md">
      <title>Users · Switchboard</title>
      <PageHeader
        title="Users"
        description="Everyone in the organizations you administer. A disabled user cannot sign in; their sessions and API keys stop working at once."
      />
      <div className="admin-users-notices">
        {notice && <Notice>{notice}</Notice>}
        {actionError && <Notice tone="danger">{actionError}</Notice>}
      </div>
      {users.error && <LoadError message={users.error} onRetry={users.reload} />}
      {users.loading && !users.data && <LoadingBlock label="Loading users" />}
      {users.data && users.data.users.length === 0 && (
        <div className="card">
          <EmptyState icon={<UsersIcon />} title="No users">
            Nobody else is in your organization yet.
          </EmptyState>
        </div>
      )}
      {users.data && users.data.users.length > 0 && (
        <div className="card table-wrap">
          <table className="table">
            <caption className="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Joined</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.users.map((user) => (
                <tr
                  key={user.id}
                  data-testid="admin-user-row"
                  data-user-id={user.id}
                  data-disabled={user.disabled}
                >
                  <td className="admin-user-name">
                    {user.name}
                    {user.id === me?.id && <span className="muted"> (you)</span>}
                  </td>
                  <td className="admin-user-email">{user.email}</td>
                  <td>
                    <span className={user.role === "admin" ? "badge badge-accent" : "badge"}>
                      {user.role === "admin" ? "Admin" : "Member"}
                    </span>
                  </td>
                  <td>
                    <span className={user.disabled ? "badge badge-danger" : "badge badge-success"}>
                      {user.disabled ? "Disabled" : "Active"}
                    </span>
                  </td>
                  <td className="cell-nowrap">{formatDate(user.createdAt)}</td>
                  <td className="cell-actions">
                    {canToggleUser(user, me?.id) && (
                      <ConfirmAction
                        label={`${user.disabled ? "Enable" : "Disable"} ${user.email}`}
                        text={user.disabled ? "Enable" : "Disable"}
                        confirmText="Confirm"
                        busyText={user.disabled ? "Enabling…" : "Disabling…"}
                        tone={user.disabled ? "neutral" : "danger"}
                        onConfirm={() => toggle(user)}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
