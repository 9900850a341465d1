/**
 * to_char for numbers: a port of PostgreSQL's number formatting (formatting.c, NUMDesc_prepare
 * and NUM_processor) in the C locale (decimal point '.', group separator ','). Patterns whose
 * output we cannot reproduce exactly (RN, EEEE, V, TH, L, B, SP) are refused with 0A000.
 */
import { PgError, SqlState } from "../../common/pg-error.ts";
import { Oid, type TypeOid } from "../../common/pg-types.ts";
import type { Value } from "../../common/values.ts";
import { formatDecimal, parseDecimal, round } from "./numeric.ts";
import { registerFunction } from "./registry.ts";

type Key = "9" | "0" | "." | "D" | "," | "G" | "FM" | "MI" | "PL" | "PR" | "SG" | "S" | "C";
type Node = { kind: "action"; key: Key } | { kind: "char"; text: string };

/** Keywords tried longest first at each position, as index_seq_search does. */
const KEYWORDS: readonly string[] = [
  "EEEE",
  "eeee",
  "FM",
  "fm",
  "MI",
  "mi",
  "PL",
  "pl",
  "PR",
  "pr",
  "RN",
  "rn",
  "SG",
  "sg",
  "SP",
  "sp",
  "TH",
  "th",
  ",",
  ".",
  "0",
  "9",
  "B",
  "b",
  "C",
  "c",
  "D",
  "d",
  "G",
  "g",
  "L",
  "l",
  "S",
  "s",
  "V",
  "v",
];
const UNSUPPORTED = new Set(["EEEE", "RN", "SP", "TH", "B", "L", "V"]);

interface NumDesc {
  pre: number;
  post: number;
  lsign: "none" | "pre" | "post";
  preLsignNum: number;
  zeroStart: number;
  zeroEnd: number;
  decimal: boolean;
  zero: boolean;
  fillMode: boolean;
  lsignFlag: boolean;
  bracket: boolean;
  minus: boolean;
  plus: boolean;
}

function syntaxError(message: string): PgError {
  return new PgError(SqlState.syntaxError, message);
}

/** parse_format + NUMDesc_prepare for a number pattern. */
function parseNumberFormat(fmt: string): { nodes: Node[]; desc: NumDesc } {
  const desc: NumDesc = {
    pre: 0,
    post: 0,
    lsign: "none",
    preLsignNum: 0,
    zeroStart: 0,
    zeroEnd: 0,
    decimal: false,
    zero: false,
    fillMode: false,
    lsignFlag: false,
    bracket: false,
    minus: false,
    plus: false,
  };
  const nodes: Node[] = [];
  const chars = Array.from(fmt);
  let i = 0;
  while (i < chars.length) {
    const kw = KEYWORDS.find((k) => chars.slice(i, i + k.length).join("") === k);
    if (kw !== undefined) {
      const upper = kw.toUpperCase();
      if (UNSUPPORTED.has(upper))
        throw new PgError(
          SqlState.featureNotSupported,
          `to_char number format pattern "${kw}" is not supported`,
        );
      const key = upper as Key;
      prepare(desc, key);
      nodes.push({ kind: "action", key });
      i += kw.length;
      continue;
    }
    const c = chars[i];
    if (c === '"') {
      i++;
      while (i < chars.length) {
        if (chars[i] === '"') {
          i++;
          break;
        }
        if (chars[i] === "\\" && i + 1 < chars.length) i++;
        nodes.push({ kind: "char", text: chars[i] });
        i++;
      }
      continue;
    }
    if (c === "\\" && chars[i + 1] === '"') i++;
    nodes.push({ kind: "char", text: chars[i] });
    i++;
  }
  return { nodes, desc };
}

function prepare(num: NumDesc, key: Key): void {
  switch (key) {
    case "9":
      if (num.bracket) throw syntaxError('"9" must be ahead of "PR"');
      if (num.decimal) num.post++;
      else num.pre++;
      break;
    case "0":
      if (num.bracket) throw syntaxError('"0" must be ahead of "PR"');
      if (!num.zero && !num.decimal) {
        num.zero = true;
        num.zeroStart = num.pre + 1;
      }
      if (!num.decimal) num.pre++;
      else num.post++;
      num.zeroEnd = num.pre + num.post;
      break;
    case "D":
    case ".":
      if (num.decimal) throw syntaxError("multiple decimal points");
      num.decimal = true;
      break;
    case "FM":
      num.fillMode = true;
      break;
    case "S":
      if (num.lsignFlag) throw syntaxError('cannot use "S" twice');
      if (num.plus || num.minus || num.bracket)
        throw syntaxError('cannot use "S" and "PL"/"MI"/"SG"/"PR" together');
      if (!num.decimal) {
        num.lsign = "pre";
        num.preLsignNum = num.pre;
        num.lsignFlag = true;
      } else if (num.lsign === "none") {
        num.lsign = "post";
        num.lsignFlag = true;
      }
      break;
    case "MI":
      if (num.lsignFlag) throw syntaxError('cannot use "S" and "MI" together');
      num.minus = true;
      break;
    case "PL":
      if (num.lsignFlag) throw syntaxError('cannot use "S" and "PL" together');
      num.plus = true;
      break;
    case "SG":
      if (num.lsignFlag) throw syntaxError('cannot use "S" and "SG" together');
      num.minus = true;
      num.plus = true;
      break;
    case "PR":
      if (num.lsignFlag || num.plus || num.minus)
        throw syntaxError('cannot use "PR" and "S"/"PL"/"MI"/"SG" together');
      num.bracket = true;
      break;
    case ",":
    case "G":
    case "C":
      break;
  }
}

