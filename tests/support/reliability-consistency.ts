import {
  type Article,
  type FeedRef,
  feedKey,
  feedsOf,
  isWithdrawnPublic,
  lastShown,
  noticesOf,
  shownOf,
} from '../../shared/articles/article.ts';
import { nextTransitionAt } from '../../shared/articles/lifecycle.ts';
import { entrySortKey } from '../../shared/articles/stored.ts';
import { DEFAULT_WITHDRAWN_DAYS, type SiteConfig } from '../../shared/config/site.ts';
import {
  archivePath,
  articlePath,
  daySitemapPath,
  FEED_FORMATS,
  type FeedFormat,
  feedPath,
  INDEX_PATH,
  listingPagePath,
  NEWS_SITEMAP_PATH,
  NOT_FOUND_PATH,
  OPML_PATH,
  PAGES_SITEMAP_PATH,
  ROBOTS_PATH,
  SITEMAP_INDEX_PATH,
  siteUrlOf,
  TAGS_PAGE_PATH,
} from '../../shared/contract/site-layout.ts';
import { entryShard, writeShard } from '../../shared/contract/table.ts';
import { renderMovedPage, renderWithdrawnPage } from '../../shared/feeds/article-page.ts';
import { itemId } from '../../shared/feeds/item-id.ts';
import { MAX_NEWS_URLS, NEWS_SITEMAP_DAYS } from '../../shared/feeds/sitemaps.ts';
import { articlePageUrl, listingPageUrl, tagsPageUrl } from '../../shared/feeds/urls.ts';
import { compareSequencers } from '../../shared/ingest/object-event.ts';
import {
  archivePageName,
  FIRST_PAGE,
  Frontier,
  startsArchivePage,
  subscriptionLength,
} from '../../shared/publish/archive-pages.ts';
import { markerProblems, markersIn } from './reliability-embargo.ts';
import { decodeEntities } from './reliability-safety.ts';
import {
  type BucketFiles,
  isPageRedirect,
  pageRedirectProblems,
  type TableState,
} from './reliability-state.ts';

/**
 * Invariants of a settled pipeline, as lists of problems (empty = fine): nothing
 * half-written in the table, and a site bucket that is exactly what the table says.
 */

type StoredItem = Article & { rev: number };

/** A withdrawn public story's sort key in its feeds' `gone` lists (shared/articles/stored.ts). */
const goneSortKey = (article: Article) => `${article.withdrawn?.at}#${article.id}`;

const isTombstone = (article: Article) =>
  article.status === 'deleted' || article.status === 'moved';

const inFeed = (article: Article, feed: string) =>
  feedsOf(article).some((f) => feedKey(f) === feed);

