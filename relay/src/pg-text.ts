/**
 * Conversions between JSON and PostgreSQL's text format, as Neon's SQL-over-HTTP endpoint does them.
 * The neon() driver always asks for raw text (it parses types itself); these cover other clients, which
 * send plain JSON parameters and may ask for JSON-typed output.
 */

const BOOL = 16;
const INT2 = 21;
const INT4 = 23;
const FLOAT4 = 700;
const FLOAT8 = 701;
const JSON_OID = 114;
const JSONB = 3802;
const BOX_ARRAY = 1020;

/** Built-in array types and their element types; elements of unlisted types stay strings anyway. */
const ARRAY_ELEMENT = new Map<number, number>([
  [1000, BOOL],
  [1005, INT2],
  [1007, INT4],
  [1016, 20],
  [1021, FLOAT4],
  [1022, FLOAT8],
  [199, JSON_OID],
  [3807, JSONB],
  [1009, 25],
  [1015, 1043],
  [1014, 1042],
  [1002, 18],
  [1003, 19],
  [2951, 2950],
  [1231, 1700],
  [1115, 1114],
  [1185, 1184],
  [1182, 1082],
  [1183, 1083],
  [1270, 1266],
  [1187, 1186],
  [1001, 17],
  [1028, 26],
  [1041, 869],
  [651, 650],
  [1040, 829],
  [1017, 600],
  [BOX_ARRAY, 603],
]);

/** A JSON request parameter as the text PostgreSQL receives (null stays SQL NULL). */
export function jsonParamToPgText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return pgArrayLiteral(value);
  return JSON.stringify(value);
}

function pgArrayLiteral(items: unknown[]): string {
  return `{${items.map(pgArrayItem).join(",")}}`;
}

function pgArrayItem(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (Array.isArray(value)) return pgArrayLiteral(value);
  if (typeof value === "string") return `"${value.replace(/[\\"]/g, "\\$&")}"`;
  if (typeof value === "object") return pgArrayItem(JSON.stringify(value));
  return String(value);
}

/** A text-format column value as JSON: booleans, small ints, finite floats, json and arrays get typed. */
export function pgTextToJson(text: string, dataTypeId: number): unknown {
  const element = ARRAY_ELEMENT.get(dataTypeId);
  if (element !== undefined) return parsePgArray(text, element, dataTypeId === BOX_ARRAY ? ";" : ",");
  return pgScalarToJson(text, dataTypeId);
}

function pgScalarToJson(text: string, dataTypeId: number): unknown {
  switch (dataTypeId) {
    case BOOL:
      return text === "t";
    case INT2:
    case INT4:
      return Number.parseInt(text, 10);
    case FLOAT4:
    case FLOAT8: {
      const n = Number(text);
      // NaN and ±Infinity have no JSON form; keep PostgreSQL's spelling rather than turning them into null.
      return Number.isFinite(n) ? n : text;
    }
    case JSON_OID:
    case JSONB:
      return JSON.parse(text);
    default:
      return text;
  }
}

class PgArrayParser {
  #i = 0;
  constructor(
    private readonly s: string,
    private readonly element: number,
    private readonly delimiter: string,
  ) {}

  parse(): unknown[] {
    // Explicit bounds (`[0:1]={…}`) have no JSON form; the elements are what matters.
    if (this.s.startsWith("[")) {
      const eq = this.s.indexOf("=");
      if (eq < 0) throw new Error("unbalanced array");
      this.#i = eq + 1;
    }
    this.#skipWhitespace();
    const value = this.#array();
    this.#skipWhitespace();
    if (this.#i !== this.s.length) throw new Error("unbalanced array");
    return value;
  }

  #array(): unknown[] {
    if (this.s[this.#i] !== "{") throw new Error("unbalanced array");
    this.#i++;
    const out: unknown[] = [];
    this.#skipWhitespace();
    if (this.s[this.#i] === "}") {
      this.#i++;
      return out;
    }
    for (;;) {
      this.#skipWhitespace();
      out.push(this.#item());
      this.#skipWhitespace();
      const c = this.s[this.#i];
      this.#i++;
      if (c === this.delimiter) continue;
      if (c === "}") return out;
      throw new Error("unbalanced array");
    }
  }

  #item(): unknown {
    const c = this.s[this.#i];
    if (c === "{") return this.#array();
    if (c === '"') return pgScalarToJson(this.#quoted(), this.element);
    let end = this.#i;
    while (end < this.s.length && this.s[end] !== this.delimiter && this.s[end] !== "}") end++;
    if (end >= this.s.length) throw new Error("unbalanced array");
    const raw = this.s.slice(this.#i, end).trimEnd();
    this.#i = end;
    return raw === "NULL" ? null : pgScalarToJson(raw, this.element);
  }

  #quoted(): string {
    this.#i++;
    let out = "";
    for (;;) {
      const c = this.s[this.#i++];
      if (c === undefined) throw new Error("unbalanced quoted string");
      if (c === '"') return out;
      if (c === "\\") {
        const escaped = this.s[this.#i++];
        if (escaped === undefined) throw new Error("unbalanced quoted string");
        out += escaped;
      } else {
        out += c;
      }
    }
  }

  #skipWhitespace(): void {
    while (this.#i < this.s.length && /\s/.test(this.s[this.#i] as string)) this.#i++;
  }
}

function parsePgArray(text: string, element: number, delimiter: string): unknown[] {
  return new PgArrayParser(text, element, delimiter).parse();
}
