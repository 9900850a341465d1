/**
 * LIKE patterns and PostgreSQL regular expressions (ARE) compiled to JavaScript RegExps.
 * Only the part of ARE that JavaScript expresses with the same meaning is translated;
 * anything else is refused with 0A000 rather than answered differently.
 */
import { PgError, SqlState } from "../../common/pg-error.ts";
import { pgLower } from "./string-case.ts";

const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 500;

function remember(key: string, make: () => RegExp): RegExp {
  let re = cache.get(key);
  if (!re) {
    re = make();
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, re);
  }
  return re;
}

function escapeChar(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}

// ---------------------------------------------------------------- LIKE

function endsWithEscape(chars: string[]): boolean {
  let run = 0;
  for (let i = chars.length - 1; i >= 0 && chars[i] === "\\"; i--) run++;
  return run % 2 === 1;
}

function likeSource(chars: string[]): string {
  let src = "";
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === "\\") {
      i++;
      src += escapeChar(chars[i]);
    } else if (ch === "%") src += "[^]*";
    else if (ch === "_") src += "[^]";
    else src += escapeChar(ch);
  }
  return src;
}

function likeRegex(pattern: string): RegExp {
  return remember(`L${pattern}`, () => {
    const chars = [...pattern];
    // PostgreSQL complains about a trailing escape only when matching reaches it with text left
    if (endsWithEscape(chars)) return new RegExp(`^${likeSource(chars.slice(0, -1))}[^]`, "su");
    return new RegExp(`^${likeSource(chars)}$`, "su");
  });
}

/** `text ~~ pattern` with the default escape character (backslash). */
export function likeMatch(text: string, pattern: string, caseInsensitive: boolean): boolean {
  if (!caseInsensitive && !/[\\%_]/.test(pattern)) return text === pattern;
  const p = caseInsensitive ? pgLower(pattern) : pattern;
  const matched = likeRegex(p).test(caseInsensitive ? pgLower(text) : text);
  if (endsWithEscape([...p])) {
    if (matched) throw new PgError("22025", "LIKE pattern must not end with escape character");
    return false;
  }
  return matched;
}

/** like_escape(pattern, escape): rewrites a pattern with a custom escape into the backslash form. */
export function likeEscape(pattern: string, escapeText: string): string {
  const esc = [...escapeText];
  if (esc.length > 1)
    throw new PgError("22025", "invalid escape string", {
      hint: "Escape string must be empty or one character.",
    });
  if (esc.length === 0) return pattern.replaceAll("\\", "\\\\");
  if (esc[0] === "\\") return pattern;
  let out = "";
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === esc[0]) {
      i++;
      if (i >= chars.length) {
        // PostgreSQL keeps a trailing escape; the matcher then rejects it
        out += "\\";
        break;
      }
      out += `\\${chars[i]}`;
    } else if (ch === "\\") out += "\\\\";
    else out += ch;
  }
  return out;
}

// ---------------------------------------------------------------- regular expressions

function unsupported(what: string): PgError {
  return new PgError(SqlState.featureNotSupported, `regular expression feature not supported: ${what}`);
}

function invalidRegex(message: string): PgError {
  return new PgError("2201B", `invalid regular expression: ${message}`);
}

const CLASSES: Record<string, string> = {
  alpha: "\\p{Alphabetic}",
  digit: "0-9",
  alnum: "\\p{Alphabetic}0-9",
  upper: "\\p{Uppercase}",
  lower: "\\p{Lowercase}",
  space: "\\s",
  blank: " \\t",
  punct: "!-\\/:-@\\[-`{-~",
  xdigit: "0-9A-Fa-f",
  word: "\\p{Alphabetic}0-9_",
  cntrl: "\\x00-\\x1f\\x7f",
};

function classEscape(ch: string): string {
  return /[\\\]^[-]/.test(ch) ? `\\${ch}` : ch;
}

interface Translation {
  source: string;
  /** alternation or non-greedy quantifiers: PostgreSQL's longest-match rules may pick another match */
  preferenceSensitive: boolean;
}

