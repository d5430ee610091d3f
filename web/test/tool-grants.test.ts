import type { AgentToolGrant, McpServer, MemberRole, Team } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import {
  describeGrant,
  grantMode,
  grantsToSave,
  isToolGranted,
  setAllTools,
  setToolGranted,
  summarizeTools,
  usableServers,
} from "../src/lib/tool-grants.ts";

const MEMORY = "11111111-1111-4111-8111-111111111111";
const WEB = "22222222-2222-4222-8222-222222222222";
const TEAM_SERVER = "33333333-3333-4333-8333-333333333333";
const VIEWED_SERVER = "44444444-4444-4444-8444-444444444444";
const RESEARCH = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const READERS = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";

const server = (id: string, name: string, teamId: string | null = null): McpServer => ({
  id,
  name,
  teamId,
  catalogId: null,
  url: null,
  transport: "stdio",
  credentialId: null,
  toolCount: null,
  toolsFetchedAt: null,
  createdAt: "2026-01-01T00:00:00.000Z",
});

const team = (id: string, role: MemberRole): Team => ({
  id,
  orgId: "00000000-0000-4000-8000-000000000000",
  name: id,
  role,
  createdAt: "2026-01-01T00:00:00.000Z",
});

const servers = [
  server(MEMORY, "Memory"),
  server(WEB, "Web fetch"),
  server(TEAM_SERVER, "Team memory", RESEARCH),
  server(VIEWED_SERVER, "Readers' server", READERS),
];
const teams = [team(RESEARCH, "member"), team(READERS, "viewer")];

describe("editing an agent's tool grants", () => {
  it("turns all of a server's tools on and off", () => {
    const on = setAllTools([], MEMORY, true);
    expect(on).toEqual([{ serverId: MEMORY }]);
    expect(grantMode(on, MEMORY)).toBe("all");
    expect(isToolGranted(on, MEMORY, "anything")).toBe(true);
    expect(setAllTools(on, MEMORY, false)).toEqual([]);
  });

  it("picks single tools, and drops the grant when the last one is unticked", () => {
    let grants: AgentToolGrant[] = [];
    grants = setToolGranted(grants, MEMORY, "read_graph", true);
    grants = setToolGranted(grants, MEMORY, "search_nodes", true);
    grants = setToolGranted(grants, MEMORY, "read_graph", true);
    expect(grants).toEqual([{ serverId: MEMORY, names: ["read_graph", "search_nodes"] }]);
    expect(grantMode(grants, MEMORY)).toBe("some");
    expect(isToolGranted(grants, MEMORY, "create_entities")).toBe(false);
    grants = setToolGranted(grants, MEMORY, "read_graph", false);
    grants = setToolGranted(grants, MEMORY, "search_nodes", false);
    expect(grants).toEqual([]);
    expect(grantMode(grants, MEMORY)).toBe("none");
  });

  it("leaves an all-tools grant alone when a single box is toggled", () => {
    const all: AgentToolGrant[] = [{ serverId: MEMORY }];
    expect(setToolGranted(all, MEMORY, "read_graph", false)).toEqual(all);
  });

  it("keeps other servers' grants and their order", () => {
    const grants: AgentToolGrant[] = [{ serverId: WEB }, { serverId: MEMORY, names: ["read_graph"] }];
    expect(setAllTools(grants, MEMORY, true)).toEqual([{ serverId: WEB }, { serverId: MEMORY }]);
    expect(setToolGranted(grants, MEMORY, "read_graph", false)).toEqual([{ serverId: WEB }]);
  });

  it("does not modify the grants it was given", () => {
    const grants: AgentToolGrant[] = [{ serverId: MEMORY, names: ["read_graph"] }];
    const snapshot = structuredClone(grants);
    setToolGranted(grants, MEMORY, "search_nodes", true);
    setAllTools(grants, MEMORY, true);
    expect(grants).toEqual(snapshot);
  });
});

describe("which servers an agent may use", () => {
  it("offers a personal agent the user's servers and their teams' where they are not a viewer", () => {
    expect(usableServers(servers, teams, null).map((s) => s.name)).toEqual([
      "Memory",
      "Web fetch",
      "Team memory",
    ]);
  });

  it("offers a team agent its own team's servers only", () => {
    expect(usableServers(servers, teams, RESEARCH).map((s) => s.name)).toEqual(["Team memory"]);
  });

  it("saves only grants of usable servers", () => {
    const grants: AgentToolGrant[] = [{ serverId: MEMORY }, { serverId: TEAM_SERVER, names: ["read_graph"] }];
    expect(grantsToSave(grants, usableServers(servers, teams, RESEARCH))).toEqual([
      { serverId: TEAM_SERVER, names: ["read_graph"] },
    ]);
  });
});

describe("tool summaries", () => {
  it("describes a grant briefly", () => {
    expect(describeGrant({ serverId: MEMORY })).toBe("All tools");
    expect(describeGrant({ serverId: MEMORY, names: ["read_graph"] })).toBe("read_graph");
    expect(describeGrant({ serverId: MEMORY, names: ["a", "b", "c", "d"] })).toBe("4 tools: a, b, c…");
  });

  it("names each granted server, flagging ones that are gone", () => {
    const grants: AgentToolGrant[] = [
      { serverId: MEMORY, names: ["read_graph"] },
      { serverId: "99999999-9999-4999-8999-999999999999" },
    ];
    expect(summarizeTools(grants, servers)).toEqual([
      { serverId: MEMORY, serverName: "Memory", available: true, tools: "read_graph" },
      {
        serverId: "99999999-9999-4999-8999-999999999999",
        serverName: "Unavailable server",
        available: false,
        tools: "All tools",
      },
    ]);
    // Before the servers have loaded nothing is called unavailable.
    expect(summarizeTools(grants, undefined)[1]).toMatchObject({ serverName: "MCP server", available: true });
  });
});
