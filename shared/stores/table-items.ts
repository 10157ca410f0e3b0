import type { Article, FeedRef } from '../articles/article.ts';
import type { StoredArticle } from '../articles/stored.ts';
import type { SourceRecord } from '../ingest/ports.ts';
import type { FeedMeta } from '../publish/ports.ts';
import { ARTICLE_PK_PREFIX } from './table-definition.ts';

/**
 * Key layout of the single table (see README "Table"). Feed metas share one partition so
 * that every feed can be listed with one Query (OPML, tags page).
 */
export const keys = {
  source: (key: string) => ({ pk: `SRC#${key}`, sk: 'S' }),
  article: (id: string) => ({ pk: `${ARTICLE_PK_PREFIX}${id}`, sk: 'A' }),
  feedEntry: (feed: string, sortKey: string) => ({ pk: `FEED#${feed}`, sk: sortKey }),
  feedMeta: (feed: string) => ({ pk: 'FEEDMETA', sk: feed }),
  schedule: (sortKey: string) => ({ pk: 'SCHED', sk: sortKey }),
};

type Item = Record<string, unknown>;

export function articleToItem(stored: StoredArticle): Item {
  return { ...keys.article(stored.article.id), ...stored.article, rev: stored.rev };
}

export function itemToArticle(item: Item): StoredArticle {
  const { pk: _pk, sk: _sk, rev, ...article } = item;
  return { article: article as unknown as Article, rev: Number(rev) };
}

export function sourceToItem(record: SourceRecord): Item {
  return { ...keys.source(record.key), ...record };
}

export function itemToSource(item: Item): SourceRecord {
  const { pk: _pk, sk: _sk, ...record } = item;
  return record as unknown as SourceRecord;
}

export function itemToFeedMeta(item: Item): FeedMeta {
  const key = String(item.sk);
  const slash = key.indexOf('/');
  const kind = slash < 0 ? 'all' : key.slice(0, slash);
  const feed: FeedRef =
    kind === 'all'
      ? { kind: 'all' }
      : {
          kind: kind as 'tag' | 'author',
          slug: key.slice(slash + 1),
          name: String(item.name ?? ''),
        };
  return { feed, count: Number(item.count ?? 0) };
}
