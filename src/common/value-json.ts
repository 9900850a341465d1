/** json validation and jsonb normalisation (the text Postgres prints for a jsonb value). */
import { PgError, SqlState } from "./pg-error.ts";
import { normalizeNumericText } from "./value-numeric.ts";

type JsonNode =
  | { k: "null" }
  | { k: "bool"; v: boolean }
  | { k: "num"; raw: string }
  | { k: "str"; v: string }
  | { k: "arr"; items: JsonNode[] }
  | { k: "obj"; entries: [string, JsonNode][] };

/** PostgreSQL's jsonb input reuses the json parser, so both report "type json". */
function syntaxError(_typeName: string, detail: string): PgError {
  return new PgError(SqlState.invalidTextRepresentation, "invalid input syntax for type json", {
    detail,
  });
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Parser {
  pos = 0;
  constructor(
    private readonly s: string,
    private readonly typeName: string,
  ) {}

  fail(): never {
    if (this.pos >= this.s.length) throw syntaxError(this.typeName, "The input string ended unexpectedly.");
    const token = /^[^\s{}[\],:"]+/.exec(this.s.slice(this.pos))?.[0] ?? this.s[this.pos];
    throw syntaxError(this.typeName, `Token "${token}" is invalid.`);
  }
  ws(): void {
    while (this.pos < this.s.length) {
      const c = this.s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else break;
    }
  }
  document(): JsonNode {
    this.ws();
    const v = this.value();
    this.ws();
    if (this.pos !== this.s.length) this.fail();
    return v;
  }
  value(): JsonNode {
    const c = this.s[this.pos];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return { k: "str", v: this.string() };
    if (this.s.startsWith("true", this.pos) && !this.identAt(this.pos + 4)) {
      this.pos += 4;
      return { k: "bool", v: true };
    }
    if (this.s.startsWith("false", this.pos) && !this.identAt(this.pos + 5)) {
      this.pos += 5;
      return { k: "bool", v: false };
    }
    if (this.s.startsWith("null", this.pos) && !this.identAt(this.pos + 4)) {
      this.pos += 4;
      return { k: "null" };
    }
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.s);
    if (m && !this.identAt(this.pos + m[0].length)) {
      this.pos += m[0].length;
      return { k: "num", raw: m[0] };
    }
    this.fail();
  }
  identAt(i: number): boolean {
    return i < this.s.length && /[A-Za-z0-9_.]/.test(this.s[i]);
  }
  object(): JsonNode {
    this.pos++;
    const entries: [string, JsonNode][] = [];
    this.ws();
    if (this.s[this.pos] === "}") {
      this.pos++;
      return { k: "obj", entries };
    }
    for (;;) {
      this.ws();
      if (this.s[this.pos] !== '"') this.fail();
      const key = this.string();
      this.ws();
      if (this.s[this.pos] !== ":") this.fail();
      this.pos++;
      this.ws();
      entries.push([key, this.value()]);
      this.ws();
      const c = this.s[this.pos];
      this.pos++;
      if (c === "}") return { k: "obj", entries };
      if (c !== ",") {
        this.pos--;
        this.fail();
      }
    }
  }
  array(): JsonNode {
    this.pos++;
    const items: JsonNode[] = [];
    this.ws();
    if (this.s[this.pos] === "]") {
      this.pos++;
      return { k: "arr", items };
    }
    for (;;) {
      this.ws();
      items.push(this.value());
      this.ws();
      const c = this.s[this.pos];
      this.pos++;
      if (c === "]") return { k: "arr", items };
      if (c !== ",") {
        this.pos--;
        this.fail();
      }
    }
  }
  string(): string {
    this.pos++;
    let out = "";
    let start = this.pos;
    for (;;) {
      if (this.pos >= this.s.length) this.fail();
      const c = this.s.charCodeAt(this.pos);
      if (c === 0x22) {
        out += this.s.slice(start, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20)
        throw syntaxError(
          this.typeName,
          `Character with value 0x${c.toString(16).padStart(2, "0")} must be escaped.`,
        );
      if (c === 0x5c) {
        out += this.s.slice(start, this.pos);
        const e = this.s[this.pos + 1];
        this.pos += 2;
        switch (e) {
          case '"':
          case "\\":
          case "/":
            out += e;
            break;
          case "b":
            out += "\b";
            break;
          case "f":
            out += "\f";
            break;
          case "n":
            out += "\n";
            break;
          case "r":
            out += "\r";
            break;
          case "t":
            out += "\t";
            break;
          case "u": {
            const hex = this.s.slice(this.pos, this.pos + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex))
              throw syntaxError(this.typeName, '"\\u" must be followed by four hexadecimal digits.');
            const code = Number.parseInt(hex, 16);
            if (code === 0 && this.typeName === "jsonb")
              throw new PgError("22P05", "unsupported Unicode escape sequence", {
                detail: "\\u0000 cannot be converted to text.",
              });
            out += String.fromCharCode(code);
            this.pos += 4;
            break;
          }
          default:
            this.pos -= 2;
            throw syntaxError(this.typeName, `Escape sequence "\\${e ?? ""}" is invalid.`);
        }
        start = this.pos;
        continue;
      }
      this.pos++;
    }
  }
}

/** json_in: validates and keeps the text exactly as given. */
export function validateJson(text: string): string {
  new Parser(text, "json").document();
  return text;
}

/** jsonb_in followed by jsonb_out. */
export function normalizeJsonb(text: string): string {
  return renderJsonb(new Parser(text, "jsonb").document());
}

const utf8 = new TextEncoder();

/** jsonb key order: shorter keys first, then bytewise. */
function compareKeys(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  if (x.length !== y.length) return x.length - y.length;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

function renderJsonb(node: JsonNode): string {
  switch (node.k) {
    case "null":
      return "null";
    case "bool":
      return node.v ? "true" : "false";
    case "num":
      return normalizeNumericText(node.raw);
    case "str":
      return quoteJson(node.v);
    case "arr":
      return `[${node.items.map(renderJsonb).join(", ")}]`;
    case "obj": {
      const byKey = new Map<string, JsonNode>();
      for (const [k, v] of node.entries) byKey.set(k, v);
      const keys = [...byKey.keys()].sort(compareKeys);
      return `{${keys.map((k) => `${quoteJson(k)}: ${renderJsonb(byKey.get(k)!)}`).join(", ")}}`;
    }
  }
}

/** escape_json: only quote, backslash and control characters are escaped. */
export function quoteJson(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const c = s.charCodeAt(i);
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (c < 0x20) {
      if (ch === "\b") out += "\\b";
      else if (ch === "\f") out += "\\f";
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch === "\t") out += "\\t";
      else out += `\\u${c.toString(16).padStart(4, "0")}`;
    } else out += ch;
  }
  return `${out}"`;
}

/** A JS value (as a driver returns a JSON column) → JSON text; jsonb normalised. */
export function jsValueToJson(v: unknown, jsonb: boolean): string {
  const text = JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
  if (text === undefined)
    throw new PgError(SqlState.invalidTextRepresentation, "invalid input syntax for type json");
  return jsonb ? normalizeJsonb(text) : text;
}
