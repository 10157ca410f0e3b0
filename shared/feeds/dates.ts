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

/**
 * Days are written for people in UTC, the zone of every `datetime` we write: the site has no
 * time-zone setting, and the same date must give the same bytes on any machine.
 */
const DAY_STYLE: Intl.DateTimeFormatOptions = { dateStyle: 'long', timeZone: 'UTC' };

const dayFormats = new Map<string, Intl.DateTimeFormat | undefined>();

/**
 * The day as people read it in `language` (a BCP 47 tag), with the locale's own calendar and
 * digits: "3 December 2026" (en-GB), "3. Dezember 2026" (de), "2026年12月3日" (ja). A tag Intl
 * does not know is shortened until it does (RFC 4647 lookup: zh-yue-HK → zh); one it cannot
 * read at all (x-klingon, tlh) gives `YYYY-MM-DD`, never the machine's default locale.
 */
export function dayIn(date: Date, language: string): string {
  if (!dayFormats.has(language)) dayFormats.set(language, dayFormat(language));
  return dayFormats.get(language)?.format(date) ?? dayOf(date);
}

function dayFormat(language: string): Intl.DateTimeFormat | undefined {
  const subtags = language.trim().split('-');
  for (let n = subtags.length; n > 0; n--) {
    const tag = subtags.slice(0, n).join('-');
    try {
      // Only a tag with locale data of its own: Intl would otherwise use the default locale.
      if (Intl.DateTimeFormat.supportedLocalesOf(tag).length > 0) {
        return new Intl.DateTimeFormat(tag, DAY_STYLE);
      }
    } catch {
      // Not a tag Intl accepts (x-klingon, zh-yue-HK): try a shorter one.
    }
  }
  return undefined;
}