export function tableProblems(state: TableState): string[] {
  const problems: string[] = [];
  const entry = (feed: string, sk: string) => state.entries.get(feed)?.get(sk)?.id;
  const goneEntry = (feed: string, sk: string) => state.gone.get(feed)?.get(sk)?.id;
  for (const [feed, entries] of state.entries) {
    for (const [sk, { id, rev, shard }] of entries) {
      const article = state.articles.get(id);
      const own = entryShard('live', id);
      if (shard !== own)
        problems.push(`entry ${feed}|${sk} sits in shard ${shard}, ${id}'s is ${own}`);
      if (!article) problems.push(`entry ${feed}|${sk} has no article ${id}`);
      else if (article.status !== 'live') problems.push(`entry ${feed}|${sk}: ${id} is not live`);
      else if (!inFeed(article, feed))
        problems.push(`entry ${feed}|${sk}: ${id} is not in that feed`);
      else if (entrySortKey(article) !== sk) problems.push(`entry ${feed}|${sk} is out of date`);
      else if (article.rev !== rev)
        problems.push(`entry ${feed}|${sk} names rev ${rev}, the article is at ${article.rev}`);
    }
  }
  // A feed's `gone` list: the stories readers saw in it that were withdrawn or deleted since.
  for (const [feed, entries] of state.gone) {
    for (const [sk, { id, rev, shard }] of entries) {
      const where = `gone entry ${feed}|${sk}`;
      const article = state.articles.get(id);
      const own = entryShard('gone', id);
      if (shard !== own) problems.push(`${where} sits in shard ${shard}, gone lists in ${own}`);
      // The withdrawal it announces: the article's own (as readers last saw it) or that of a
      // story deleted from its id before it took it (noticesOf).
      const notice = article && noticesOf(article).find((n) => goneSortKey(n) === sk);
      if (!article) problems.push(`${where} has no article ${id}`);
      else if (noticesOf(article).length === 0)
        problems.push(`${where}: ${id} (${article.status}) is not a withdrawn public story`);
      else if (!notice) problems.push(`${where} is out of date`);
      // In the feeds readers saw it in (Withdrawal.shown), whatever its file says now.
      else if (!inFeed(notice, feed)) problems.push(`${where}: ${id} is not in that feed`);
      else if (article.rev !== rev)
        problems.push(`${where} names rev ${rev}, the article is at ${article.rev}`);
    }
  }
  // The site's `moved` list: the public stories moved away (a republish renders their redirects).
  for (const [sk, { id, rev, shard }] of state.moved) {
    const where = `moved entry ${sk}`;
    const article = state.articles.get(id);
    if (shard !== entryShard('moved', id)) problems.push(`${where} sits in shard ${shard}`);
    if (!article?.movedTo) problems.push(`${where}: ${id} is not a moved public story`);
    else if (`${article.updated}#${id}` !== sk) problems.push(`${where} is out of date`);
    else if (article.rev !== rev)
      problems.push(`${where} names rev ${rev}, the article is at ${article.rev}`);
  }
  for (const [id, article] of state.articles) {
    if (
      article.status === 'moved' &&
      article.movedTo &&
      state.moved.get(`${article.updated}#${id}`)?.id !== id
    )
      problems.push(`moved article ${id} lacks its entry in the moved list`);
    if (article.status === 'live') {
      for (const feed of feedsOf(article).map(feedKey)) {
        if (entry(feed, entrySortKey(article)) !== id)
          problems.push(`article ${id} lacks its entry in ${feed}`);
      }
    }
    for (const notice of noticesOf(article)) {
      for (const feed of feedsOf(notice).map(feedKey)) {
        if (goneEntry(feed, goneSortKey(notice)) !== id)
          problems.push(`withdrawn article ${id} lacks its gone entry in ${feed}`);
      }
    }
    // A scheduled story waits for its date, a live one with `expires` for that (lifecycle.ts).
    const due = nextTransitionAt(article);
    if (due !== undefined && state.schedule.get(`${due}#${id}`)?.id !== id)
      problems.push(`${article.status} article ${id} is not in the schedule at ${due}`);
    const source = state.sources.get(article.sourceKey);
    if (isTombstone(article)) {
      // A tombstone's live entries and schedule item are flagged from their side (not live,
      // not due); here: its file is gone or holds another id now (a moved story's old key may
      // hold the copy's id, or be deleted), and its content went.
      if (!source) problems.push(`tombstone ${id} has no source ${article.sourceKey}`);
      else if (!source.deleted && source.id === id)
        problems.push(`tombstone ${id} is what its source ${article.sourceKey} holds`);
      problems.push(...tombstoneLeftovers(id, article));
      // A moved story names where it went if it was public (its page redirects there).
      if (article.movedTo !== undefined && !state.articles.has(article.movedTo))
        problems.push(`moved ${id} names ${article.movedTo}, which has no article`);
    } else if (!source || source.deleted || source.id !== id)
      // Withdrawn ones too: `status: withdrawn` is what their file says.
      problems.push(`article ${id} is not what its source ${article.sourceKey} holds`);
  }
  for (const [sk, { id, shard }] of state.schedule) {
    const article = state.articles.get(id);
    const due = article && nextTransitionAt(article);
    if (due === undefined || `${due}#${id}` !== sk)
      problems.push(`schedule ${sk}: ${id} (${article?.status ?? 'no article'}) is not due then`);
    if (shard !== writeShard(id))
      problems.push(`schedule ${sk} sits in shard ${shard}, ${id}'s is ${writeShard(id)}`);
  }
  for (const [feed, meta] of state.metas) {
    const count = state.entries.get(feed)?.size ?? 0;
    if (meta.announcing) {
      // A feed whose last story was withdrawn keeps its meta at count 0 while it announces that
      // (siteProblems checks the window); its next story makes it a counted meta again.
      if (count > 0 || meta.count !== 0)
        problems.push(`announcing meta ${feed} counts ${meta.count}, has ${count} entries`);
      else if ((state.gone.get(feed)?.size ?? 0) === 0)
        problems.push(`announcing meta ${feed} has no withdrawn story to announce`);
    }
    // Otherwise publish removes a meta with its feed's last (live) entry: none stays at 0.
    else if (count === 0)
      problems.push(`meta ${feed} (count ${meta.count}) outlives its last entry`);
    else if (meta.count !== count) problems.push(`meta ${feed} counts ${meta.count}, has ${count}`);
  }
  for (const feed of state.entries.keys()) {
    if (feed !== 'all' && !state.metas.has(feed))
      problems.push(`feed ${feed} has entries but no meta`);
  }
  if (state.metas.has('all')) problems.push('the site feed has a meta item');
  // The sitemap index's items (publish's daySitemapUnit keeps them): one per day that has live
  // stories, none for another day, each counting that day's live stories and dated (an ISO
  // time) no earlier than the newest `updated` among them: later when the newest-updated story
  // left the day (the date never goes back), never later than any story's in the table.
  const days = liveStoriesByDay(state);
  for (const [day, item] of state.sitemapDays) {
    const stories = days.get(day) ?? [];
    const where = `sitemap day ${day} (count ${item.count}, lastmod ${item.lastmod})`;
    if (stories.length === 0) problems.push(`${where} has no live story`);
    else if (item.count !== stories.length)
      problems.push(`${where} counts ${item.count}, the day has ${stories.length} live stories`);
    else if (!isIsoTime(item.lastmod)) problems.push(`${where}: its date is no ISO time`);
    else if (item.lastmod < newestUpdated(stories))
      problems.push(`${where}: its newest update is later, ${newestUpdated(stories)}`);
    else if (item.lastmod > latestUpdated(state))
      problems.push(`${where}: no story of the table was updated that late`);
    if (item.ticket === undefined) problems.push(`${where} has no ticket`);
  }
  for (const [day, stories] of days) {
    if (!state.sitemapDays.has(day))
      problems.push(`day ${day} has ${stories.length} live stories but no sitemap item`);
  }
  for (const [key, source] of state.sources) {
    if (source.deleted || !source.id) continue;
    if (state.articles.get(source.id)?.sourceKey !== key)
      problems.push(`source ${key} holds ${source.id}, which is not its article`);
  }
  // Each applied upload's bytes name the story they made; article items are never removed
  // (tombstones stay), so the story is there, whatever happened to it since.
  for (const [hash, id] of state.bodies) {
    if (!state.articles.has(id)) problems.push(`body ${hash} names ${id}, which has no article`);
  }
  problems.push(
    ...state.duplicates.map((item) => `item ${item} repeats a sort key of another shard`),
  );
  problems.push(...state.other.map((item) => `unknown item ${item}`));
  return problems;
}

