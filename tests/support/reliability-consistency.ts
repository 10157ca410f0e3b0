import {
  type Article,
  type FeedRef,
  feedKey,
  feedsOf,
  isWithdrawnPublic,
} from '../../shared/articles/article.ts';
import { nextTransitionAt } from '../../shared/articles/lifecycle.ts';
import { entrySortKey } from '../../shared/articles/stored.ts';
import { DEFAULT_WITHDRAWN_DAYS, type SiteConfig } from '../../shared/config/site.ts';
import {
  articlePath,
  FEED_FORMATS,
  feedPath,
  INDEX_PATH,
  NOT_FOUND_PATH,
  OPML_PATH,
  TAGS_PAGE_PATH,
} from '../../shared/contract/site-layout.ts';
import { entryShard, writeShard } from '../../shared/contract/table.ts';
import { renderMovedPage, renderWithdrawnPage } from '../../shared/feeds/article-page.ts';
import { itemId } from '../../shared/feeds/item-id.ts';
import { articlePageUrl } from '../../shared/feeds/urls.ts';
import { compareSequencers } from '../../shared/ingest/object-event.ts';
import { decodeEntities } from './reliability-safety.ts';
import type { BucketFiles, TableState } from './reliability-state.ts';

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
      if (!article) problems.push(`${where} has no article ${id}`);
      else if (!isWithdrawnPublic(article))
        problems.push(`${where}: ${id} (${article.status}) is not a withdrawn public story`);
      else if (!inFeed(article, feed)) problems.push(`${where}: ${id} is not in that feed`);
      else if (goneSortKey(article) !== sk) problems.push(`${where} is out of date`);
      else if (article.rev !== rev)
        problems.push(`${where} names rev ${rev}, the article is at ${article.rev}`);
    }
  }
  for (const [id, article] of state.articles) {
    if (article.status === 'live') {
      for (const feed of feedsOf(article).map(feedKey)) {
        if (entry(feed, entrySortKey(article)) !== id)
          problems.push(`article ${id} lacks its entry in ${feed}`);
      }
    }
    if (isWithdrawnPublic(article)) {
      for (const feed of feedsOf(article).map(feedKey)) {
        if (goneEntry(feed, goneSortKey(article)) !== id)
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
      if (article.status === 'moved' && !(article.movedTo && state.articles.has(article.movedTo)))
        problems.push(`moved ${id} names ${article.movedTo ?? 'nothing'}, which has no article`);
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
    // Publish removes a meta with its feed's last (live) entry: none stays at 0, whatever the
    // feed's gone list holds.
    if (count === 0) problems.push(`meta ${feed} (count ${meta.count}) outlives its last entry`);
    else if (meta.count !== count) problems.push(`meta ${feed} counts ${meta.count}, has ${count}`);
  }
  for (const feed of state.entries.keys()) {
    if (feed !== 'all' && !state.metas.has(feed))
      problems.push(`feed ${feed} has entries but no meta`);
  }
  if (state.metas.has('all')) problems.push('the site feed has a meta item');
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
 * `movedTombstoneOf`): content and links always; its labels unless it is a story readers saw
 * (its `withdrawn` set: its feeds announce the withdrawal); a moved one keeps no labels nor a
 * withdrawal (its story lives on).
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
    article.corrections !== undefined && 'corrections',
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
): StoredItem[] {
  const days = site.withdrawnDays ?? DEFAULT_WITHDRAWN_DAYS;
  if (days === 0) return [];
  const since = new Date(now - days * DAY_MS).toISOString();
  return [...(state.gone.get(feed) ?? new Map())]
    .filter(([sk]) => sk >= since)
    .sort(([a], [b]) => (a < b ? 1 : -1))
    .slice(0, site.itemLimit)
    .map(([, { id }]) => state.articles.get(id))
    .filter((article): article is StoredItem => isWithdrawnPublic(article));
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

/** Item ids a feed must list, newest first, from the article items alone. */
export function expectedItemIds(state: TableState, feed: string, limit: number): string[] {
  return [...state.articles.values()]
    .filter((a) => a.status === 'live' && inFeed(a, feed))
    .sort((a, b) => (entrySortKey(a) < entrySortKey(b) ? 1 : -1))
    .slice(0, limit)
    .map((a) => itemId(a.guid, a.id));
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

/** The item ids a rendered feed lists, in order, per format. */
export function listedItemIds(files: ReadonlyMap<string, string>, feed: FeedRef) {
  const rss = files.get(feedPath(feed, 'rss')) ?? '';
  const atom = files.get(feedPath(feed, 'atom')) ?? '';
  const json = files.get(feedPath(feed, 'json')) ?? '{"items":[]}';
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
  for (const feed of publishedFeeds(state, site, now))
    keys.push(...FEED_FORMATS.map((f) => feedPath(feed, f)));
  for (const article of state.articles.values())
    if (hasPage(article)) keys.push(articlePath(article.id));
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
    return answers({ status: '410' }, renderWithdrawnPage(article, site), 'the withdrawal notice');
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
  for (const key of actual) if (!expected.includes(key)) problems.push(`unexpected ${key}`);
  for (const feed of publishedFeeds(state, site, now)) {
    const want = expectedItemIds(state, feedKey(feed), site.itemLimit);
    const listed = listedItemIds(files, feed);
    for (const format of FEED_FORMATS) {
      if (JSON.stringify(listed[format]) !== JSON.stringify(want))
        problems.push(
          `${feedPath(feed, format)} lists ${listed[format].length}, want ${want.length} (or another order)`,
        );
    }
    const wantGone = expectedDeletedRefs(state, feedKey(feed), site, now);
    const deleted = listedDeletedRefs(files, feed);
    if (JSON.stringify(deleted) !== JSON.stringify(wantGone))
      problems.push(
        `${feedPath(feed, 'atom')} announces ${deleted.length} withdrawals, want ${wantGone.length} (or another order)`,
      );
  }
  for (const article of state.articles.values())
    if (hasPage(article)) problems.push(...pageProblems(files, article, site));
  return problems;
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
