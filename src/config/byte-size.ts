const units: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1024,
  mb: 1024 ** 2,
  gb: 1024 ** 3,
  tb: 1024 ** 4,
};

/**
 * "1073741824", "512MB", "1 GB", "64kB" → bytes (units are powers of 1024, as in PostgreSQL's
 * memory settings); null when the text is not a size.
 */
export function parseByteSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!m) return null;
  const unit = units[m[2]!.toLowerCase()];
  if (unit === undefined) return null;
  const bytes = Number(m[1]) * unit;
  // a fraction of a byte is not a size
  return Number.isSafeInteger(bytes) ? bytes : null;
}
