/**
 * CSV per RFC 4180, by hand: the format is five rules, and a library would add weight to the worker for
 * them. Cells that a spreadsheet would run as a formula are defused (OWASP "CSV injection").
 */

export type CsvCell = string | number | boolean | null | undefined;

/** Characters that make Excel, LibreOffice and Google Sheets treat a cell as a formula (tab and CR too). */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One cell: empty for null, a leading `'` before formula characters, quoted (with `"` doubled) when it
 * holds a comma, quote or line break.
 * @example csvCell('=HYPERLINK("http://x")') // → "\"'=HYPERLINK(\"\"http://x\"\")\""
 */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  // Numbers and booleans are data, not text a user typed: `-5` stays a number.
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A whole CSV document: a header row, then one row per record, every line ended with CRLF.
 * @example toCsv(["id", "action"], [["1", "auth.login"]]) // → "id,action\r\n1,auth.login\r\n"
 */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const lines = [header.map(csvCell).join(",")];
  for (const row of rows) lines.push(row.map(csvCell).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