/**
 * What a tombstone must not keep of the article it was (shared/articles/stored.ts `tombstoneOf`,
 * `movedTombstoneOf`): content and links always; its labels and correction log unless it is a
 * story readers saw (its `withdrawn` set: its feeds announce the withdrawal); a moved one keeps
 * no labels nor a withdrawal (its story lives on).
 */
function tombstoneLeftovers(id: string, article: Article): string[] {
  const announced = article.status === 'deleted' && article.withdrawn !== undefined;
  const kept = [
    article.summary !== '' && 'summary',
    article.contentHtml !== '' && 'content',
    !announced && article.tags.length > 0 && 'tags',
    !announced && article.authors.length > 0 && 'authors',
    article.status === 'moved' && article.withdrawn !== undefined && 'withdrawn',
    article.image !== undefined && 'image',
    article.link !== undefined && 'link',
    article.expires !== undefined && 'expires',
    // A public story's log stays with it (a move whose delete came first carries it on).
    !announced && article.corrections !== undefined && 'corrections',
  ].filter((field): field is string => typeof field === 'string');
  return kept.length > 0 ? [`tombstone ${id} keeps ${kept.join(', ')}`] : [];
}

/** The tag and author feeds with a meta: the feeds the site lists. */
export function liveFeeds(state: TableState): FeedRef[] {
  const feeds: FeedRef[] = [{ kind: 'all' }];
  for (const [key, meta] of state.metas) {
    // Publish deletes a meta at 0; tableProblems flags one that stays, so skipping it is harmless.
    if (key === 'all' || meta.count <= 0) continue;
    const slug = key.slice(key.indexOf('/') + 1);
    feeds.push({ kind: meta.kind as 'tag' | 'author', slug, name: meta.name ?? slug });
  }
  return feeds;
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` (UTC) of the day a story was published: the day sitemap that lists it. */
function dayOf(article: Article): string {
  const time = Date.parse(article.published);
  return Number.isNaN(time)
    ? article.published.slice(0, 10)
    : new Date(time).toISOString().slice(0, 10);
}

const byEntrySortKey = (a: Article, b: Article) => {
  const [x, y] = [entrySortKey(a), entrySortKey(b)];
  return x < y ? -1 : x > y ? 1 : 0;
};

/** The live stories of each day (UTC) they were published on, oldest first, the days in no order. */
export function liveStoriesByDay(state: TableState): Map<string, StoredItem[]> {
  const days = new Map<string, StoredItem[]>();
  for (const article of state.articles.values()) {
    if (article.status !== 'live') continue;
    const day = dayOf(article);
    days.set(day, [...(days.get(day) ?? []), article]);
  }
  for (const stories of days.values()) stories.sort(byEntrySortKey);
  return days;
}

/** An ISO time as toISOString writes it (every `updated` the table holds is one). */
const isIsoTime = (text: string) =>
  !Number.isNaN(Date.parse(text)) && new Date(text).toISOString() === text;

/** The latest `updated` any article of the table has, tombstones included. */
function latestUpdated(state: TableState): string {
  let latest = '';
  for (const { updated } of state.articles.values()) if (updated > latest) latest = updated;
  return latest;
}

/** The newest `updated` of these stories, as stored. */
function newestUpdated(stories: readonly Article[]): string {
  let newest = stories[0]?.updated ?? '';
  for (const { updated } of stories) if (Date.parse(updated) > Date.parse(newest)) newest = updated;
  return newest;
}

/**
 * The stories Google News' sitemap lists at `now`: the live ones published within its window
 * (NEWS_SITEMAP_DAYS before `now`), newest first, at most MAX_NEWS_URLS.
 */
export function newsStories(state: TableState, now: number): StoredItem[] {
  const since = now - NEWS_SITEMAP_DAYS * DAY_MS;
  return [...state.articles.values()]
    .filter((a) => a.status === 'live' && Date.parse(a.published) >= since)
    .sort((a, b) => byEntrySortKey(b, a))
    .slice(0, MAX_NEWS_URLS);
}

/**
 * What Google News' sitemap lists at `now`: newsStories, else the site's newest live story (by
 * its entry in the site feed), without its news metadata; nothing while no story is live.
 */
export function newsSitemapStories(
  state: TableState,
  now: number,
): { stories: StoredItem[]; standIn: boolean } {
  const news = newsStories(state, now);
  if (news.length > 0) return { stories: news, standIn: false };
  const newest = [...state.articles.values()]
    .filter((a) => a.status === 'live')
    .sort((a, b) => byEntrySortKey(b, a))
    .slice(0, 1);
  return { stories: newest, standIn: true };
}

/**
 * The withdrawn stories a feed announces (Atom `at:deleted-entry`) at `now`: its gone entries
 * withdrawn within the site's withdrawnDays, newest first, at most itemLimit (as
 * shared/publish/render-units.ts reads them).
 */
export function announcedWithdrawals(
  state: TableState,
  feed: string,
  site: SiteConfig,
  now: number,
): Article[] {
  const days = site.withdrawnDays ?? DEFAULT_WITHDRAWN_DAYS;
  if (days === 0) return [];
  const since = new Date(now - days * DAY_MS).toISOString();
  return [...(state.gone.get(feed) ?? new Map())]
    .filter(([sk]) => sk >= since)
    .sort(([a], [b]) => (a < b ? 1 : -1))
    .slice(0, site.itemLimit)
    .map(([sk, { id }]) => {
      // The notice the entry is of: its article's own, or a former story's of its id.
      const article = state.articles.get(id);
      return article && noticesOf(article).find((notice) => goneSortKey(notice) === sk);
    })
    .filter((notice): notice is Article => notice !== undefined);
}

/**
 * The feeds the site must publish: the site-wide one always, tag and author ones while they
 * have entries (liveFeeds), and, unlisted (no meta), those whose last story was withdrawn while
 * they still announce a withdrawal.
 */
export function publishedFeeds(state: TableState, site: SiteConfig, now: number): FeedRef[] {
  const feeds = liveFeeds(state);
  const listed = new Set(feeds.map(feedKey));
  for (const key of state.gone.keys()) {
    if (listed.has(key) || announcedWithdrawals(state, key, site, now).length === 0) continue;
    const slash = key.indexOf('/');
    const slug = key.slice(slash + 1);
    feeds.push({ kind: key.slice(0, slash) as 'tag' | 'author', slug, name: slug });
  }
  return feeds;
}

/**
 * Item ids a feed must list, newest first, from the article items alone: the newest `limit`, or
 * the open archive page whole (subscriptionLength).
 */
export function expectedItemIds(state: TableState, feed: string, limit: number): string[] {
  const live = [...state.articles.values()]
    .filter((a) => a.status === 'live' && inFeed(a, feed))
    .sort((a, b) => (entrySortKey(a) < entrySortKey(b) ? 1 : -1));
  const shown = subscriptionLength(
    live.map((a) => a.id),
    limit,
  );
  return live.slice(0, shown).map((a) => itemId(a.guid, a.id));
}

/**
 * A feed's archive pages (RFC 5005) from the article items alone, by the rule of
 * shared/publish/archive-pages.ts: every live story below the frontier (Frontier), in pages
 * that start at a story whose id starts one (or at the first story). Each page's item ids,
 * newest first.
 */
export function expectedArchivePages(
  state: TableState,
  feed: string,
  limit: number,
): { name: string; ids: string[] }[] {
  const live = [...state.articles.values()]
    .filter((a) => a.status === 'live' && inFeed(a, feed))
    .sort((a, b) => (entrySortKey(a) < entrySortKey(b) ? -1 : 1));
  const frontier = new Frontier<StoredItem & { sortKey: string }>(limit);
  const archived = [...live]
    .reverse()
    .flatMap((a) => frontier.take({ ...a, sortKey: entrySortKey(a) }))
    .reverse();
  const pages: { name: string; ids: string[] }[] = [];
  for (const article of archived) {
    const current = pages.at(-1);
    if (!current || startsArchivePage(article.id))
      pages.push({
        name: archivePageName(startsArchivePage(article.id) ? entrySortKey(article) : FIRST_PAGE),
        ids: [itemId(article.guid, article.id)],
      });
    else current.ids.push(itemId(article.guid, article.id));
  }
  for (const page of pages) page.ids.reverse();
  return pages;
}

/** The refs of the deleted entries a feed's Atom must carry, newest withdrawal first. */
export function expectedDeletedRefs(
  state: TableState,
  feed: string,
  site: SiteConfig,
  now: number,
): string[] {
  // A listed id is not also announced as deleted (shared/feeds/feed-view.ts).
  const seen = new Set(expectedItemIds(state, feed, site.itemLimit));
  return announcedWithdrawals(state, feed, site, now)
    .map((a) => itemId(a.guid, a.id))
    .filter((ref) => !seen.has(ref) && seen.add(ref));
}

/** The item ids a rendered feed (or one of its archive pages) lists, in order, per format. */
export function listedItemIds(
  files: ReadonlyMap<string, string>,
  feed: FeedRef,
  archivePage?: string,
) {
  const path = (format: FeedFormat) =>
    archivePage === undefined ? feedPath(feed, format) : archivePath(feed, archivePage, format);
  const rss = files.get(path('rss')) ?? '';
  const atom = files.get(path('atom')) ?? '';
  const json = files.get(path('json')) ?? '{"items":[]}';
  return {
    rss: [...rss.matchAll(/<guid isPermaLink="false">([^<]*)<\/guid>/g)].map((m) => m[1]),
    atom: [...atom.matchAll(/<entry>[\s\S]*?<id>([^<]*)<\/id>/g)].map((m) => m[1]),
    json: (JSON.parse(json).items as { id: string }[]).map((item) => item.id),
  };
}

/** The refs of a rendered Atom feed's RFC 6721 deleted entries, in order. */
export function listedDeletedRefs(files: ReadonlyMap<string, string>, feed: FeedRef): string[] {
  const atom = files.get(feedPath(feed, 'atom')) ?? '';
  return [...atom.matchAll(/<at:deleted-entry ref="([^"]*)"/g)].map((m) =>
    decodeEntities(m[1] ?? ''),
  );
}

/**
 * The pages the site must hold: a live story's, a withdrawn public one's (its notice), a moved
 * one's (its redirect). Other stories (drafts, scheduled, never public) have none.
 */
function hasPage(article: Article): boolean {
  return (
    article.status === 'live' ||
    isWithdrawnPublic(article) ||
    (article.status === 'moved' && article.movedTo !== undefined)
  );
}

export function expectedSiteKeys(
  state: TableState,
  site: SiteConfig,
  now: number = Date.now(),
): string[] {
  const keys = [INDEX_PATH, NOT_FOUND_PATH, OPML_PATH, TAGS_PAGE_PATH];
  // Discovery: the sitemap index, its sitemap of the site's pages, robots.txt always; a sitemap
  // per day that has live stories; the news sitemap while the site has a live story.
  keys.push(SITEMAP_INDEX_PATH, PAGES_SITEMAP_PATH, ROBOTS_PATH);
  for (const day of liveStoriesByDay(state).keys()) keys.push(daySitemapPath(day));
  if (newsSitemapStories(state, now).stories.length > 0) keys.push(NEWS_SITEMAP_PATH);
  // A tag's or author's page of its stories (no stories while it only announces withdrawals).
  for (const feed of publishedFeeds(state, site, now)) {
    keys.push(...FEED_FORMATS.map((f) => feedPath(feed, f)));
    if (feed.kind !== 'all') keys.push(listingPagePath(feed));
  }
  // Each feed's archive pages, in three formats and as a page.
  for (const feed of liveFeeds(state)) {
    for (const { name } of expectedArchivePages(state, feedKey(feed), site.itemLimit))
      keys.push(
        ...FEED_FORMATS.map((f) => archivePath(feed, name, f)),
        listingPagePath(feed, name),
      );
  }
  for (const article of state.articles.values())
    if (hasPage(article)) keys.push(articlePath(article.id));
  // Uploaded media, at their published (versioned) paths.
  for (const { published } of state.media.values()) if (published) keys.push(published);
  return keys.sort();
}

/** What is wrong with an article's page (present: expectedSiteKeys checks that). */
function pageProblems(files: BucketFiles, article: Article, site: SiteConfig): string[] {
  const path = articlePath(article.id);
  const body = files.get(path);
  if (body === undefined) return [];
  const answer = JSON.stringify(files.edge.get(path) ?? { status: '200' });
  const answers = (edge: object, page: string, what: string) => [
    ...(answer === JSON.stringify(edge)
      ? []
      : [`${path} answers ${answer}, want ${JSON.stringify(edge)}`]),
    ...(body === page ? [] : [`${path} is not ${what}`]),
  ];
  if (isWithdrawnPublic(article))
    return answers(
      { status: '410' },
      renderWithdrawnPage(shownOf(article), site),
      'the withdrawal notice',
    );
  if (article.status === 'moved' && article.movedTo) {
    const to = articlePageUrl(site.url, article.movedTo);
    return answers(
      { status: '301', location: to },
      renderMovedPage(article, to, site),
      'the redirect page',
    );
  }
  // A live story's page: answered 200 (a page once withdrawn and published again included).
  return files.edge.has(path) ? [`${path} of live ${article.id} answers ${answer}`] : [];
}

/**
 * The site bucket holds exactly the files the table calls for at `now` (which withdrawals the
 * feeds still announce): each feed listing its newest items and announcing its recent
 * withdrawals, each page the story, its withdrawal notice or its redirect.
 */
export function siteProblems(
  files: BucketFiles,
  state: TableState,
  site: SiteConfig,
  now: number = Date.now(),
): string[] {
  const problems: string[] = [];
  const expected = expectedSiteKeys(state, site, now);
  const actual = [...files.keys()];
  for (const key of expected) if (!files.has(key)) problems.push(`missing ${key}`);
  for (const key of actual)
    if (!expected.includes(key) && !isPageRedirect(files, key)) problems.push(`unexpected ${key}`);
  problems.push(...pageRedirectProblems(files, site.url));
  for (const feed of publishedFeeds(state, site, now)) {
    const want = expectedItemIds(state, feedKey(feed), site.itemLimit);
    const listed = listedItemIds(files, feed);
    for (const format of FEED_FORMATS) {
      if (JSON.stringify(listed[format]) !== JSON.stringify(want))
        problems.push(
          `${feedPath(feed, format)} lists ${listed[format].length}, want ${want.length} (or another order)`,
        );
    }
    for (const page of expectedArchivePages(state, feedKey(feed), site.itemLimit)) {
      const inPage = listedItemIds(files, feed, page.name);
      for (const format of FEED_FORMATS)
        if (JSON.stringify(inPage[format]) !== JSON.stringify(page.ids))
          problems.push(
            `${archivePath(feed, page.name, format)} lists ${inPage[format].length}, want ${page.ids.length} (or another order)`,
          );
    }
    const wantGone = expectedDeletedRefs(state, feedKey(feed), site, now);
    const deleted = listedDeletedRefs(files, feed);
    if (JSON.stringify(deleted) !== JSON.stringify(wantGone))
      problems.push(
        `${feedPath(feed, 'atom')} announces ${deleted.length} withdrawals, want ${wantGone.length} (or another order)`,
      );
  }
  // A feed published only for its withdrawals has an `announcing` meta, and only such a feed.
  const listed = new Set(liveFeeds(state).map(feedKey));
  const unlisted = publishedFeeds(state, site, now)
    .map(feedKey)
    .filter((key) => !listed.has(key));
  for (const key of unlisted)
    if (!state.metas.get(key)?.announcing)
      problems.push(`unlisted feed ${key} has no announcing meta`);
  for (const [key, meta] of state.metas)
    if (meta.announcing && !unlisted.includes(key))
      problems.push(
        `announcing meta ${key}: the feed announces no withdrawal at ${new Date(now).toISOString()}`,
      );
  for (const article of state.articles.values())
    if (hasPage(article)) problems.push(...pageProblems(files, article, site));
  problems.push(...discoveryProblems(files, state, site, now));
  problems.push(...unpublishedProblems(files, state, site, now));
  return problems;
}

/** One `<url>` or `<sitemap>` of a sitemap, as `<loc> <date>` (its lastmod or news date, ISO). */
function sitemapEntries(xml: string, element: 'url' | 'sitemap'): string[] {
  const pattern = new RegExp(`<${element}>([\\s\\S]*?)</${element}>`, 'g');
  return [...xml.matchAll(pattern)].map(([, inner = '']) => {
    const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(inner)?.[1];
    const date = field('lastmod') ?? field('news:publication_date');
    return entryLine(decodeEntities(field('loc') ?? '(no loc)'), date);
  });
}

const entryLine = (loc: string, date: string | undefined) => {
  const time = date === undefined ? Number.NaN : Date.parse(date);
  return `${loc} ${date === undefined ? '-' : Number.isNaN(time) ? date : new Date(time).toISOString()}`;
};

/** Where a rendered sitemap's entries differ from the wanted ones (a missing file is reported apart). */
function entryProblems(
  files: ReadonlyMap<string, string>,
  path: string,
  element: 'url' | 'sitemap',
  want: string[],
): string[] {
  const body = files.get(path);
  if (body === undefined) return [];
  const got = sitemapEntries(body, element);
  if (JSON.stringify(got) === JSON.stringify(want)) return [];
  let at = 0;
  while (at < want.length && got[at] === want[at]) at++;
  return [
    `${path} lists ${got.length}, want ${want.length}; at ${at}: want ${want[at] ?? 'nothing'}, got ${got[at] ?? 'nothing'}`,
  ];
}

/**
 * The discovery files against the table: the sitemap index names the pages' sitemap, then
 * each day that has live stories, newest first, dated as its index item (sitemapDays); each
 * day sitemap lists exactly that day's live stories' pages, oldest first, each with its
 * `updated`; the news sitemap exactly the live stories published within its window before
 * `now`, newest first, with their publication dates, else the newest live story alone, with
 * none; robots.txt names the sitemap index, and the news sitemap while it exists.
 *
 * `now` stands for the clock of the listings' last render: a story that left the news window
 * between that render and `now` would be reported (none does in these suites: their stories are
 * dated in 2026-03, far in the future, or at their upload).
 */
export function discoveryProblems(
  files: ReadonlyMap<string, string>,
  state: TableState,
  site: SiteConfig,
  now: number,
): string[] {
  const url = (path: string) => siteUrlOf(site.url, path);
  const page = (a: Article) => articlePageUrl(site.url, a.id);
  const days = [...liveStoriesByDay(state)].sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0));
  const { stories: news, standIn } = newsSitemapStories(state, now);
  const problems = [
    ...entryProblems(files, SITEMAP_INDEX_PATH, 'sitemap', [
      entryLine(url(PAGES_SITEMAP_PATH), undefined),
      // Each day dated as its index item is (checked against its stories above).
      ...days.map(([day, stories]) =>
        entryLine(
          url(daySitemapPath(day)),
          state.sitemapDays.get(day)?.lastmod ?? newestUpdated(stories),
        ),
      ),
    ]),
    ...entryProblems(files, PAGES_SITEMAP_PATH, 'url', [
      entryLine(site.url, undefined),
      // The tags page by the address the edge serves it at: its folder.
      entryLine(url('tags/'), undefined),
      // Each tag's and author's page of its stories.
      ...liveFeeds(state)
        .filter((feed) => feed.kind !== 'all')
        .map((feed) => listingPageUrl(site.url, feed))
        .sort()
        .map((loc) => entryLine(loc, undefined)),
    ]),
    ...days.flatMap(([day, stories]) =>
      entryProblems(
        files,
        daySitemapPath(day),
        'url',
        stories.map((a) => entryLine(page(a), a.updated)),
      ),
    ),
    ...entryProblems(
      files,
      NEWS_SITEMAP_PATH,
      'url',
      news.map((a) => entryLine(page(a), standIn ? undefined : a.published)),
    ),
  ];
  const robots = [
    'User-agent: *',
    'Allow: /',
    '',
    `Sitemap: ${url(SITEMAP_INDEX_PATH)}`,
    ...(news.length > 0 ? [`Sitemap: ${url(NEWS_SITEMAP_PATH)}`] : []),
    '',
  ].join('\n');
  const got = files.get(ROBOTS_PATH);
  if (got !== undefined && got !== robots)
    problems.push(`${ROBOTS_PATH} is ${JSON.stringify(got)}, want ${JSON.stringify(robots)}`);
  return problems;
}

/** Stories that were never public, or are not now, and must leave no trace in the site. */
const isUnpublished = (article: Article) =>
  article.status === 'scheduled' || article.status === 'draft';

/**
 * Before its date, nothing about a scheduled story is in any site object (nor about a draft):
 * no file holds a marker of its (reliability-embargo.ts: in its title, body, tags or authors),
 * its page's URL, or its guid; its page does not exist; no tag or author feed folder of its
 * exists that no published feed (liveFeeds, or one kept for withdrawals) accounts for, and no
 * file links one; no sitemap exists for its day, nor does the index name one, unless a live
 * story shares the day.
 */
export function unpublishedProblems(
  files: ReadonlyMap<string, string>,
  state: TableState,
  site: SiteConfig,
  now: number,
): string[] {
  const hidden = [...state.articles.values()].filter(isUnpublished);
  if (hidden.length === 0) return [];
  const markers = new Map<string, string>();
  const labelsOf = (face: Pick<Article, 'tags' | 'authors'>) =>
    [...face.tags, ...face.authors].flatMap((l) => [l.name, l.slug]);
  for (const a of hidden) {
    // A public story made a draft or scheduled again: its notice shows what readers saw.
    const shown = isWithdrawnPublic(a) ? lastShown(a) : undefined;
    const seen = new Set(shown ? markersIn([shown.title, ...labelsOf(shown)].join('\n')) : []);
    for (const marker of markersIn([a.title, a.summary, a.contentHtml, ...labelsOf(a)].join('\n')))
      if (!seen.has(marker)) markers.set(marker, `${a.status} ${a.id}`);
  }
  const problems = markerProblems(files, markers);
  const published = new Set(publishedFeeds(state, site, now).map(feedKey));
  const liveDays = liveStoriesByDay(state);
  const index = files.get(SITEMAP_INDEX_PATH) ?? '';
  for (const a of hidden) {
    const who = `${a.status} ${a.id}`;
    // Readers saw it before: its notice (a 410 page, deleted entries) names its page and guid,
    // in the feeds it was shown in.
    const left = isWithdrawnPublic(a);
    const shownFeeds = new Set(left ? feedsOf(lastShown(a)).map(feedKey) : []);
    // Its page's URL (not the bare path: another id may end with this one) and its guid.
    const traces = left ? [] : [articlePageUrl(site.url, a.id), a.guid];
    // Its tags and authors that no published feed accounts for: their feed folders, and the
    // links to them (absolute, as every file writes them) and to their place on the tags page
    // (with the attribute's closing quote: `#tag-tech` is not `#tag-technology`).
    const unpublishedFeeds = feedsOf(a).filter(
      (feed) =>
        feed.kind !== 'all' && !published.has(feedKey(feed)) && !shownFeeds.has(feedKey(feed)),
    );
    const folders = unpublishedFeeds.map((feed) => feedPath(feed, 'rss').replace(/rss\.xml$/, ''));
    traces.push(
      ...folders.map((folder) => url(folder)),
      ...unpublishedFeeds.map((feed) => `${tagsPageUrl(site.url, feed)}"`),
    );
    if (!left && files.has(articlePath(a.id)))
      problems.push(`${articlePath(a.id)} is the page of ${who}`);
    for (const [path, body] of files) {
      for (const trace of traces)
        if (body.includes(trace)) problems.push(`${path} names ${who}: ${trace}`);
      for (const folder of folders)
        if (path.startsWith(folder)) problems.push(`${path} is a feed of ${who}`);
    }
    const day = dayOf(a);
    if (!liveDays.has(day)) {
      const sitemap = daySitemapPath(day);
      if (files.has(sitemap)) problems.push(`${sitemap} exists for ${who}`);
      if (index.includes(sitemap))
        problems.push(`${SITEMAP_INDEX_PATH} names ${sitemap} of ${who}`);
    }
  }
  return problems;

  function url(path: string) {
    return siteUrlOf(site.url, path);
  }
}

/**
 * Every key the table knows has a report, about one of its events no newer than the table's.
 * (It should be about the newest one; a slow report write of an older event can still land
 * last, a known product race: see the suite's report.)
 */
export function reportProblems(reports: ReadonlyMap<string, string>, state: TableState): string[] {
  const problems: string[] = [];
  for (const [key, source] of state.sources) {
    const raw = reports.get(`reports/${key}.json`);
    if (!raw) {
      problems.push(`no report for ${key}`);
      continue;
    }
    const report = JSON.parse(raw) as { key: string; sequencer: string };
    if (report.key !== key) problems.push(`report for ${key} names ${report.key}`);
    if (compareSequencers(report.sequencer, source.sequencer) > 0)
      problems.push(
        `report for ${key} is about ${report.sequencer}, after the table's ${source.sequencer}`,
      );
  }
  return problems;
}
