// Calendar arithmetic in UTC only, so the generated text never depends on the machine's zone.
const msPerDay = 86_400_000;

/** days since 1970-01-01 of a YYYY-MM-DD date */
export function dayNumber(isoDate: string): number {
  return Math.round(Date.parse(`${isoDate}T00:00:00Z`) / msPerDay);
}

/** "YYYY-MM-DD" */
export function formatDate(day: number): string {
  return new Date(day * msPerDay).toISOString().slice(0, 10);
}

/** "YYYY-MM-DD HH:MM:SS" (a Postgres timestamp without zone) */
export function formatTimestamp(day: number, secondOfDay: number): string {
  return new Date(day * msPerDay + secondOfDay * 1000).toISOString().slice(0, 19).replace("T", " ");
}
