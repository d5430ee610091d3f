import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** The report every conformance script writes its own section of. */
export const CONFORMANCE_DOC = path.join(repoRoot, "docs/mcp-conformance.md");

/**
 * Server scenarios that call the suite's own fixtures (tools, resources, prompts the reference test server
 * has): against any other server they say nothing, whatever they report.
 */
export const FIXTURE_SCENARIOS: Record<string, string> = {
  "completion-complete": "completes an argument of the fixture prompt `test_prompt_with_arguments`",
  "tools-call-simple-text": "calls the fixture tool `test_simple_text`",
  "tools-call-image": "calls the fixture tool `test_image_content`",
  "tools-call-audio": "calls the fixture tool `test_audio_content`",
  "tools-call-embedded-resource": "calls the fixture tool `test_embedded_resource`",
  "tools-call-mixed-content": "calls the fixture tool `test_multiple_content_types`",
  "tools-call-with-logging": "calls the fixture tool `test_tool_with_logging`",
  "tools-call-error": "calls the fixture tool `test_error_handling`",
  "tools-call-with-progress": "calls the fixture tool `test_tool_with_progress`",
  "tools-call-sampling": "calls the fixture tool `test_sampling`",
  "tools-call-elicitation": "calls the fixture tool `test_elicitation`",
  "json-schema-2020-12": "lists the fixture tool `json_schema_2020_12_tool`",
  "elicitation-sep1034-defaults": "calls the fixture tool `test_elicitation_sep1034_defaults`",
  "elicitation-sep1330-enums": "calls the fixture tool `test_elicitation_sep1330_enums`",
  "server-sse-polling": "calls the fixture tool `test_reconnection`",
  "resources-read-text": "reads the fixture resource `test://static-text`",
  "resources-read-binary": "reads the fixture resource `test://static-binary`",
  "resources-templates-read": "reads the fixture template `test://template/{id}/data`",
  "resources-subscribe": "subscribes to the fixture resource `test://watched-resource`",
  "resources-unsubscribe": "unsubscribes from the fixture resource `test://watched-resource`",
  "prompts-get-simple": "gets the fixture prompt `test_simple_prompt`",
  "prompts-get-with-args": "gets the fixture prompt `test_prompt_with_arguments`",
  "prompts-get-embedded-resource": "gets the fixture prompt `test_prompt_with_embedded_resource`",
  "prompts-get-with-image": "gets the fixture prompt `test_prompt_with_image`",
};

/** A server section's closing lines: each failure in an applicable scenario, or one line saying there is none. */
export function failureLines(failures: string[]): string[] {
  return failures.length
    ? ["Failures in applicable scenarios:", "", ...failures]
    : ["No failures in applicable scenarios."];
}

const INTRO = [
  "# MCP conformance",
  "",
  "Results of the official MCP conformance suite (`@modelcontextprotocol/conformance`) against Switchboard's",
  "MCP servers and clients. Each section says how to reproduce it.",
  "",
].join("\n");

/**
 * Replaces the section that starts with `heading` (up to the next `## `) in docs/mcp-conformance.md, or
 * appends it; whatever else the file holds is kept. Returns the file's path relative to the repository.
 * @example await writeConformanceSection("## Workspace host", section);
 */
export async function writeConformanceSection(heading: string, section: string): Promise<string> {
  const current = existsSync(CONFORMANCE_DOC) ? await readFile(CONFORMANCE_DOC, "utf8") : INTRO;
  const start = current.indexOf(heading);
  let next: string;
  if (start === -1) next = `${current.trimEnd()}\n\n${section}`;
  else {
    const end = current.indexOf("\n## ", start + 1);
    next = current.slice(0, start) + section + (end === -1 ? "" : `\n${current.slice(end + 1)}`);
  }
  await writeFile(CONFORMANCE_DOC, `${next.trimEnd()}\n`);
  return path.relative(repoRoot, CONFORMANCE_DOC);
}

/** Keeps the suite's console output of one run as `.data/conformance/<name>.log`, for a failure's details. */
export async function saveConformanceLog(name: string, output: string): Promise<void> {
  const logDir = path.join(repoRoot, ".data/conformance");
  await mkdir(logDir, { recursive: true });
  await writeFile(path.join(logDir, `${name}.log`), output);
}
