/**
 * Dates written in article files → ISO 8601 UTC (`Date.prototype.toISOString`).
 * Accepted: Date objects, ISO 8601 (`2019-12-19T10:00:00Z`, `+03:00`, a space instead of
 * `T`, fractions), a bare `2019-12-19` (midnight UTC) and RFC 2822
 * (`Thu, 19 Dec 2019 10:00:00 +0000`). A time without a zone is read as UTC. Nothing
 * else: `Date.parse` accepts too much (`"1"`, `"May"`) to be trusted with a file.
 */

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ]\s*(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,30}))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;
const RFC_2822 =
  /^(?:[A-Za-z]{3},?\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4}|\d{2})\s+(\d{2}):(\d{2})(?::(\d{2}))?(?:\s*([+-]\d{4}|UT|GMT|Z|[ECMP][SD]T))?(?:\s*\([^()]*\))?$/i;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const ZONES: Readonly<Record<string, number>> = {
  ut: 0,
  gmt: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
};
export const DATE_EXAMPLES = '2019-12-19, 2019-12-19T10:00:00Z or Thu, 19 Dec 2019 10:00:00 +0000';

/** Whether a file's date names a time of day but no time zone (read as UTC). */
export function isZoneless(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const text = value.trim();
  const iso = ISO_DATE.exec(text);
  if (iso) return iso[4] !== undefined && iso[8] === undefined;
  const rfc = RFC_2822.exec(text);
  return rfc !== null && rfc[7] === undefined;
}

/** The ISO UTC form of a file's date, or undefined if it is not a date this accepts. */
export function parseFileDate(value: string | Date): string | undefined {
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? undefined : inRange(value.getTime());
  const text = value.trim();
  return parseIso(text) ?? parseRfc2822(text);
}

function parseIso(text: string): string | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const millis = fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0;
  return build(
    Number(year),
    Number(month),
    Number(day),
    Number(hour ?? 0),
    Number(minute ?? 0),
    Number(second ?? 0),
    millis,
    isoOffset(zone),
  );
}

function parseRfc2822(text: string): string | undefined {
  const match = RFC_2822.exec(text);
  if (!match) return undefined;
  const [, day, monthName, yearText, hour, minute, second, zone] = match;
  const month = MONTHS.indexOf((monthName ?? '').toLowerCase()) + 1;
  if (month === 0) return undefined;
  let year = Number(yearText);
  if ((yearText ?? '').length === 2) year += year < 50 ? 2000 : 1900;
  return build(
    year,
    month,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second ?? 0),
    0,
    rfcOffset(zone),
  );
}

/** Offset from UTC in minutes; undefined means the zone is malformed. */
function isoOffset(zone: string | undefined): number | undefined {
  if (!zone || zone.toLowerCase() === 'z') return 0;
  const digits = zone.slice(1).replace(':', '');
  return signedOffset(
    zone[0] === '-' ? -1 : 1,
    Number(digits.slice(0, 2)),
    Number(digits.slice(2) || 0),
  );
}

function rfcOffset(zone: string | undefined): number | undefined {
  if (!zone) return 0;
  const named = ZONES[zone.toLowerCase()];
  if (named !== undefined) return named;
  return signedOffset(zone[0] === '-' ? -1 : 1, Number(zone.slice(1, 3)), Number(zone.slice(3, 5)));
}

function signedOffset(sign: number, hours: number, minutes: number): number | undefined {
  return hours > 23 || minutes > 59 ? undefined : sign * (hours * 60 + minutes);
}

function build(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
  offsetMinutes: number | undefined,
): string | undefined {
  if (offsetMinutes === undefined || hour > 23 || minute > 59 || second > 60) return undefined;
  const local = new Date(
    Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), millis),
  );
  // Date.UTC rolls 31 Feb over into March; a real date survives the round trip.
  if (
    local.getUTCFullYear() !== year ||
    local.getUTCMonth() !== month - 1 ||
    local.getUTCDate() !== day
  ) {
    return undefined;
  }
  return inRange(local.getTime() - offsetMinutes * 60_000);
}

/** Years 1000–9999 only: anything else is a typo, and ISO strings keep their shape. */
const MIN_YEAR = 1000;
const MAX_YEAR = 9999;

/** The years a file's date may have, as a rejection says them. */
export const YEARS = `${MIN_YEAR}–${MAX_YEAR}`;

function inRange(time: number): string | undefined {
  const year = new Date(time).getUTCFullYear();
  return year >= MIN_YEAR && year <= MAX_YEAR ? new Date(time).toISOString() : undefined;
}

/** Whether a date the file wrote starts with a year before MIN_YEAR (`0001-01-01`): a typo. */
export function isBeforeYears(value: string | Date): boolean {
  return /^\s*0\d{3}-\d/.test(String(value));
}
