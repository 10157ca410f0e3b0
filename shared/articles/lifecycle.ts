import type { Article, ParsedArticle } from './article.ts';

/**
 * The editorial lifecycle's clock-driven half: a scheduled story goes live at its date, a live
 * one is withdrawn at its `expires`. Ingest applies it when a file arrives, the release
 * schedule when the time comes; both through these two functions, so they never disagree.
 */

/** When the article's next timed transition is due (ISO), if it has one. */
export function nextTransitionAt(article: Article): string | undefined {
  if (article.status === 'scheduled') return article.published;
  if (article.status === 'live' && article.expires !== undefined) return article.expires;
  return undefined;
}

export const EXPIRED_NOTE = 'This story has expired.';

/**
 * The article as it should be at `nowIso`: released if its date has come, withdrawn if its
 * `expires` has passed; the same object when nothing is due. `wasPublic`: readers have seen it
 * (default: it is live), so its withdrawal is announced (Article.withdrawn), dated when it
 * really left: `leftAt` (default `nowIso`: a release run that came late dates it then, so
 * readers still get the whole RFC 6721 window), never before its `expires`. A story that
 * expires before it was ever shown leaves no trace.
 */
export function applyDueTransitions(
  article: Article,
  nowIso: string,
  wasPublic = article.status === 'live',
  leftAt = nowIso,
): Article {
  let next = article;
  if (next.status === 'scheduled' && next.published <= nowIso) {
    // A story scheduled again after readers saw it comes back: its notice goes.
    const { withdrawn: _left, ...rest } = next;
    next = { ...rest, status: 'live' };
  }
  if (next.status === 'live' && next.expires !== undefined && next.expires <= nowIso) {
    const { withdrawn: _none, ...rest } = next;
    next = wasPublic
      ? {
          ...rest,
          status: 'withdrawn',
          withdrawn: { at: later(next.expires, leftAt), note: EXPIRED_NOTE },
        }
      : { ...rest, status: 'withdrawn' };
  }
  return next;
}

const later = (a: string, b: string) => (a > b ? a : b);

/**
 * The file's `updated`, unless it is later than both the upload (`at`, ISO) and the story's
 * own date: a story is not updated in the future, and a year typo would date every feed and
 * sitemap it is in decades ahead (and a build after SOURCE_DATE_EPOCH). Then the file is read
 * without it (the story is dated as if it had none), and `warning` says so.
 */
export function claimedUpdate(
  article: Pick<ParsedArticle, 'updated' | 'date'>,
  at: string,
): { updated?: string; warning?: string } {
  const { updated, date } = article;
  if (updated === undefined) return {};
  const latest = date !== undefined && Date.parse(date) > Date.parse(at) ? date : at;
  if (Date.parse(updated) <= Date.parse(latest)) return { updated };
  const than = latest === at ? `the upload (${at})` : `"date" (${date})`;
  return {
    warning: `"updated" (${updated}) is later than ${than}: a story is not updated in the future, so it is not used`,
  };
}

/**
 * A story to be published (`scheduledAt`) or withdrawn (`expiresAt`) at 00:00 UTC, what a date
 * with no time means (`date: 2030-12-03`): hours before or after midnight where the newsroom
 * is, so it is said; an embargo is a time of day somewhere. ISO UTC times, as stored.
 */
export function midnightWarnings(
  scheduledAt: string | undefined,
  expiresAt: string | undefined,
): string[] {
  const midnight = (iso: string | undefined): iso is string =>
    iso?.endsWith('T00:00:00.000Z') === true;
  const said = (field: string, iso: string) =>
    `${field} ${iso.slice(0, 10)} is at 00:00 UTC, as a date with no time is: give the time and its zone if you meant another (${iso.slice(0, 10)}T09:00:00-05:00)`;
  return [
    ...(midnight(scheduledAt) ? [said('"date"', scheduledAt)] : []),
    ...(midnight(expiresAt) ? [said('"expires"', expiresAt)] : []),
  ];
}
