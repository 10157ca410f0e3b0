import { isDeepStrictEqual } from 'node:util';
import type { Article, FeedRef } from '../articles/article.ts';
import {
  type ArticleWrite,
  bodyIndexOf,
  entryListKey,
  type StoredArticle,
} from '../articles/stored.ts';
import type {
  ArticleStore,
  MediaRecord,
  MediaWrite,
  SourceRecord,
} from '../ports/article-store.ts';
import type { ArticleChange, DatedEntry, FeedMeta, HeadedEntry } from '../ports/feed-reader.ts';

export type TableChange = Parameters<ArticleStore['commit']>[0];

/**
 * A feed entry item's attributes, its key aside: the article's revision and last change, and on
 * the site feed's live entries its headline.
 */
export type StoredEntry = DatedEntry & Omit<HeadedEntry, 'sortKey'>;

/** One item of a transaction: the item it touches, its condition, its effect. */
export interface Operation {
  item: string;
  holds?: () => boolean;
  apply: () => void;
}

/** What the table holds; a deep copy, for "this wrote nothing" assertions. */
export interface TableSnapshot {
  sources: Record<string, SourceRecord>;
  articles: Record<string, StoredArticle>;
  entries: Record<string, Record<string, StoredEntry>>;
  metas: Record<string, MetaItem>;
  schedule: Record<string, string>;
  bodies: Record<string, string>;
}

interface MetaItem {
  name: string;
  count: number;
  announcing?: true;
  /** The ticket of the render that wrote it (RenderLedger.saveFeedMeta). */
  ticket: number;
}

/** The adapter's marshalling drops undefined values; a copy also keeps callers' objects out. */
export const copy = <T>(value: T): T =>
  value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);

/**
 * The items of the table (README "Table") and its stream of article changes, and how one
 * change turns into transaction items, as shared/stores/article-transaction.ts writes them.
 */
export class TableState {
  readonly sources = new Map<string, SourceRecord>();
  /** Inbox key → media record (keys.media). */
  readonly media = new Map<string, MediaRecord>();
  readonly articles = new Map<string, StoredArticle>();
  /** Feed key → sort key → entry. */
  readonly entries = new Map<string, Map<string, StoredEntry>>();
  readonly metas = new Map<string, MetaItem>();
  /** Sort key → article id. */
  readonly schedule = new Map<string, string>();
  /** Upload sha256 → article id (keys.body). */
  readonly bodies = new Map<string, string>();
  /** Day → its sitemap's index item (keys.sitemapDay). */
  readonly sitemapDays = new Map<string, { count: number; lastmod: string; ticket: number }>();
  /** RenderLedger.saveArchiveLink, by feed. */
  readonly archiveLinks = new Map<string, string>();
  readonly stream: ArticleChange[] = [];
  private streamSequence = 0;

  /** The transaction items of a change, in the adapter's order. */
  operations(change: TableChange): Operation[] {
    const ops: Operation[] = [];
    if (change.source) ops.push(this.sourceOperation(change.source));
    for (const write of change.articles) ops.push(...this.articleOperations(write));
    for (const write of change.media ?? []) ops.push(this.mediaOperation(write));
    return ops;
  }

  /** A tag or author feed's meta, read as the adapter reads it: kind and slug from the key. */
  feedMeta(key: string): FeedMeta | undefined {
    const meta = this.metas.get(key);
    if (!meta) return undefined;
    const slash = key.indexOf('/');
    const kind = slash < 0 ? 'all' : key.slice(0, slash);
    const feed: FeedRef =
      kind === 'all'
        ? { kind: 'all' }
        : { kind: kind as 'tag' | 'author', slug: key.slice(slash + 1), name: meta.name };
    return { feed, count: meta.count, ...(meta.announcing ? { announcing: true as const } : {}) };
  }

