import { useState } from "react";
import { NavLink } from "react-router";
import { useAccess } from "../auth/access-context.tsx";
import { useAuth } from "../auth/auth-context.tsx";
import { BrandMark } from "../components/brand-mark.tsx";
import {
  BotIcon,
  ChatIcon,
  CloseIcon,
  CodeIcon,
  KeyIcon,
  LogOutIcon,
  PlugIcon,
  ScrollIcon,
  ShieldIcon,
  UserIcon,
  UsersIcon,
} from "../components/icons.tsx";

const links = [
  { to: "/chat", label: "Chats", icon: <ChatIcon /> },
  { to: "/agents", label: "Agents", icon: <BotIcon /> },
  { to: "/tools", label: "Tools", icon: <PlugIcon /> },
  { to: "/teams", label: "Teams", icon: <UsersIcon /> },
  { to: "/credentials", label: "Credentials", icon: <KeyIcon /> },
  { to: "/api-keys", label: "API keys", icon: <CodeIcon /> },
];

/** Only organization admins see these (the pages themselves also tell others they cannot look). */
const adminLinks = [
  { to: "/audit", label: "Audit log", icon: <ScrollIcon /> },
  { to: "/admin/users", label: "Users", icon: <ShieldIcon /> },
];

export function Sidebar({ id, onClose }: { id: string; onClose: () => void }) {
  const { api, user } = useAuth();
  const { isAdmin } = useAccess();
  const [signingOut, setSigningOut] = useState(false);
  const initials = (user?.name || user?.email || "?")
    .split(/\s+/)
    .map((part) => part[0])
    .join("")
    .slice(0, 2)
    .toUpperCase();

  return (
    <aside className="sidebar" id={id} aria-label="Main navigation">
      <div className="sidebar-head">
        <BrandMark />
        <button
          type="button"
          className="btn btn-ghost btn-icon sidebar-close"
          aria-label="Close navigation"
          onClick={onClose}
        >
          <CloseIcon />
        </button>
      </div>
      <nav className="sidebar-nav">
        {links.map((link) => (
          <NavLink key={link.to} to={link.to} className="sidebar-link">
            {link.icon}
            <span>{link.label}</span>
          </NavLink>
        ))}
        {isAdmin && (
          <>
            <p className="sidebar-section">Organization</p>
            {adminLinks.map((link) => (
              <NavLink key={link.to} to={link.to} className="sidebar-link">
                {link.icon}
                <span>{link.label}</span>
              </NavLink>
            ))}
          </>
        )}
      </nav>
      <div className="sidebar-foot">
        <div className="sidebar-user">
          <span className="avatar" aria-hidden="true">
            {initials}
          </span>
          <span className="sidebar-user-text">
            <span className="sidebar-user-name">{user?.name}</span>
            <span className="sidebar-user-email">{user?.email}</span>
          </span>
        </div>
        <div className="sidebar-foot-actions">
          <NavLink to="/account" className="btn btn-ghost btn-sm sidebar-account">
            <UserIcon />
            <span>Account</span>
          </NavLink>
          <button
            type="button"
            className="btn btn-ghost btn-sm sidebar-signout"
            disabled={signingOut}
            onClick={async () => {
              setSigningOut(true);
              // Revokes the session on the server first; the local session is cleared either way.
              await api.signOut();
            }}
          >
            <LogOutIcon />
            <span>Sign out</span>
          </button>
        </div>
      </div>
    </aside>
  );
}
