import {
  type Article,
  type FeedRef,
  feedKey,
  feedsOf,
  isWithdrawnPublic,
  noticesOf,
  redirectOf,
  shownOf,
  type Withdrawal,
} from './article.ts';
import { nextTransitionAt } from './lifecycle.ts';

/**
 * How an article sits in the table, and what one change to it must write: the pure core of
 * ingest and release. The adapter in shared/stores turns a WritePlan into one transaction.
 */

/** An article as stored, with the revision used for optimistic concurrency. */
export interface StoredArticle {
  article: Article;
  /** Increases by one on every write of the article item. */
  rev: number;
}

/**
 * One line of a feed's index: enough to order and fetch, plus the article's revision, so
 * the newest entries of a feed name exactly what a render of it shows.
 */
export interface FeedEntry {
  feed: FeedRef;
  /**
   * `live`: the article is in the feed. `gone`: it was, and is withdrawn (its sort key is
   * `<withdrawn ISO>#<id>`): the feed tells readers to delete it (RFC 6721). `moved` (the site
   * feed's only): a public story moved away, whose old page redirects (sort key
   * `<updated ISO>#<id>`): no feed shows it; a whole-site republish renders its redirect again.
   */
  list: EntryList;
  /** `<published ISO>#<id>`: sorts newest last, so feeds are read in reverse. */
  sortKey: string;
  id: string;
  rev: number;
  /** The article's last change (ISO): day sitemaps read it from the site feed's entries. */
  updated: string;
  /** The site feed's live entries only: what the news sitemap shows (its title, language). */
  title?: string;
  language?: string;
}

export type EntryList = 'live' | 'gone' | 'moved';

/**
 * The table's name of one list of a feed: `all`, `tag/<slug>` for its articles, `gone:all`,
 * `gone:tag/<slug>` for its withdrawn ones, `moved:all` for moved stories (slugs never hold
 * `:`).
 */
export function entryListKey(feed: FeedRef, list: EntryList): string {
  return list === 'live' ? feedKey(feed) : `${list}:${feedKey(feed)}`;
}

/**
 * An article waiting for its next transition, made by the release schedule: a scheduled one
 * going live at its date, a live one withdrawn at its `expires`. Sort key `<when ISO>#<id>`.
 */
export interface ScheduleEntry {
  sortKey: string;
  id: string;
}

/**
 * One change to one article. Feed metas (names and counts of tag and author feeds) are not
 * part of it: publish keeps them, so concurrent ingests never write a shared item.
 */
export interface ArticleWrite {
  /** The article item to put: a removal puts a tombstone (status `deleted`). */
  put: StoredArticle;
  /** The revision the write was planned against; absent when the article must not exist. */
  expectedRev?: number;
  entries: { put: FeedEntry[]; delete: FeedEntry[] };
  schedule: { put?: ScheduleEntry; delete?: ScheduleEntry };
  /** The bytes-to-article index entry to put (see bodyIndexOf). */
  bodyIndex?: { hash: string; id: string };
  /**
   * Bytes (their sha256) this write was planned as never uploaded before, without asking
   * (ArticleStore.findByBody): the commit is refused (StaleWriteError) if the body index names
   * any story for them.
   */
  unseenBytes?: string;
}

export function entrySortKey(article: Pick<Article, 'published' | 'id'>): string {
  return `${article.published}#${article.id}`;
}

/**
 * A live article's entries in its feeds; a withdrawn public one's in their `gone` lists; a
 * moved public one's in the site's `moved` list.
 */