function escapeOutside(p: string, i: number): [string, number] {
  const e = p[i + 1];
  if (e === undefined) throw invalidRegex("invalid escape \\ sequence");
  if (/[dDsSwW]/.test(e)) {
    if (e === "w") return ["[\\p{Alphabetic}0-9_]", i + 2];
    if (e === "W") return ["[^\\p{Alphabetic}0-9_]", i + 2];
    return [`\\${e}`, i + 2];
  }
  if (/[1-9]/.test(e)) return [`\\${e}`, i + 2];
  switch (e) {
    case "n":
    case "t":
    case "r":
    case "f":
    case "v":
      return [`\\${e}`, i + 2];
    case "A":
      return ["^", i + 2];
    case "Z":
      return ["$", i + 2];
    case "y":
      return ["\\b", i + 2];
    case "Y":
      return ["\\B", i + 2];
  }
  if (/[A-Za-z0-9]/.test(e)) throw unsupported(`\\${e}`);
  return [escapeChar(e), i + 2];
}

function bracket(p: string, start: number): [string, number] {
  let i = start + 1;
  let out = "[";
  if (p[i] === "^") {
    out += "^";
    i++;
  }
  let first = true;
  for (;;) {
    if (i >= p.length) throw invalidRegex("brackets [] not balanced");
    const c = p[i];
    if (c === "]" && !first) return [`${out}]`, i + 1];
    first = false;
    if (c === "[" && p[i + 1] === ":") {
      const end = p.indexOf(":]", i + 2);
      if (end < 0) throw invalidRegex("brackets [] not balanced");
      const cls = CLASSES[p.slice(i + 2, end)];
      if (!cls) throw invalidRegex("invalid character class");
      out += cls;
      i = end + 2;
      continue;
    }
    if (c === "[" && (p[i + 1] === "." || p[i + 1] === "=")) throw unsupported("collating elements");
    if (c === "\\") {
      const e = p[i + 1];
      if (e === undefined) throw invalidRegex("invalid escape \\ sequence");
      if (/[dswDSW]/.test(e)) {
        if (e === "w") out += "\\p{Alphabetic}0-9_";
        else if (/[DSW]/.test(e)) throw unsupported(`\\${e} inside brackets`);
        else out += `\\${e}`;
      } else if (/[ntrfv]/.test(e)) out += `\\${e}`;
      else if (/[A-Za-z0-9]/.test(e)) throw unsupported(`\\${e}`);
      else out += classEscape(e);
      i += 2;
      continue;
    }
    const cp = String.fromCodePoint(p.codePointAt(i)!);
    out += c === "-" ? "-" : classEscape(cp);
    i += cp.length;
  }
}

function translate(p: string): Translation {
  if (p.startsWith("***")) throw unsupported("director prefixes");
  let out = "";
  let preferenceSensitive = false;
  let depth = 0;
  let lastAtom = false;
  for (let i = 0; i < p.length; ) {
    const c = p[i];
    if (c === "\\") {
      const [s, n] = escapeOutside(p, i);
      out += s;
      i = n;
      lastAtom = true;
    } else if (c === "[") {
      const [s, n] = bracket(p, i);
      out += s;
      i = n;
      lastAtom = true;
    } else if (c === "(") {
      if (p[i + 1] === "?") {
        const kind = p.slice(i, i + 3);
        if (kind === "(?:" || kind === "(?=" || kind === "(?!") {
          out += kind;
          i += 3;
        } else if (p.startsWith("(?<=", i) || p.startsWith("(?<!", i)) {
          out += p.slice(i, i + 4);
          i += 4;
        } else throw unsupported("embedded options");
      } else {
        out += "(";
        i++;
      }
      depth++;
      lastAtom = false;
    } else if (c === ")") {
      if (depth === 0) throw invalidRegex("parentheses () not balanced");
      depth--;
      out += ")";
      i++;
      lastAtom = true;
    } else if (c === "*" || c === "+" || c === "?" || c === "{") {
      let q = c;
      let n = i + 1;
      if (c === "{") {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
        if (!m) throw invalidRegex("invalid repetition count(s)");
        if (m[3] !== undefined && m[3] !== "" && Number(m[3]) < Number(m[1]))
          throw invalidRegex("invalid repetition count(s)");
        q = m[0];
        n = i + m[0].length;
      }
      if (!lastAtom) throw invalidRegex("quantifier operand invalid");
      if (p[n] === "?") {
        q += "?";
        n++;
        preferenceSensitive = true;
      }
      if (p[n] === "*" || p[n] === "+" || p[n] === "?" || p[n] === "{")
        throw invalidRegex("quantifier operand invalid");
      out += q;
      i = n;
      lastAtom = false;
    } else if (c === "|") {
      preferenceSensitive = true;
      out += "|";
      i++;
      lastAtom = false;
    } else if (c === "." || c === "^" || c === "$") {
      out += c;
      i++;
      lastAtom = c === ".";
    } else {
      const cp = String.fromCodePoint(p.codePointAt(i)!);
      out += escapeChar(cp);
      i += cp.length;
      lastAtom = true;
    }
  }
  if (depth !== 0) throw invalidRegex("parentheses () not balanced");
  return { source: out, preferenceSensitive };
}