/** The digits (no sign), with the pattern's post digits, and whether the value is negative. */
interface Prepared {
  number: string;
  outPreSpaces: number;
  sign: "+" | "-";
}

/** The common tail of the *_to_char functions: padding, or '#' when the integer part overflows. */
function fit(desc: NumDesc, digits: string, sign: "+" | "-"): Prepared {
  const dot = digits.indexOf(".");
  const preLen = dot < 0 ? digits.length : dot;
  if (preLen < desc.pre) return { number: digits, outPreSpaces: desc.pre - preLen, sign };
  if (preLen > desc.pre) {
    const hashes = "#".repeat(desc.pre + desc.post + 1).split("");
    hashes[desc.pre] = ".";
    return { number: hashes.join(""), outPreSpaces: 0, sign };
  }
  return { number: digits, outPreSpaces: 0, sign };
}

function splitSign(text: string): { digits: string; sign: "+" | "-" } {
  return text.startsWith("-") ? { digits: text.slice(1), sign: "-" } : { digits: text, sign: "+" };
}

function prepareNumeric(desc: NumDesc, value: string): Prepared {
  const rounded = formatDecimal(round(parseDecimal(value), desc.post));
  const { digits, sign } = splitSign(rounded);
  return fit(desc, digits, sign);
}

function prepareInteger(desc: NumDesc, value: bigint): Prepared {
  const { digits, sign } = splitSign(value.toString());
  const number = desc.post > 0 ? `${digits}.${"0".repeat(desc.post)}` : digits;
  // the overflow test looks at the integer digits only, as int4_to_char does
  if (digits.length < desc.pre) return { number, outPreSpaces: desc.pre - digits.length, sign };
  if (digits.length > desc.pre) return fit(desc, number, sign);
  return { number, outPreSpaces: 0, sign };
}

const DBL_DIG = 15;

/** C's printf("%.*f", prec, x): the exact binary value rounded half to even. */
export function printfFixed(x: number, prec: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x < 0 ? "-inf" : "inf";
  const neg = x < 0 || Object.is(x, -0);
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const exp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (exp === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = exp - 1075;
  }
  const scale = 10n ** BigInt(prec);
  let q: bigint;
  if (e >= 0) q = (mant << BigInt(e)) * scale;
  else {
    const num = mant * scale;
    const den = 1n << BigInt(-e);
    q = num / den;
    const r2 = (num % den) * 2n;
    if (r2 > den || (r2 === den && q % 2n === 1n)) q++;
  }
  let digits = q.toString();
  if (prec > 0) {
    digits = digits.padStart(prec + 1, "0");
    digits = `${digits.slice(0, digits.length - prec)}.${digits.slice(digits.length - prec)}`;
  }
  return neg ? `-${digits}` : digits;
}

function prepareFloat(desc: NumDesc, value: number): Prepared {
  // non-finite values print as float8out spells them, which overflows most patterns into '#'
  if (Number.isNaN(value)) return fit(desc, "NaN", "+");
  if (!Number.isFinite(value)) return fit(desc, "Infinity", value < 0 ? "-" : "+");
  const preLen = printfFixed(Math.abs(value), 0).length;
  if (preLen >= DBL_DIG) desc.post = 0;
  else if (preLen + desc.post > DBL_DIG) desc.post = DBL_DIG - preLen;
  const { digits, sign } = splitSign(printfFixed(value, desc.post));
  return fit(desc, digits, sign);
}