function entriesOf(stored: StoredArticle | undefined): FeedEntry[] {
  const article = stored?.article;
  if (!stored || !article) return [];
  const entry = (face: Article, list: EntryList, sortKey: string) =>
    feedsOf(face).map((feed) => ({
      feed,
      list,
      sortKey,
      ...refOf(stored),
      ...(feed.kind === 'all' && list === 'live' ? headlineOf(article) : {}),
    }));
  // Each withdrawal it announces, in the feeds readers saw that story in (its own, as they last
  // saw it, and those of the stories deleted from its id before it: noticesOf).
  const slots = new Set<string>();
  const gone = noticesOf(article)
    .flatMap((notice) =>
      notice.withdrawn ? entry(notice, 'gone', `${notice.withdrawn.at}#${article.id}`) : [],
    )
    .filter((e) => !slots.has(slot(e)) && slots.add(slot(e)));
  if (article.status === 'live') return [...entry(article, 'live', entrySortKey(article)), ...gone];
  if (isWithdrawnPublic(article)) return gone;
  if (redirectOf(article)) {
    const sortKey = `${article.updated}#${article.id}`;
    return [{ feed: { kind: 'all' }, list: 'moved', sortKey, ...refOf(stored) }, ...gone];
  }
  return gone;
}

const headlineOf = ({ title, language }: Article) => ({
  title,
  ...(language !== undefined ? { language } : {}),
});

const refOf = ({ article, rev }: StoredArticle) => ({
  id: article.id,
  rev,
  updated: article.updated,
});

function scheduleOf(article: Article | undefined): ScheduleEntry | undefined {
  const at = article && nextTransitionAt(article);
  return at && article ? { sortKey: `${at}#${article.id}`, id: article.id } : undefined;
}

const slot = (e: FeedEntry) => `${entryListKey(e.feed, e.list)}\n${e.sortKey}`;

/**
 * What stays of a removed article: its identity and dates, no content. A story readers saw
 * keeps its title, labels and withdrawal, so its feeds can tell them it is gone.
 */
export function tombstoneOf(stored: Article, at: string): Article {
  // What readers last saw of a story that had left already (a notice never shows newer text).
  const article = shownOf(stored);
  const {
    image: _image,
    imageText: _text,
    link: _link,
    expires: _expires,
    claimants: _claimants,
    ...kept
  } = article;
  // A copy held at a moved story's old address goes: the redirect it kept stays, as it was.
  const movedTo = redirectOf(article);
  if (movedTo) return { ...movedTombstoneOf(article, movedTo, article.withdrawn), movedTo };
  const wasPublic = article.status === 'live' || isWithdrawnPublic(article);
  if (!wasPublic) {
    const { withdrawn: _w, corrections: _c, ...rest } = kept;
    return { ...rest, status: 'deleted', summary: '', contentHtml: '', tags: [], authors: [] };
  }
  // A public story's correction log stays with it: a move whose delete came first carries it on.
  return {
    ...kept,
    status: 'deleted',
    summary: '',
    contentHtml: '',
    withdrawn: article.withdrawn ?? { at },
  };
}

/** The bytes-to-article index entry a write makes (ArticleStore.findByBody), if any. */
export function bodyIndexOf(write: ArticleWrite): ArticleWrite['bodyIndex'] {
  return write.bodyIndex;
}

/**
 * The write, committed only if no story was ever made of these bytes (sha256): planned
 * without asking, it is refused otherwise, and the caller asks (ArticleWrite.unseenBytes).
 */
export function withUnseenBytes(write: ArticleWrite, bodyHash: string): ArticleWrite {
  return { ...write, unseenBytes: bodyHash };
}

/**
 * The index entry an upload's bytes get: a story (not a tombstone) whose bytes are new to it.
 * A write that keeps its bytes (a release, an expiry, a held copy looked at again) leaves the
 * entry as it is, so it still names whatever those bytes made last (a held copy included).
 */
function bodyIndexFor(
  before: Article | undefined,
  after: Article | undefined,
): ArticleWrite['bodyIndex'] {
  if (!after?.bodyHash || after.status === 'deleted' || after.status === 'moved') return undefined;
  if (before?.bodyHash === after.bodyHash) return undefined;
  return { hash: after.bodyHash, id: after.id };
}

