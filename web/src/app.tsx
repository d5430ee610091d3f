import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { AuthProvider } from "./auth/auth-context.tsx";
import { RedirectIfSignedIn, RequireAuth } from "./auth/require-auth.tsx";
import { AppShell } from "./layout/app-shell.tsx";
import { AccountPage } from "./pages/account-page.tsx";
import { AdminUsersPage } from "./pages/admin-users-page.tsx";
import { AgentEditorPage } from "./pages/agent-editor-page.tsx";
import { AgentsPage } from "./pages/agents-page.tsx";
import { ApiKeysPage } from "./pages/api-keys-page.tsx";
import { AuditPage } from "./pages/audit-page.tsx";
import { AuthPage } from "./pages/auth-page.tsx";
import { ChatIndex, ChatLayout } from "./pages/chat-layout.tsx";
import { ConversationPage } from "./pages/conversation-page.tsx";
import { CredentialsPage } from "./pages/credentials-page.tsx";
import { McpServerPage } from "./pages/mcp-server-page.tsx";
import { NotFoundPage } from "./pages/not-found-page.tsx";
import { TeamMembersPage } from "./pages/team-members-page.tsx";
import { TeamsPage } from "./pages/teams-page.tsx";
import { ToolsPage } from "./pages/tools-page.tsx";

export function App() {
  return (
    <BrowserRouter>
      <AuthProvider>
        <Routes>
          <Route
            path="/login"
            element={
              <RedirectIfSignedIn>
                <AuthPage mode="sign-in" />
              </RedirectIfSignedIn>
            }
          />
          <Route
            path="/register"
            element={
              <RedirectIfSignedIn>
                <AuthPage mode="register" />
              </RedirectIfSignedIn>
            }
          />
          <Route
            element={
              <RequireAuth>
                <AppShell />
              </RequireAuth>
            }
          >
            <Route index element={<Navigate to="/chat" replace />} />
            <Route path="chat" element={<ChatLayout />}>
              <Route index element={<ChatIndex />} />
              <Route path=":conversationId" element={<ConversationPage />} />
            </Route>
            <Route path="agents" element={<AgentsPage />} />
            <Route path="agents/new" element={<AgentEditorPage />} />
            <Route path="agents/:id" element={<AgentEditorPage />} />
            <Route path="tools" element={<ToolsPage />} />
            <Route path="tools/servers" element={<Navigate to="/tools" replace />} />
            <Route path="tools/servers/:id" element={<McpServerPage />} />
            <Route path="credentials" element={<CredentialsPage />} />
            <Route path="teams" element={<TeamsPage />} />
            <Route path="teams/:id" element={<TeamMembersPage />} />
            <Route path="api-keys" element={<ApiKeysPage />} />
            <Route path="audit" element={<AuditPage />} />
            <Route path="admin/users" element={<AdminUsersPage />} />
            <Route path="account" element={<AccountPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </AuthProvider>
    </BrowserRouter>
  );
}
