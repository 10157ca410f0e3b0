import * as z from 'zod/mini';
import type { Article, FeedRef } from '../articles/article.ts';
import type { StoredArticle } from '../articles/stored.ts';
import '../articles/zod-messages.ts';
import { keys } from '../contract/table.ts';
import type { SourceRecord } from '../ports/article-store.ts';
import type { FeedMeta, Headline } from '../ports/feed-reader.ts';
import { InvalidItemError } from './errors.ts';

type Item = Record<string, unknown>;

export function articleToItem(stored: StoredArticle): Item {
  return { ...keys.article(stored.article.id), ...stored.article, rev: stored.rev };
}

const label = z.object({ slug: z.string(), name: z.string() });
const optionalString = () => z.optional(z.string());
const authors = z.array(z.extend(label, { email: optionalString(), url: optionalString() }));

/** An article item as the table holds it: checked on every read, the stream's images included. */
const articleItem = z.object({
  id: z.string(),
  guid: z.string(),
  sourceKey: z.string(),
  title: z.string(),
  summary: z.string(),
  contentHtml: z.string(),
  tags: z.array(label),
  authors,
  published: z.string(),
  updated: z.string(),
  image: optionalString(),
  imageText: z.optional(
    z.object({ alt: optionalString(), caption: optionalString(), credit: optionalString() }),
  ),
  link: optionalString(),
  language: optionalString(),
  status: z.enum(['live', 'draft', 'scheduled', 'withdrawn', 'deleted', 'moved', 'held']),
  contentHash: z.string(),
  withdrawn: z.optional(
    z.object({
      at: z.string(),
      note: optionalString(),
      shown: z.optional(z.object({ title: z.string(), tags: z.array(label), authors })),
    }),
  ),
  corrections: z.optional(z.array(z.object({ date: z.string(), text: z.string() }))),
  expires: optionalString(),
  bodyHash: optionalString(),
  movedTo: optionalString(),
  heldFor: optionalString(),
  claimants: z.optional(z.array(z.string())),
  redirectsFrom: z.optional(z.array(z.string())),
  formerly: z.optional(
    z.array(
      z.object({
        guid: z.string(),
        title: z.string(),
        tags: z.array(label),
        authors,
        withdrawn: z.object({ at: z.string(), note: optionalString() }),
      }),
    ),
  ),
  feedContent: z.optional(z.enum(['full', 'summary'])),
  media: z.optional(
    z.array(
      z.object({
        key: z.string(),
        url: z.string(),
        type: optionalString(),
        size: z.optional(z.number()),
      }),
    ),
  ),
  rev: z.number(),
});

/** The article fields a headline holds: what listings and sitemaps need. */
export const HEADLINE_FIELDS = [
  'id',
  'title',
  'published',
  'updated',
  'language',
  'status',
] as const;

const headlineItem = z.pick(articleItem, {
  id: true,
  title: true,
  published: true,
  updated: true,
  language: true,
  status: true,
});

/** Throws InvalidItemError when the item is not a headline of an article. */
export function itemToHeadline(item: Item): Headline {
  const parsed = headlineItem.safeParse(item);
  if (!parsed.success)
    throw new InvalidItemError(
      `article item ${String(item.id)}: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}`,
    );
  return parsed.data;
}

/** Throws InvalidItemError when the item is not an article this code can render. */
export function itemToArticle(item: Item): StoredArticle {
  const parsed = articleItem.safeParse(item);
  if (!parsed.success)
    throw new InvalidItemError(
      `article item ${String(item.pk)}: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}`,
    );
  const { rev, ...article } = parsed.data;
  return { article: article satisfies Article, rev };
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
  return { feed, count: Number(item.count ?? 0), ...(item.announcing ? { announcing: true } : {}) };
}