/**
 * What stays of a moved article: its identity and where it went. Its page redirects there only
 * if readers could have seen it: a draft or scheduled story moved leaves no trace at its old
 * address (no `movedTo`). `leaving`: the story is not public at its new id (given a date to
 * come, made a draft, withdrawn): its old address tells readers it went (a 410 with what they
 * saw, the gone entries of its feeds) and redirects only once the story is public again
 * (redirectsMadeLive), so nothing of the new version, not even its address, shows before.
 */
export function movedTombstoneOf(article: Article, movedTo: string, leaving?: Withdrawal): Article {
  const wasPublic = article.status === 'live' || isWithdrawnPublic(article);
  return {
    id: article.id,
    guid: article.guid,
    sourceKey: article.sourceKey,
    // Its redirect page's title: what readers saw (an embargoed new version's stays unseen).
    title: shownOf(article).title,
    summary: '',
    contentHtml: '',
    tags: [],
    authors: [],
    published: article.published,
    updated: article.updated,
    status: 'moved',
    contentHash: article.contentHash,
    ...(wasPublic ? { movedTo } : {}),
    ...(wasPublic && leaving ? { withdrawn: leaving } : {}),
    // The stories deleted from this id before it stay announced here (they never moved).
    ...(article.formerly ? { formerly: article.formerly } : {}),
  };
}

/**
 * The old addresses of `article`, just public (live), whose redirect waited for it (a story
 * renamed while it left: movedTombstoneOf's `leaving`): written without their withdrawal, so
 * they redirect here now. `read` reads a stored article (ArticleStore.getArticle).
 */
export async function redirectsMadeLive(
  article: Article,
  read: (id: string) => Promise<StoredArticle | undefined>,
): Promise<ArticleWrite[]> {
  if (article.status !== 'live' || !article.redirectsFrom?.length) return [];
  const tombstones = await Promise.all(article.redirectsFrom.map(read));
  return tombstones.flatMap((stored) => {
    const old = stored?.article;
    if (!stored || old?.status !== 'moved' || old.movedTo !== article.id || !old.withdrawn)
      return [];
    const { withdrawn: _leaving, ...redirect } = old;
    return [planArticleWrite(stored, redirect)];
  });
}

/**
 * Whether an id is free for a new file: no article, or only a removed or moved one's
 * tombstone.
 */
export function isGone(stored: StoredArticle | undefined): boolean {
  return !stored || stored.article.status === 'deleted' || stored.article.status === 'moved';
}

/**
 * Everything that moving an article from `before` to `after` writes: the article item (a
 * tombstone when `after` is absent, so revisions never restart), its feed entries (each carrying
 * the new revision, so every feed showing it sees the change), the schedule. `before` is absent
 * for a new article; `after` for a removal, which needs `before` and `at` (when the file went).
 * Both have the same id.
 */
export function planArticleWrite(
  before: StoredArticle | undefined,
  after: Article | undefined,
  at?: string,
): ArticleWrite {
  const next =
    after ?? (before ? tombstoneOf(before.article, at ?? before.article.updated) : undefined);
  if (!next) throw new Error('planArticleWrite: a removal needs the article it removes');
  const put = { article: next, rev: (before?.rev ?? 0) + 1 };
  const oldEntries = entriesOf(before);
  const newEntries = entriesOf(put);
  const newSlots = new Set(newEntries.map(slot));
  const oldSchedule = scheduleOf(before?.article);
  const newSchedule = scheduleOf(after);
  const scheduleChanged = oldSchedule?.sortKey !== newSchedule?.sortKey;
  const bodyIndex = bodyIndexFor(before?.article, after);
  return {
    put,
    expectedRev: before?.rev,
    entries: { put: newEntries, delete: oldEntries.filter((e) => !newSlots.has(slot(e))) },
    schedule: {
      put: scheduleChanged ? newSchedule : undefined,
      delete: scheduleChanged ? oldSchedule : undefined,
    },
    ...(bodyIndex ? { bodyIndex } : {}),
  };
}
