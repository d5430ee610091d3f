import { useEffect, useRef, useState } from "react";
import { Outlet, useLocation } from "react-router";
import { AccessProvider } from "../auth/access-context.tsx";
import { BrandMark } from "../components/brand-mark.tsx";
import { MenuIcon } from "../components/icons.tsx";
import { Sidebar } from "./sidebar.tsx";
import "./app-shell.css";

/** The signed-in frame: a sidebar on wide screens, a top bar with a slide-in drawer on phones. */
export function AppShell() {
  const [drawerOpen, setDrawerOpen] = useState(false);
  const location = useLocation();
  const menuButton = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);

  // Navigating is the usual way out of the drawer on a phone.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every route change on purpose
  useEffect(() => setDrawerOpen(false), [location.pathname]);

  // Move focus into the drawer when it opens and back to the menu button when it closes.
  useEffect(() => {
    if (drawerOpen) document.querySelector<HTMLElement>("#app-sidebar .sidebar-close")?.focus();
    else if (wasOpen.current) menuButton.current?.focus();
    wasOpen.current = drawerOpen;
  }, [drawerOpen]);

  useEffect(() => {
    if (!drawerOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setDrawerOpen(false);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [drawerOpen]);

  return (
    <AccessProvider>
      <div className="app-shell" data-drawer-open={drawerOpen}>
        <header className="topbar">
          <button
            ref={menuButton}
            type="button"
            className="btn btn-ghost btn-icon"
            aria-label="Open navigation"
            aria-expanded={drawerOpen}
            aria-controls="app-sidebar"
            onClick={() => setDrawerOpen(true)}
          >
            <MenuIcon />
          </button>
          <BrandMark />
        </header>
        <Sidebar id="app-sidebar" onClose={() => setDrawerOpen(false)} />
        {drawerOpen && (
          <div className="drawer-scrim" aria-hidden="true" onClick={() => setDrawerOpen(false)} />
        )}
        <main className="app-main" id="main">
          <Outlet />
        </main>
      </div>
    </AccessProvider>
  );
}
