/**
 * Case mapping as PostgreSQL does it with a libc UTF-8 locale (the test server runs C.UTF-8):
 * towupper/towlower map one code point to one code point, so mappings that Unicode expands
 * (ß → SS, ﬁ → FI) leave the character alone, and there is no final-sigma rule.
 */

const ASCII = /^[\x00-\x7f]*$/;
const SPECIAL_LOWER = new Map<string, string>([["\u0130", "i"]]);

function mapEach(s: string, map: (ch: string) => string): string {
  let out = "";
  for (const ch of s) out += map(ch);
  return out;
}

export function upperChar(ch: string): string {
  const u = ch.toUpperCase();
  return u.length === ch.length || [...u].length === 1 ? u : ch;
}

export function lowerChar(ch: string): string {
  const special = SPECIAL_LOWER.get(ch);
  if (special) return special;
  const l = ch.toLowerCase();
  return [...l].length === 1 ? l : ch;
}

export function pgUpper(s: string): string {
  return ASCII.test(s) ? s.toUpperCase() : mapEach(s, upperChar);
}

export function pgLower(s: string): string {
  return ASCII.test(s) ? s.toLowerCase() : mapEach(s, lowerChar);
}

const ALNUM = /^[\p{Alphabetic}\p{Nd}]$/u;

/** initcap: upper after a non-alphanumeric character, lower after an alphanumeric one. */
export function pgInitcap(s: string): string {
  let out = "";
  let prevAlnum = false;
  for (const ch of s) {
    out += prevAlnum ? lowerChar(ch) : upperChar(ch);
    prevAlnum = ALNUM.test(ch);
  }
  return out;
}