/** NUM_processor in to_char mode. */
function render(nodes: Node[], num: NumDesc, p: Prepared): string {
  const number = p.number;
  // number is a C string in formatting.c: reading past its end yields NUL, and a NUL written
  // into the output (a "NaN" or a '#' fill shorter than the pattern) ends the result there
  const at = (i: number): string => number[i] ?? "\0";
  const out: string[] = [];
  const sign = p.sign;
  const outPreSpaces = p.outPreSpaces;
  let lastRelevant = -1;
  let numberP = 0;
  let numIn = false;
  let numCurr = 0;
  let signWrote: boolean;

  if (num.zeroStart) num.zeroStart--;

  if (num.plus || num.minus) {
    signWrote = !(num.plus && !num.minus);
  } else {
    if (sign !== "-" && num.fillMode) num.bracket = false;
    signWrote = sign === "+" && num.fillMode && !num.lsignFlag;
    if (num.lsign === "pre" && num.pre === num.preLsignNum) num.lsign = "post";
  }

  let numCount = num.post + num.pre - 1;
  if (num.fillMode && num.decimal) {
    const dot = number.indexOf(".");
    if (dot >= 0) {
      lastRelevant = dot;
      for (let i = dot + 1; i < number.length; i++) if (number[i] !== "0") lastRelevant = i;
    }
    if (lastRelevant >= 0 && num.zeroEnd > outPreSpaces) {
      const lastZero = Math.min(number.length - 1, num.zeroEnd - outPreSpaces);
      if (lastRelevant < lastZero) lastRelevant = lastZero;
    }
  }
  if (!signWrote && outPreSpaces === 0) numCount++;

  const lastRelevantIsDot = (): boolean => lastRelevant >= 0 && number[lastRelevant] === ".";
  const predecSpace = (): boolean => !num.zero && numberP === 0 && number[0] === "0" && num.post !== 0;

  const numpart = (id: Key): void => {
    numIn = false;
    if (
      !signWrote &&
      (numCurr >= outPreSpaces || (num.zero && num.zeroStart === numCurr)) &&
      (!predecSpace() || lastRelevantIsDot())
    ) {
      if (num.lsignFlag) {
        if (num.lsign === "pre") {
          out.push(sign === "-" ? "-" : "+");
          signWrote = true;
        }
      } else if (num.bracket) {
        out.push(sign === "+" ? " " : "<");
        signWrote = true;
      } else if (sign === "+") {
        if (!num.fillMode) out.push(" ");
        signWrote = true;
      } else {
        out.push("-");
        signWrote = true;
      }
    }

    if (numCurr < outPreSpaces && (num.zeroStart > numCurr || !num.zero)) {
      if (!num.fillMode) out.push(" ");
    } else if (num.zero && numCurr < outPreSpaces && num.zeroStart <= numCurr) {
      out.push("0");
      numIn = true;
    } else {
      if (at(numberP) === ".") {
        if (!lastRelevantIsDot()) out.push(".");
        else if (num.fillMode && lastRelevantIsDot()) out.push(".");
      } else if (lastRelevant >= 0 && numberP > lastRelevant && id !== "0") {
        // trailing zeros dropped by FM
      } else if (predecSpace()) {
        if (!num.fillMode) out.push(" ");
        else if (lastRelevantIsDot()) out.push("0");
      } else {
        out.push(at(numberP));
        numIn = true;
      }
      if (at(numberP) !== "\0") numberP++;
    }

    let end = numCount + (outPreSpaces ? 1 : 0) + (num.decimal ? 1 : 0);
    if (lastRelevant >= 0 && lastRelevant === numberP) end = numCurr;
    if (numCurr + 1 === end) {
      if (signWrote && num.bracket) out.push(sign === "+" ? " " : ">");
      else if (num.lsignFlag && num.lsign === "post") out.push(sign === "-" ? "-" : "+");
    }
    numCurr++;
  };

  for (const n of nodes) {
    if (n.kind === "char") {
      out.push(n.text);
      continue;
    }
    switch (n.key) {
      case "9":
      case "0":
      case ".":
      case "D":
        numpart(n.key);
        break;
      case ",":
      case "G":
        if (numIn) out.push(",");
        else if (!num.fillMode) out.push(" ");
        break;
      case "MI":
        if (sign === "-") out.push("-");
        else if (!num.fillMode) out.push(" ");
        break;
      case "PL":
        if (sign === "+") out.push("+");
        else if (!num.fillMode) out.push(" ");
        break;
      case "SG":
        out.push(sign);
        break;
      default:
        break;
    }
  }
  const text = out.join("");
  const nul = text.indexOf("\0");
  return nul < 0 ? text : text.slice(0, nul);
}

/** to_char(value, fmt) for int4/int8 (number | bigint), float8 (number) or numeric (text). */
export function numberToChar(value: Value, type: TypeOid, fmt: string): string {
  if (fmt === "") return "";
  const { nodes, desc } = parseNumberFormat(fmt);
  let prepared: Prepared;
  if (type === Oid.numeric) prepared = prepareNumeric(desc, value as string);
  else if (type === Oid.float8) prepared = prepareFloat(desc, value as number);
  else prepared = prepareInteger(desc, BigInt(value as number | bigint));
  return render(nodes, desc, prepared);
}

for (const type of [Oid.numeric, Oid.int4, Oid.int8, Oid.float8]) {
  registerFunction({
    name: "to_char",
    args: [type, Oid.text],
    returns: Oid.text,
    strict: true,
    volatility: "stable",
    impl: (a) => numberToChar(a[0], type, a[1] as string),
  });
}
