/** Dates as renderers accept them: valid, four-digit years, never the clock. */

/** What an empty feed says it was updated: fixed, so its bytes never change. */
export const EPOCH = new Date(0);

/** Parses an ISO date; undefined when invalid or outside years 1000–9999. */
export function toDate(iso: string | undefined): Date | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  const year = date.getUTCFullYear();
  return Number.isNaN(date.getTime()) || year < 1000 || year > 9999 ? undefined : date;
}

/** The latest of the dates, or EPOCH when there are none. */
export function latest(dates: readonly Date[]): Date {
  let max = EPOCH;
  for (const date of dates) if (date.getTime() > max.getTime()) max = date;
  return max;
}

/** `YYYY-MM-DD`, for people; machines get the full ISO string. */
export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}
