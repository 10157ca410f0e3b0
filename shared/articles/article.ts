/**
 * The article as the rest of the system sees it: parsed, sanitized, identified.
 * Plain data only: no SDK types, no clock. Dates are ISO 8601 UTC strings.
 */

/**
 * `deleted`: the file is gone; the item stays as a tombstone without content, so the article's
 * revision keeps counting up across a delete and a re-upload.
 * `withdrawn`: the file says so (`status: withdrawn`), or its `expires` date has passed.
 * Both take the story out of every feed, listing and page; see Article.withdrawn for what
 * readers are told.
 * `moved`: the file was moved (same bytes under another key): the story lives on under the
 * id `movedTo`, with the same guid, and this id's page redirects there (only if it was public:
 * a moved draft or scheduled story keeps no `movedTo`, and its old address stays empty).
 * `held`: an unchanged copy of a story whose file is still in the inbox (`heldFor`): nothing
 * about it is public, like a draft; it becomes that story moved when that file is deleted, or
 * a story of its own when it changes (README "The life of a story"). What readers were shown
 * at its id before it came stays while it waits (heldTrace): a moved story's redirect
 * (`movedTo`), a withdrawn or deleted story's notice (`withdrawn`).
 */
export type ArticleStatus =
  | 'live'
  | 'draft'
  | 'scheduled'
  | 'withdrawn'
  | 'deleted'
  | 'moved'
  | 'held';

/** A public story taken down: when, and the editor's note. */
export interface Withdrawal {
  /** ISO UTC. */
  at: string;
  /** Plain text. */
  note?: string;
  /**
   * What readers last saw of it, when the article now holds something else (made a draft or
   * scheduled again, or withdrawn by a file that also changed it): its notice shows this title,
   * and its feeds' deleted entries are in the feeds it was shown in, never the new ones.
   */
  shown?: Shown;
  /**
   * Another story holds its id now (a file that names a deleted story's id): its deleted entry
   * names no page, as the id's page is that other story's.
   */
  replaced?: true;
}

/**
 * A story deleted from an id that another story then took (Article.formerly): what its
 * withdrawal notice needs, its guid, its withdrawal, and the face and feeds readers saw.
 */
export interface FormerStory extends Shown {
  guid: string;
  withdrawn: Withdrawal;
}

/** Former stories of an id an article keeps announcing, newest first. */
export const MAX_FORMER_STORIES = 5;

/** A story's face in its feeds: its headline and the labels that put it in them. */
export type Shown = Pick<Article, 'title' | 'tags' | 'authors'>;

/** What is said of the lead image (plain text): alt text, caption, credit. */
export interface ImageText {
  alt?: string;
  caption?: string;
  credit?: string;
}

/**
 * A media file of the inbox an article refers to (its `image`, or a relative reference in its
 * body), as ingest last saw it: `url` is where it is published (content-versioned), or, while
 * the file is not in the inbox, its placeholder URL (`media/<path>`, nothing there).
 */
export interface MediaRef {
  /** The inbox key (`articles/2026/12/story/lead.jpg`). */
  key: string;
  /** Absolute URL, as written in the article's content and `image`. */
  url: string;
  /** Content-Type and size in bytes, when the file is published. */
  type?: string;
  size?: number;
}

/** One entry of an article's correction log. */
export interface Correction {
  /** ISO UTC: when the correction first appeared. */
  date: string;
  /** Plain text. */
  text: string;
}

/** A tag or an author: a path-safe slug plus the name people read. */
export interface Label {
  slug: string;
  name: string;
}

export interface Author extends Label {
  email?: string;
  url?: string;
}

/** What a parser makes of one uploaded file, before identity and dates are settled. */
export interface ParsedArticle {
  /** Only when the file itself sets an id (already validated as path-safe). */
  id?: string;
  title: string;
  summary: string;
  /** Sanitized HTML, URLs absolute. */
  contentHtml: string;
  tags: Label[];
  authors: Author[];
  /** The file's own date, if it has one (ISO). */
  date?: string;
  updated?: string;
  /** Absolute http(s) URL. */
  image?: string;
  /** Said of the lead image, when there is one. */
  imageText?: ImageText;
  /** The article's own canonical link, absolute http(s) URL. */
  link?: string;
  draft: boolean;
  language?: string;
  /** `status: withdrawn` in the file. */
  withdrawn?: true;
  /** Plain text: why (shown on the withdrawn story's notice). */
  note?: string;
  /** Plain text: the correction this version makes. */
  correction?: string;
  /** A minor edit: `updated` does not move. */
  minor?: true;
  /** ISO: when the story expires (is withdrawn by the release schedule). */
  expires?: string;
  /** What its feed items carry, instead of the site's setting. */
  feedContent?: 'full' | 'summary';
  /** Inbox media files it refers to (their placeholder URLs are in its content and image). */
  mediaKeys?: string[];
}

export interface ParseResult {
  article: ParsedArticle;
  /** Non-fatal findings a reader of the report should see (tags capped, dropped HTML, ...). */
  warnings: string[];
}

