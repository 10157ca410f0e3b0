import { type Article, type FeedRef, feedKey, feedsOf } from '../../shared/articles/article.ts';
import { entrySortKey } from '../../shared/articles/stored.ts';
import type { SiteConfig } from '../../shared/config/site.ts';
import {
  articlePath,
  FEED_FORMATS,
  feedPath,
  INDEX_PATH,
  NOT_FOUND_PATH,
  OPML_PATH,
  TAGS_PAGE_PATH,
} from '../../shared/contract/site-layout.ts';
import { writeShard } from '../../shared/contract/table.ts';
import { itemId } from '../../shared/feeds/item-id.ts';
import { compareSequencers } from '../../shared/ingest/object-event.ts';
import type { TableState } from './reliability-state.ts';

/**
 * Invariants of a settled pipeline, as lists of problems (empty = fine): nothing
 * half-written in the table, and a site bucket that is exactly what the table says.
 */

export function tableProblems(state: TableState): string[] {
  const problems: string[] = [];
  const entry = (feed: string, sk: string) => state.entries.get(feed)?.get(sk)?.id;
  for (const [feed, entries] of state.entries) {
    for (const [sk, { id, rev, shard }] of entries) {
      const article = state.articles.get(id);
      if (shard !== writeShard(id))
        problems.push(`entry ${feed}|${sk} sits in shard ${shard}, ${id}'s is ${writeShard(id)}`);
      if (!article) problems.push(`entry ${feed}|${sk} has no article ${id}`);
      else if (article.status !== 'live') problems.push(`entry ${feed}|${sk}: ${id} is not live`);
      else if (!feedsOf(article).some((f) => feedKey(f) === feed))
        problems.push(`entry ${feed}|${sk}: ${id} is not in that feed`);
      else if (entrySortKey(article) !== sk) problems.push(`entry ${feed}|${sk} is out of date`);
      else if (article.rev !== rev)
        problems.push(`entry ${feed}|${sk} names rev ${rev}, the article is at ${article.rev}`);
    }
  }
  for (const [id, article] of state.articles) {
    if (article.status === 'live') {
      for (const feed of feedsOf(article).map(feedKey)) {
        if (entry(feed, entrySortKey(article)) !== id)
          problems.push(`article ${id} lacks its entry in ${feed}`);
      }
    }
    if (article.status === 'scheduled' && state.schedule.get(entrySortKey(article))?.id !== id)
      problems.push(`scheduled article ${id} is not in the schedule`);
    const source = state.sources.get(article.sourceKey);
    if (article.status === 'deleted') {
      // A tombstone's entries and schedule item are flagged from their side (not live, not
      // scheduled); here: its file is gone or holds another id now, and its content went.
      if (!source) problems.push(`tombstone ${id} has no source ${article.sourceKey}`);
      else if (!source.deleted && source.id === id)
        problems.push(`tombstone ${id} is what its source ${article.sourceKey} holds`);
      problems.push(...tombstoneLeftovers(id, article));
    } else if (!source || source.deleted || source.id !== id)
      problems.push(`article ${id} is not what its source ${article.sourceKey} holds`);
  }
  for (const [sk, { id, shard }] of state.schedule) {
    if (state.articles.get(id)?.status !== 'scheduled') problems.push(`schedule ${sk}: ${id}`);
    if (shard !== writeShard(id))
      problems.push(`schedule ${sk} sits in shard ${shard}, ${id}'s is ${writeShard(id)}`);
  }
  for (const [feed, meta] of state.metas) {
    const count = state.entries.get(feed)?.size ?? 0;
    // Publish removes a meta with its feed's last entry: none stays at 0.
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
  problems.push(
    ...state.duplicates.map((item) => `item ${item} repeats a sort key of another shard`),
  );
  problems.push(...state.other.map((item) => `unknown item ${item}`));
  return problems;
}

/** What a tombstone must not keep of the article it was (shared/articles/stored.ts `tombstoneOf`). */
function tombstoneLeftovers(id: string, article: Article): string[] {
  const kept = [
    article.summary !== '' && 'summary',
    article.contentHtml !== '' && 'content',
    article.tags.length > 0 && 'tags',
    article.authors.length > 0 && 'authors',
    article.image !== undefined && 'image',
    article.link !== undefined && 'link',
  ].filter((field): field is string => typeof field === 'string');
  return kept.length > 0 ? [`tombstone ${id} keeps ${kept.join(', ')}`] : [];
}

/** The feeds the site must publish: the site-wide one always, others while they have entries. */
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

/** Item ids a feed must list, newest first, from the article items alone. */
export function expectedItemIds(state: TableState, feed: string, limit: number): string[] {
  return [...state.articles.values()]
    .filter((a) => a.status === 'live' && feedsOf(a).some((f) => feedKey(f) === feed))
    .sort((a, b) => (entrySortKey(a) < entrySortKey(b) ? 1 : -1))
    .slice(0, limit)
    .map((a) => itemId(a.guid, a.id));
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

export function expectedSiteKeys(state: TableState): string[] {
  const keys = [INDEX_PATH, NOT_FOUND_PATH, OPML_PATH, TAGS_PAGE_PATH];
  for (const feed of liveFeeds(state)) keys.push(...FEED_FORMATS.map((f) => feedPath(feed, f)));
  for (const article of state.articles.values())
    if (article.status === 'live') keys.push(articlePath(article.id));
  return keys.sort();
}

/** The site bucket holds exactly the files the table calls for, each feed listing its newest items. */
export function siteProblems(
  files: ReadonlyMap<string, string>,
  state: TableState,
  site: SiteConfig,
): string[] {
  const problems: string[] = [];
  const expected = expectedSiteKeys(state);
  const actual = [...files.keys()];
  for (const key of expected) if (!files.has(key)) problems.push(`missing ${key}`);
  for (const key of actual) if (!expected.includes(key)) problems.push(`unexpected ${key}`);
  for (const feed of liveFeeds(state)) {
    const want = expectedItemIds(state, feedKey(feed), site.itemLimit);
    const listed = listedItemIds(files, feed);
    for (const format of FEED_FORMATS) {
      if (JSON.stringify(listed[format]) !== JSON.stringify(want))
        problems.push(
          `${feedPath(feed, format)} lists ${listed[format].length}, want ${want.length} (or another order)`,
        );
    }
  }
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
