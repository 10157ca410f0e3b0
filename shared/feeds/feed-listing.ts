import { type FeedRef, feedKey } from '../articles/article.ts';

/** A feed the site publishes and how many articles it holds. */
export interface FeedListing {
  feed: FeedRef;
  /** Articles in a tag or author feed; the site feed keeps no count. */
  count?: number;
}

const KIND_ORDER: Record<FeedRef['kind'], number> = { all: 0, tag: 1, author: 2 };

/**
 * A name as it sorts: letters without their accents, full-width forms as ASCII, in
 * lower case, and a few letters that do not decompose as their base (`ß` ss, `ı` i, `ø` o), so
 * Ärzte sorts with Arzte and Ökonomie before Politik, not after Zoll; then the name itself.
 * Unicode normalization, not Intl.Collator: the order must not depend on the ICU build.
 */
function sortName(feed: FeedRef): string {
  if (feed.kind === 'all') return '';
  const folded = feed.name
    .normalize('NFKD')
    .replace(MARKS, '')
    .toLowerCase()
    .replace(UNDECOMPOSED, (letter) => UNDECOMPOSED_AS[letter] ?? letter);
  return `${folded}\u0000${feed.name.toLowerCase()}`;
}

/**
 * The combining accents Latin, Greek and Cyrillic letters decompose into: only those. Other
 * scripts' marks are letters of their own (a Devanagari vowel sign, a virama): kept.
 */
const MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
const UNDECOMPOSED_AS: Readonly<Record<string, string>> = {
  ß: 'ss',
  ı: 'i',
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  đ: 'd',
  ł: 'l',
  þ: 'th',
  ð: 'd',
};
const UNDECOMPOSED = /[ßıøæœđłþð]/g;

// Code-unit comparison, not localeCompare: the order must not depend on the ICU build.
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** A listing with what it sorts by, computed once (the fold normalizes its name). */
interface Sortable {
  listing: FeedListing;
  name: string;
  key: string;
}

function compareListings(a: Sortable, b: Sortable): number {
  return (
    KIND_ORDER[a.listing.feed.kind] - KIND_ORDER[b.listing.feed.kind] ||
    compareText(a.name, b.name) ||
    compareText(a.key, b.key)
  );
}

/** Site feed first, then tags, then authors, each by name then slug; one entry per feed. */
export function sortFeedListings(feeds: readonly FeedListing[]): FeedListing[] {
  const seen = new Set<string>();
  return feeds
    .map((listing) => ({ listing, name: sortName(listing.feed), key: feedKey(listing.feed) }))
    .sort(compareListings)
    .filter(({ key }) => {
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map(({ listing }) => listing);
}
