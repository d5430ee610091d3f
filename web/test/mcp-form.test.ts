import { catalogEntry, type McpCatalogEntry, publicCatalogEntry } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import {
  buildCreateServerBody,
  consentCommandOf,
  credentialFieldHint,
  type EnableServerForm,
  initialEnableForm,
  needsConsent,
  placeServerError,
  toolCountLabel,
  transportLabel,
} from "../src/lib/mcp.ts";

/** The entries as `GET /mcp/catalog` returns them. */
function entry(id: string): McpCatalogEntry {
  const found = catalogEntry(id);
  if (!found) throw new Error(`no catalog entry ${id}`);
  return publicCatalogEntry(found);
}

const teamId = "7d1c1a52-3f2e-4b8c-9a0d-111111111111";

const filled = (e: McpCatalogEntry, change: Partial<EnableServerForm>): EnableServerForm => ({
  ...initialEnableForm(e),
  ...change,
});

describe("the Enable form", () => {
  it("starts with the entry's name, no team and empty credential fields", () => {
    expect(initialEnableForm(entry("brave-search"))).toEqual({
      name: "Brave Search",
      teamId: "",
      fields: { apiKey: "" },
      consented: false,
      url: "",
      transport: "streamable-http",
    });
    expect(initialEnableForm(entry("custom")).name).toBe("");
  });

  it("sends the exact command shown once the user consents to it", () => {
    const memory = entry("memory");
    expect(needsConsent(memory)).toBe(true);
    expect(buildCreateServerBody(memory, filled(memory, { consented: true }))).toEqual({
      body: { name: "Memory", catalogId: "memory", consent: { command: memory.command } },
    });
  });

  it("refuses to build a stdio body without consent", () => {
    const memory = entry("memory");
    const built = buildCreateServerBody(memory, initialEnableForm(memory));
    expect(built).toEqual({
      errors: { consent: "Tick the box to let the workspace host run this command." },
    });
  });

  it("needs no consent for platform and remote entries", () => {
    const web = entry("web");
    expect(needsConsent(web)).toBe(false);
    expect(buildCreateServerBody(web, filled(web, { name: "  Fetcher ", teamId }))).toEqual({
      body: { name: "Fetcher", teamId, catalogId: "web" },
    });
  });

  it("asks for required credential fields and sends filled ones inline", () => {
    const github = entry("github");
    expect(buildCreateServerBody(github, initialEnableForm(github))).toEqual({
      errors: { "field:token": "Personal access token is required." },
    });
    expect(buildCreateServerBody(github, filled(github, { fields: { token: " ghp_secret " } }))).toEqual({
      body: { name: "GitHub", catalogId: "github", credential: { fields: { token: "ghp_secret" } } },
    });
  });

  it("asks for a name", () => {
    const web = entry("web");
    expect(buildCreateServerBody(web, filled(web, { name: "  " }))).toEqual({
      errors: { name: "Give the server a name." },
    });
  });

  it("builds a custom server by URL, naming it after the host when left unnamed", () => {
    const custom = entry("custom");
    expect(
      buildCreateServerBody(custom, filled(custom, { url: "https://mcp.example.com/mcp", transport: "sse" })),
    ).toEqual({ body: { name: "mcp.example.com", url: "https://mcp.example.com/mcp", transport: "sse" } });
  });

  it("leaves an empty optional bearer token out, and sends a filled one", () => {
    const custom = entry("custom");
    const form = filled(custom, { name: "Docs", url: "https://docs.example.com/mcp" });
    expect(buildCreateServerBody(custom, form)).toEqual({
      body: { name: "Docs", url: "https://docs.example.com/mcp", transport: "streamable-http" },
    });
    expect(buildCreateServerBody(custom, { ...form, fields: { bearerToken: "t0k" } })).toMatchObject({
      body: { credential: { fields: { bearerToken: "t0k" } } },
    });
  });

  it("points at the URL when it is not an http(s) URL", () => {
    const custom = entry("custom");
    for (const url of ["", "not a url", "ftp://example.com/mcp"]) {
      const built = buildCreateServerBody(custom, filled(custom, { name: "X", url }));
      expect(built).toEqual({
        errors: { url: "Enter the server's http(s) URL, e.g. https://mcp.example.com/mcp." },
      });
    }
  });
});

describe("server refusals in the dialog", () => {
  it("puts the URL policy's reason under the URL field", () => {
    expect(placeServerError("url_not_allowed", "127.0.0.1 is a loopback address")).toEqual({
      key: "url",
      message: "127.0.0.1 is a loopback address",
    });
  });

  it("puts a credential field's message under that field", () => {
    expect(
      placeServerError("validation_failed", "credential.fields.apiKey: Brave Search API key is required."),
    ).toEqual({ key: "field:apiKey", message: "Brave Search API key is required." });
  });

  it("shows anything else above the buttons", () => {
    expect(placeServerError("consent_required", "Memory runs a command…")).toEqual({
      key: "form",
      message: "Memory runs a command…",
    });
  });

  it("reads the command a consent_required names", () => {
    expect(consentCommandOf({ command: "mcp-server-memory" })).toBe("mcp-server-memory");
    expect(consentCommandOf(undefined)).toBeUndefined();
    expect(consentCommandOf({ command: 3 })).toBeUndefined();
  });
});

describe("labels", () => {
  it("turns a credential field's description into a hint", () => {
    const [apiKey] = entry("brave-search").credentialFields;
    const [bearer] = entry("custom").credentialFields;
    expect(apiKey && credentialFieldHint(apiKey)).toBe(
      "From https://api-dashboard.search.brave.com/app/keys. Stored encrypted; never shown again.",
    );
    expect(bearer && credentialFieldHint(bearer)).toBe(
      "Sent as `Authorization: Bearer …`. Optional. Stored encrypted; never shown again.",
    );
  });

  it("counts tools, or says they were not listed yet", () => {
    expect(toolCountLabel(null)).toBe("tools not listed yet");
    expect(toolCountLabel(1)).toBe("1 tool");
    expect(toolCountLabel(9)).toBe("9 tools");
  });

  it("names transports, passing unknown ones through", () => {
    expect(transportLabel("streamable-http")).toBe("Streamable HTTP");
    expect(transportLabel("stdio")).toBe("stdio");
    expect(transportLabel("websocket")).toBe("websocket");
  });
});