/** A stored article: everything a renderer needs. */
export interface Article {
  id: string;
  /** Derived from the id once, never changes (urn:uuid:...). */
  guid: string;
  /** The inbox object key it came from (decoded). */
  sourceKey: string;
  title: string;
  summary: string;
  contentHtml: string;
  tags: Label[];
  authors: Author[];
  published: string;
  updated: string;
  image?: string;
  /** Said of the lead image (alt text, caption, credit). */
  imageText?: ImageText;
  link?: string;
  language?: string;
  status: ArticleStatus;
  /** sha256 of the parsed article, to skip unchanged re-uploads. */
  contentHash: string;
  /**
   * Set when a story readers had seen (it was live) is withdrawn or its file deleted: Atom feeds
   * carry an RFC 6721 `at:deleted-entry` for it, and its page answers 410 with a notice. A story
   * withdrawn before it was ever public has none, and leaves no trace.
   */
  withdrawn?: Withdrawal;
  /** Dated corrections, oldest first: shown on the page and in the feeds' content. */
  corrections?: Correction[];
  /** ISO: when the release schedule withdraws it. */
  expires?: string;
  /** What its feed items carry (`summary`: its summary and a link), instead of the site's. */
  feedContent?: 'full' | 'summary';
  /** sha256 of the uploaded file's bytes: the same bytes under another key are a move. */
  bodyHash?: string;
  /**
   * A moved public article's new id (status `moved`, or `held` by a copy since), where its old
   * page redirects.
   */
  movedTo?: string;
  /** A held copy's original (status `held`): the id of the story it has the bytes of. */
  heldFor?: string;
  /**
   * Keys refused because this story holds its id (`bad-id`, most recent last): when its file
   * goes, they are decided again, and the first still there takes the id.
   */
  claimants?: string[];
  /**
   * Stories deleted from this id before this one took it (newest first, at most
   * MAX_FORMER_STORIES): their feeds keep telling readers they went (RFC 6721), for the window.
   */
  formerly?: FormerStory[];
  /** Older ids of this story whose pages redirect here (status `moved`, `movedTo` this id). */
  redirectsFrom?: string[];
  /** The inbox media it refers to, and where each is published. */
  media?: MediaRef[];
}

/** Whether an article is withdrawn or deleted after readers saw it (see Article.withdrawn). */
export function isWithdrawnPublic(article: Article | undefined): boolean {
  return article?.withdrawn !== undefined && article.status !== 'live';
}

/**
 * A withdrawn public article as its readers last saw it (Withdrawal.shown): the title its
 * notice shows and the labels of the feeds that announce it gone. The article itself otherwise.
 */
export function shownOf(article: Article): Article {
  const shown = article.withdrawn?.shown;
  return shown ? { ...article, ...shown } : article;
}

/**
 * What readers last saw of a public article (live, or withdrawn after they saw it) when it
 * leaves or changes into something they must not see yet.
 */
export function lastShown(article: Article): Shown {
  return faceOf(article.withdrawn?.shown ?? article);
}

/** Whether two faces are the same to readers: title, tags and authors. */
export function sameFace(a: Shown, b: Shown): boolean {
  return JSON.stringify(faceOf(a)) === JSON.stringify(faceOf(b));
}

const faceOf = ({ title, tags, authors }: Shown): Shown => ({ title, tags, authors });

/**
 * The withdrawal notices an article's feeds carry, each as the article readers were told about:
 * its own (withdrawn or deleted after readers saw it, as they last saw it), and those of the
 * stories deleted from its id before it took it (FormerStory).
 */
export function noticesOf(article: Article): Article[] {
  const own = isWithdrawnPublic(article) ? [shownOf(article)] : [];
  const former = (article.formerly ?? []).map(
    (story): Article => ({
      ...article,
      ...story,
      status: 'deleted',
      withdrawn: { ...story.withdrawn, replaced: true },
    }),
  );
  return [...own, ...former];
}

/** What an id's deleted public story leaves for the story that takes the id (Article.formerly). */
export function formerStoryOf(deleted: Article): FormerStory[] {
  if (!isWithdrawnPublic(deleted) || !deleted.withdrawn) return deleted.formerly ?? [];
  const { shown: _shown, replaced: _replaced, ...withdrawn } = deleted.withdrawn;
  const story: FormerStory = { guid: deleted.guid, withdrawn, ...lastShown(deleted) };
  return [story, ...(deleted.formerly ?? [])].slice(0, MAX_FORMER_STORIES);
}

/** Where this id's page redirects: a moved public story's new id, kept by a copy held there. */
export function redirectOf(article: Article | undefined): string | undefined {
  return article?.status === 'moved' || article?.status === 'held' ? article.movedTo : undefined;
}

/**
 * What readers were shown at an id that a held copy keeps while it waits there: the redirect
 * of a story that moved away, the notice of one withdrawn or deleted, with that story's title
 * (README "The life of a story"). Nothing of a draft, a scheduled story or a copy's own bytes.
 */
export function heldTrace(
  before: Article | undefined,
): Partial<Pick<Article, 'movedTo' | 'withdrawn' | 'title'>> {
  const movedTo = redirectOf(before);
  const withdrawn = isWithdrawnPublic(before) ? before?.withdrawn : undefined;
  if (!before || (!movedTo && !withdrawn)) return {};
  return {
    title: shownOf(before).title,
    ...(movedTo ? { movedTo } : {}),
    // Its notice stays in the feeds the withdrawn story was in, not the copy's.
    ...(withdrawn ? { withdrawn: { ...withdrawn, shown: lastShown(before) } } : {}),
  };
}

/** A feed the site publishes: the site-wide one, or one per tag or author. */
export type FeedRef =
  | { kind: 'all' }
  | { kind: 'tag'; slug: string; name: string }
  | { kind: 'author'; slug: string; name: string };

/** `all`, `tag/<slug>`, `author/<slug>`: the table's and the site's name for a feed. */
export function feedKey(feed: FeedRef): string {
  return feed.kind === 'all' ? 'all' : `${feed.kind}/${feed.slug}`;
}

/** The feeds a live article appears in. */
export function feedsOf(article: Pick<Article, 'tags' | 'authors'>): FeedRef[] {
  return [
    { kind: 'all' },
    ...article.tags.map((t): FeedRef => ({ kind: 'tag', slug: t.slug, name: t.name })),
    ...article.authors.map((a): FeedRef => ({ kind: 'author', slug: a.slug, name: a.name })),
  ];
}