  snapshot(): TableSnapshot {
    const feeds = [...this.entries].filter(([, entries]) => entries.size > 0);
    return copy({
      sources: Object.fromEntries(this.sources),
      articles: Object.fromEntries(this.articles),
      entries: Object.fromEntries(feeds.map(([feed, map]) => [feed, Object.fromEntries(map)])),
      metas: Object.fromEntries(this.metas),
      schedule: Object.fromEntries(this.schedule),
      bodies: Object.fromEntries(this.bodies),
    });
  }

  private sourceOperation({ record, previousRevision }: NonNullable<TableChange['source']>) {
    return {
      item: `SRC#${record.key}`,
      holds: () => this.sources.get(record.key)?.revision === previousRevision,
      apply: () => this.sources.set(record.key, copy(record)),
    };
  }

  private mediaOperation({ record, previousRevision }: MediaWrite): Operation {
    return {
      item: `MEDIA#${record.key}`,
      holds: () => this.media.get(record.key)?.revision === previousRevision,
      apply: () => this.media.set(record.key, copy(record)),
    };
  }

  private articleOperations(write: ArticleWrite): Operation[] {
    const { put } = write;
    const id = put.article.id;
    const ops: Operation[] = [
      {
        item: `ART#${id}`,
        holds: () => this.articles.get(id)?.rev === write.expectedRev,
        apply: () => this.setArticle(id, put),
      },
    ];
    for (const e of write.entries.delete) {
      const feed = entryListKey(e.feed, e.list);
      const apply = () => this.entries.get(feed)?.delete(e.sortKey);
      ops.push({ item: `FEED#${feed}|${e.sortKey}`, apply });
    }
    for (const e of write.entries.put) {
      const feed = entryListKey(e.feed, e.list);
      const apply = () => {
        const entries = this.entries.get(feed) ?? new Map<string, StoredEntry>();
        const { id, rev, updated, title, language } = e;
        entries.set(e.sortKey, copy({ id, rev, updated, title, language }));
        this.entries.set(feed, entries);
      };
      ops.push({ item: `FEED#${feed}|${e.sortKey}`, apply });
    }
    const body = bodyIndexOf(write);
    const { unseenBytes } = write;
    const unseen = () => unseenBytes === undefined || !this.bodies.has(unseenBytes);
    if (body)
      ops.push({
        item: `BODY#${body.hash}`,
        ...(unseenBytes === body.hash ? { holds: unseen } : {}),
        apply: () => this.bodies.set(body.hash, body.id),
      });
    if (unseenBytes !== undefined && unseenBytes !== body?.hash)
      ops.push({ item: `BODY#${unseenBytes}`, holds: unseen, apply: () => {} });
    const { put: scheduled, delete: unscheduled } = write.schedule;
    if (unscheduled) {
      const apply = () => this.schedule.delete(unscheduled.sortKey);
      ops.push({ item: `SCHED|${unscheduled.sortKey}`, apply });
    }
    if (scheduled) {
      const apply = () => this.schedule.set(scheduled.sortKey, scheduled.id);
      ops.push({ item: `SCHED|${scheduled.sortKey}`, apply });
    }
    return ops;
  }

  /** Writes or removes an article item and records it on the stream, as DynamoDB would. */
  private setArticle(id: string, stored: StoredArticle | undefined): void {
    const before = this.articles.get(id);
    const after = stored ? copy(stored) : undefined;
    if (after) this.articles.set(id, after);
    else this.articles.delete(id);
    // DynamoDB writes no stream record for a write that changes nothing.
    if (isDeepStrictEqual(before, after)) return;
    this.streamSequence += 1;
    this.stream.push({
      recordId: String(this.streamSequence).padStart(21, '0'),
      before: imageOf(before),
      after: imageOf(after),
    });
  }
}

/**
 * An image on the stream: the stored article itself, not a copy (an item is replaced, never
 * changed in place, and reads hand out copies), so a build of 50,000 articles does not hold
 * each one twice.
 */
function imageOf(stored: StoredArticle | undefined): Article | undefined {
  return stored?.article;
}
