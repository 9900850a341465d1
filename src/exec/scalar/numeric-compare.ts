/**
 * Ordering of numeric values in their canonical text form without building big integers:
 * sorting, min/max and merge keys compare numerics far more often than they compute with them.
 * Plain decimals (`-12.340`, `7`) are compared digit by digit; anything else (NaN, ±Infinity,
 * exponents) returns null so the caller falls back to the exact arithmetic comparison.
 */
const plain = /^-?\d+(\.\d+)?$/;

export function comparePlainDecimalText(a: string, b: string): number | null {
  if (!plain.test(a) || !plain.test(b)) return null;
  const na = a.charCodeAt(0) === 45 && !isZero(a);
  const nb = b.charCodeAt(0) === 45 && !isZero(b);
  if (na !== nb) return na ? -1 : 1;
  const magnitude = compareMagnitude(
    a.charCodeAt(0) === 45 ? a.slice(1) : a,
    b.charCodeAt(0) === 45 ? b.slice(1) : b,
  );
  return na ? -magnitude : magnitude;
}

function isZero(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 49 && c <= 57) return false; // 1-9
  }
  return true;
}

function compareMagnitude(a: string, b: string): number {
  const da = a.indexOf(".");
  const db = b.indexOf(".");
  let ia = da < 0 ? a : a.slice(0, da);
  let ib = db < 0 ? b : b.slice(0, db);
  ia = stripLeadingZeros(ia);
  ib = stripLeadingZeros(ib);
  if (ia.length !== ib.length) return ia.length < ib.length ? -1 : 1;
  if (ia !== ib) return ia < ib ? -1 : 1;
  const fa = da < 0 ? "" : a.slice(da + 1);
  const fb = db < 0 ? "" : b.slice(db + 1);
  const n = Math.max(fa.length, fb.length);
  for (let i = 0; i < n; i++) {
    const ca = i < fa.length ? fa.charCodeAt(i) : 48;
    const cb = i < fb.length ? fb.charCodeAt(i) : 48;
    if (ca !== cb) return ca < cb ? -1 : 1;
  }
  return 0;
}

function stripLeadingZeros(digits: string): string {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++;
  return i === 0 ? digits : digits.slice(i);
}