export interface RegexFlags {
  global: boolean;
  caseInsensitive: boolean;
}

/** Parses regexp_* flags the way PostgreSQL does (later flags win), refusing those we cannot honour. */
export function parseRegexFlags(flags: string, fn: string, allowGlobal: boolean): RegexFlags {
  const result: RegexFlags = { global: false, caseInsensitive: false };
  for (const f of flags) {
    if (f === "g") {
      if (!allowGlobal)
        throw new PgError(SqlState.invalidParameterValue, `${fn}() does not support the "global" option`, {
          hint: fn === "regexp_match" ? "Use the regexp_matches function instead." : undefined,
        });
      result.global = true;
    } else if (f === "i") result.caseInsensitive = true;
    else if (f === "c") result.caseInsensitive = false;
    else if ("bemnpqswx".includes(f)) throw unsupported(`flag "${f}"`);
    else throw new PgError(SqlState.invalidParameterValue, `invalid regular expression option: "${f}"`);
  }
  return result;
}

/**
 * A compiled ARE. `exactMatchNeeded` is set by callers that return match text or positions:
 * there PostgreSQL's longest-match preference differs from JavaScript's leftmost-first.
 */
export function compileRegex(pattern: string, caseInsensitive: boolean, exactMatchNeeded: boolean): RegExp {
  const key = `${caseInsensitive ? "i" : "c"}${exactMatchNeeded ? "x" : "b"}${pattern}`;
  return remember(key, () => {
    const t = translate(pattern);
    if (exactMatchNeeded && t.preferenceSensitive)
      throw unsupported("alternation or non-greedy quantifiers in a pattern whose match text is returned");
    try {
      return new RegExp(t.source, caseInsensitive ? "dsui" : "dsu");
    } catch (e) {
      throw invalidRegex((e as Error).message);
    }
  });
}

export function regexTest(text: string, pattern: string, caseInsensitive: boolean): boolean {
  const re = compileRegex(pattern, caseInsensitive, false);
  re.lastIndex = 0;
  return re.test(text);
}

/** regexp_replace's replacement text: \1-\9, \& (whole match), \\ (backslash). */
function substitute(replacement: string, m: RegExpExecArray): string {
  if (!replacement.includes("\\")) return replacement;
  let out = "";
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i];
    if (c !== "\\" || i + 1 >= replacement.length) {
      out += c;
      continue;
    }
    const e = replacement[i + 1];
    if (e >= "1" && e <= "9") {
      const n = Number(e);
      if (n < m.length) out += m[n] ?? "";
      i++;
    } else if (e === "&") {
      out += m[0];
      i++;
    } else if (e === "\\") {
      out += "\\";
      i++;
    } else out += "\\";
  }
  return out;
}

export function regexReplace(text: string, pattern: string, replacement: string, flags: RegexFlags): string {
  const base = compileRegex(pattern, flags.caseInsensitive, true);
  const re = new RegExp(base.source, `${base.flags}g`);
  let out = "";
  let last = 0;
  for (;;) {
    const m = re.exec(text);
    if (!m) break;
    out += text.slice(last, m.index) + substitute(replacement, m);
    last = m.index + m[0].length;
    if (m[0].length === 0) {
      if (m.index >= text.length) break;
      const step = String.fromCodePoint(text.codePointAt(m.index)!).length;
      out += text.slice(m.index, m.index + step);
      last = m.index + step;
      re.lastIndex = last;
    }
    if (!flags.global) break;
  }
  return out + text.slice(last);
}

/** regexp_match: the capture groups (or the whole match) of the first match, or null. */
export function regexMatch(text: string, pattern: string, flags: RegexFlags): (string | null)[] | null {
  const re = compileRegex(pattern, flags.caseInsensitive, true);
  re.lastIndex = 0;
  const m = re.exec(text);
  if (!m) return null;
  if (m.length === 1) return [m[0]];
  return m.slice(1).map((g) => g ?? null);
}
