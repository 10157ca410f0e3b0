import { feedKey } from '../articles/article.ts';
import type { StoredArticle } from '../articles/stored.ts';
import { byBytes } from '../contract/sort-key-order.ts';
import {
  type ArticleStore,
  type MediaRecord,
  type SourceRecord,
  StaleWriteError,
  WriteTooLargeError,
} from '../ports/article-store.ts';
import type {
  ArticleChange,
  DatedEntry,
  EntryRef,
  FeedHead,
  FeedMeta,
  FeedReader,
  HeadedEntry,
  Headline,
  KeyedEntry,
  SitemapDay,
  WalkStart,
} from '../ports/feed-reader.ts';
import {
  type Acquired,
  type Claim,
  isUnneeded,
  type LastRender,
  type Lease,
  type Reads,
  type RenderLedger,
  type SiteRendering,
  type Unneeded,
} from '../ports/render-ledger.ts';
import {
  copy,
  type StoredEntry,
  type TableChange,
  type TableSnapshot,
  TableState,
} from './memory-table-state.ts';
import { dynamoItemBytes, TableValidationError } from './table-limits.ts';

export type { TableChange, TableSnapshot } from './memory-table-state.ts';

/** An entry as the port's reads give it (a copy: callers' changes stay out). */
const refOf = ({ id, rev }: EntryRef): EntryRef => ({ id, rev });

/** The calls a subclass may step in before (MemoryArticleTable.before). */
export type TableCall =
  | {
      kind: 'read';
      read:
        | 'getSource'
        | 'getSources'
        | 'getArticle'
        | 'findByBody'
        | 'getArticleAndBody'
        | 'getMedia'
        | 'dueScheduled'
        | keyof FeedReader;
    }
  | { kind: 'commit'; change: TableChange }
  | {
      kind: 'ledger';
      call:
        | 'claim'
        | 'lastRender'
        | 'acquire'
        | 'release'
        | 'saveArchiveLink'
        | 'siteRendering'
        | 'takeRepublish'
        | 'advanceRepublish'
        | 'pauseRepublish'
        | 'finishRepublish';
    };

/** DynamoDB's limits, as the adapter meets them (shared/stores/article-transaction.ts). */
const MAX_TRANSACTION_ITEMS = 100;
const BATCH_GET_LIMIT = 100;
const MAX_ITEM_BYTES = 400 * 1024;

interface LedgerUnit extends LastRender {
  claims: number;
  holder?: string;
  leaseUntil?: number;
}

/** A copy of what a render read, as a stored item's is: the caller's changes stay out. */
const readsOf = ({ archive, files, ...read }: Reads): Reads => ({
  ...read,
  ...(archive === undefined ? {} : { archive: { ...archive, starts: [...archive.starts] } }),
  ...(files === undefined ? {} : { files: { ...files } }),
});

const lastRenderOf = ({ rendered, read }: LastRender): LastRender =>
  read === undefined ? { rendered } : { rendered, read: readsOf(read) };

const leaseOf = (unit: LedgerUnit): Lease =>
  unit.read === undefined
    ? { covers: unit.claims }
    : { covers: unit.claims, read: readsOf(unit.read) };

function checkLimit(limit: number): void {
  if (!(limit >= 1)) throw new TableValidationError('Limit must be greater than or equal to 1');
}

function articleItem(stored: StoredArticle): Record<string, unknown> {
  return { pk: `ART#${stored.article.id}`, sk: 'A', ...stored.article, rev: stored.rev };
}

/**
 * The single table in memory, as DynamoArticleTable and DynamoRenderLedger read and write it:
 * ArticleStore for ingest and release, FeedReader and RenderLedger for publish. Same
 * conditions (StaleWriteError), same limits (WriteTooLargeError past 100 items; a
 * ValidationException-named error for what DynamoDB refuses), same orders; the contract suite
 * (tests/contract) holds it and the DynamoDB adapters to the same promises. It also keeps the
 * table's stream of article changes (`takeChanges`). `feedpub build` runs on it: a one-shot
 * build needs no emulator and no round trip per item.
 */
export class MemoryArticleTable implements ArticleStore, FeedReader, RenderLedger {
  private readonly state = new TableState();
  /**
   * Runs before each call is checked or answered; nothing here. The test double extends this
   * to play a concurrent writer or inject a failure (tests/support/fakes/article-store.ts).
   */
  protected async before(_call: TableCall): Promise<void> {}

  async getSource(key: string): Promise<SourceRecord | undefined> {
    await this.before({ kind: 'read', read: 'getSource' });
    return copy(this.state.sources.get(key));
  }

  async getSources(keys: readonly string[]): Promise<Map<string, SourceRecord>> {
    await this.before({ kind: 'read', read: 'getSources' });
    const found = new Map<string, SourceRecord>();
    for (const key of keys) {
      const record = this.state.sources.get(key);
      if (record) found.set(key, copy(record));
    }
    return found;
  }

  async getArticle(id: string): Promise<StoredArticle | undefined> {
    await this.before({ kind: 'read', read: 'getArticle' });
    return copy(this.state.articles.get(id));
  }

  async findByBody(hash: string): Promise<string | undefined> {
    await this.before({ kind: 'read', read: 'findByBody' });
    return this.state.bodies.get(hash);
  }

  async getArticleAndBody(
    id: string,
    bodyHash: string,
  ): Promise<{ article?: StoredArticle; byBody?: string }> {
    await this.before({ kind: 'read', read: 'getArticleAndBody' });
    const article = copy(this.state.articles.get(id));
    const byBody = this.state.bodies.get(bodyHash);
    return { ...(article ? { article } : {}), ...(byBody !== undefined ? { byBody } : {}) };
  }

  async getMedia(key: string): Promise<MediaRecord | undefined> {
    await this.before({ kind: 'read', read: 'getMedia' });
    return copy(this.state.media.get(key));
  }

  async commit(change: TableChange): Promise<void> {
    await this.before({ kind: 'commit', change });
    const operations = this.state.operations(change);
    if (operations.length > MAX_TRANSACTION_ITEMS) {
      throw new WriteTooLargeError(
        `one article change needs ${operations.length} table writes; the limit is ${MAX_TRANSACTION_ITEMS}`,
      );
    }
    // What DynamoDB refuses outright, before it checks any condition.
    if (operations.length === 0)
      throw new TableValidationError('a transaction needs at least one item');
    const items = operations.map((op) => op.item);
    if (new Set(items).size !== items.length)
      throw new TableValidationError(
        'Transaction request cannot include multiple operations on one item',
      );
    for (const write of change.articles) {
      if (dynamoItemBytes(articleItem(write.put)) > MAX_ITEM_BYTES)
        throw new TableValidationError('Item size has exceeded the maximum allowed size');
    }
    if (!operations.every((op) => op.holds?.() ?? true))
      throw new StaleWriteError('the article changed while it was being written');
    for (const op of operations) op.apply();
  }

  async dueScheduled(nowIso: string, limit: number): Promise<string[]> {
    await this.before({ kind: 'read', read: 'dueScheduled' });
    checkLimit(limit);
    const due = `${nowIso}#\uffff`;
    const { schedule } = this.state;
    return [...schedule.keys()]
      .filter((sortKey) => byBytes(sortKey, due) <= 0)
      .sort(byBytes)
      .slice(0, limit)
      .map((sortKey) => schedule.get(sortKey) as string);
  }

  async getFeedMeta(feed: string): Promise<FeedMeta | undefined> {
    await this.before({ kind: 'read', read: 'getFeedMeta' });
    return this.state.feedMeta(feed);
  }

  async listFeedMetas(): Promise<FeedMeta[]> {
    await this.before({ kind: 'read', read: 'listFeedMetas' });
    return [...this.state.metas.keys()]
      .sort(byBytes)
      .flatMap((key) => this.state.feedMeta(key) ?? []);
  }

  async latestEntries(feed: string, limit: number): Promise<EntryRef[]> {
    await this.before({ kind: 'read', read: 'latestEntries' });
    checkLimit(limit);
    return this.newestFirst(feed)
      .slice(0, limit)
      .map(([, entry]) => refOf(entry));
  }

  /** One list's entries as they are now, newest first (sort key, entry). */
  private newestFirst(feed: string): [string, StoredEntry][] {
    const entries = this.state.entries.get(feed) ?? new Map<string, StoredEntry>();
    return [...entries.entries()].sort(([a], [b]) => byBytes(b, a));
  }

  async feedPage(feed: string, limit: number) {
    const entries = await this.latestEntries(feed, limit);
    return { entries, total: this.state.entries.get(feed)?.size ?? 0 };
  }

  async feedHead(feed: string, limit: number): Promise<FeedHead> {
    await this.before({ kind: 'read', read: 'feedHead' });
    checkLimit(limit);
    // The whole feed as it is now (a commit replaces entries, never changes one): the walk
    // goes on from the same read, as DynamoDB's does.
    const read = this.newestFirst(feed);
    const keyed = ([sortKey, entry]: [string, EntryRef]) => ({ ...refOf(entry), sortKey });
    return {
      entries: read.slice(0, limit).map(keyed),
      total: async () => read.length,
      walk: async function* () {
        for (const entry of read) yield keyed(entry);
      },
    };
  }

  async withdrawnEntries(feed: string, sinceIso: string, limit: number): Promise<EntryRef[]> {
    await this.before({ kind: 'read', read: 'withdrawnEntries' });
    return this.newestSince(feed, sinceIso, limit).map(([, entry]) => refOf(entry));
  }

  async entriesStartingWith(feed: string, prefix: string): Promise<DatedEntry[]> {
    await this.before({ kind: 'read', read: 'entriesStartingWith' });
    const entries = this.state.entries.get(feed) ?? new Map<string, StoredEntry>();
    return [...entries.keys()]
      .filter((sortKey) => sortKey.startsWith(prefix))
      .sort(byBytes)
      .map((sortKey) => {
        const { id, rev, updated } = entries.get(sortKey) as StoredEntry;
        return copy({ id, rev, updated });
      });
  }

  async entriesSince(feed: string, since: string, limit: number): Promise<HeadedEntry[]> {
    await this.before({ kind: 'read', read: 'entriesSince' });
    return this.newestSince(feed, since, limit).map(([sortKey, { id, rev, title, language }]) =>
      copy({ id, rev, sortKey, title, language }),
    );
  }

  /** The newest `limit` entries of one list with sort keys at or after `since`, newest first. */
  private newestSince(feed: string, since: string, limit: number): [string, StoredEntry][] {
    checkLimit(limit);
    return this.newestFirst(feed)
      .filter(([sortKey]) => byBytes(sortKey, since) >= 0)
      .slice(0, limit);
  }

  async *walkEntries(feed: string, { order, bound }: WalkStart): AsyncIterable<KeyedEntry> {
    await this.before({ kind: 'read', read: 'walkEntries' });
    const entries = this.state.entries.get(feed) ?? new Map<string, StoredEntry>();
    const sign = order === 'oldest first' ? 1 : -1;
    const inRange = (sortKey: string) => {
      if (!bound) return true;
      const side = sign * byBytes(sortKey, bound.key);
      return side > 0 || (bound.inclusive && side === 0);
    };
    const sortKeys = [...entries.keys()].filter(inRange).sort((a, b) => sign * byBytes(a, b));
    for (const sortKey of sortKeys) {
      const entry = entries.get(sortKey);
      if (entry) yield { ...refOf(entry), sortKey };
    }
  }

  async archiveLink(feed: string): Promise<string | undefined> {
    await this.before({ kind: 'read', read: 'archiveLink' });
    return this.state.archiveLinks.get(feed);
  }

  async listSitemapDays(): Promise<SitemapDay[]> {
    await this.before({ kind: 'read', read: 'listSitemapDays' });
    return [...this.state.sitemapDays.keys()].sort(byBytes).map((day) => {
      const { count, lastmod } = this.state.sitemapDays.get(day) as {
        count: number;
        lastmod: string;
      };
      return { day, count, lastmod };
    });
  }

  async getHeadlines(ids: string[]): Promise<Headline[]> {
    await this.before({ kind: 'read', read: 'getHeadlines' });
    this.checkBatches(ids);
    return ids.flatMap((id) => {
      const stored = this.state.articles.get(id);
      if (!stored) return [];
      const { title, published, updated, language, status } = stored.article;
      return [{ id, title, published, updated, ...(language ? { language } : {}), status }];
    });
  }

  /** What DynamoDB refuses of a BatchGet: an id twice in one request of 100. */
  private checkBatches(ids: string[]): void {
    for (let i = 0; i < ids.length; i += BATCH_GET_LIMIT) {
      const chunk = ids.slice(i, i + BATCH_GET_LIMIT);
      if (new Set(chunk).size !== chunk.length)
        throw new TableValidationError('Provided list of item keys contains duplicates');
    }
  }

  async getArticles(ids: string[]): Promise<StoredArticle[]> {
    await this.before({ kind: 'read', read: 'getArticles' });
    this.checkBatches(ids);
    return ids.flatMap((id) => copy(this.state.articles.get(id)) ?? []);
  }

  // RenderLedger: publish's bookkeeping, in the same table as DynamoRenderLedger keeps it.

  private readonly units = new Map<string, LedgerUnit>();
  /** The ledger's clock (epoch ms); a test moves it to expire a lease. */
  now = () => Date.now();

  private unit(name: string) {
    const unit: LedgerUnit = this.units.get(name) ?? { claims: 0, rendered: 0 };
    this.units.set(name, unit);
    return unit;
  }

  async claim(name: string, holder: string, leaseMs: number, unneeded?: Unneeded): Promise<Claim> {
    await this.before({ kind: 'ledger', call: 'claim' });
    const unit = this.unit(name);
    const last = lastRenderOf(unit);
    if (isUnneeded(last, unneeded)) {
      this.giveBack(unit, holder);
      return { ticket: last.rendered, ...last };
    }
    unit.claims += 1;
    const claim = { ticket: unit.claims, ...last };
    if (!this.leaseFree(unit, holder)) return claim;
    this.lease(unit, holder, leaseMs);
    return { ...claim, lease: leaseOf(unit) };
  }

  /** Frees the lease if `holder` holds it. */
  private giveBack(unit: LedgerUnit, holder: string) {
    if (unit.holder !== holder) return;
    unit.holder = undefined;
    unit.leaseUntil = undefined;
  }

  private leaseFree(unit: { holder?: string; leaseUntil?: number }, holder: string): boolean {
    return (
      unit.holder === undefined || unit.holder === holder || (unit.leaseUntil ?? 0) < this.now()
    );
  }

  private lease(unit: { holder?: string; leaseUntil?: number }, holder: string, ms: number) {
    unit.holder = holder;
    unit.leaseUntil = this.now() + ms;
  }

  async lastRender(name: string): Promise<LastRender> {
    await this.before({ kind: 'ledger', call: 'lastRender' });
    return lastRenderOf(this.units.get(name) ?? { rendered: 0 });
  }

  async acquire(
    name: string,
    holder: string,
    leaseMs: number,
    unneeded?: Unneeded,
  ): Promise<Acquired> {
    await this.before({ kind: 'ledger', call: 'acquire' });
    const unit = this.unit(name);
    const last = lastRenderOf(unit);
    if (isUnneeded(last, unneeded)) {
      this.giveBack(unit, holder);
      return { last };
    }
    if (!this.leaseFree(unit, holder)) return { last };
    this.lease(unit, holder, leaseMs);
    return { lease: leaseOf(unit), last };
  }

  async release(name: string, holder: string, covers: number, read: Reads): Promise<boolean> {
    await this.before({ kind: 'ledger', call: 'release' });
    const unit = this.unit(name);
    if (unit.holder !== holder) return false;
    unit.rendered = covers;
    unit.read = readsOf(read);
    unit.holder = undefined;
    unit.leaseUntil = undefined;
    return true;
  }

  async abandon(name: string, holder: string): Promise<void> {
    this.giveBack(this.unit(name), holder);
  }

  async saveFeedMeta({ feed, count, announcing }: FeedMeta, ticket: number): Promise<void> {
    const key = feedKey(feed);
    const stored = this.state.metas.get(key);
    if (stored && stored.ticket !== undefined && stored.ticket >= ticket) return;
    if (count <= 0 && !announcing) this.state.metas.delete(key);
    else
      this.state.metas.set(key, {
        name: feed.kind === 'all' ? '' : feed.name,
        count,
        ...(announcing ? { announcing } : {}),
        ticket,
      });
  }

  async saveArchiveLink(feed: string, newest: string): Promise<void> {
    await this.before({ kind: 'ledger', call: 'saveArchiveLink' });
    this.state.archiveLinks.set(feed, newest);
  }

  async saveSitemapDay({ day, count, lastmod }: SitemapDay, ticket: number): Promise<void> {
    const stored = this.state.sitemapDays.get(day);
    if (stored && stored.ticket >= ticket) return;
    if (count <= 0) this.state.sitemapDays.delete(day);
    else
      this.state.sitemapDays.set(day, {
        count,
        // Never back (RenderLedger.saveSitemapDay); ISO strings of one form compare as times.
        lastmod: stored && stored.lastmod > lastmod ? stored.lastmod : lastmod,
        ticket,
      });
  }

  /** RenderLedger's site rendering item (keys.siteRendering), as DynamoRenderLedger keeps it. */
  private site: {
    fingerprint?: string;
    job?: { fingerprint: string; cursor?: string };
    holder?: string;
    leaseUntil?: number;
  } = {};

  async siteRendering(): Promise<SiteRendering> {
    await this.before({ kind: 'ledger', call: 'siteRendering' });
    const { fingerprint, job } = this.site;
    return copy({ ...(fingerprint ? { fingerprint } : {}), ...(job ? { job } : {}) });
  }

  async takeRepublish(fingerprint: string, holder: string, leaseMs: number, restart = false) {
    await this.before({ kind: 'ledger', call: 'takeRepublish' });
    const site = this.site;
    if (site.holder !== undefined && site.holder !== holder && (site.leaseUntil ?? 0) >= this.now())
      return undefined;
    const cursor = !restart && site.job?.fingerprint === fingerprint ? site.job.cursor : undefined;
    site.job = { fingerprint, ...(cursor === undefined ? {} : { cursor }) };
    site.holder = holder;
    site.leaseUntil = this.now() + leaseMs;
    return cursor === undefined ? {} : { cursor };
  }

  async advanceRepublish(holder: string, cursor: string, leaseMs: number): Promise<boolean> {
    await this.before({ kind: 'ledger', call: 'advanceRepublish' });
    const site = this.site;
    if (site.holder !== holder || !site.job) return false;
    site.job.cursor = cursor;
    site.leaseUntil = this.now() + leaseMs;
    return true;
  }

  async pauseRepublish(holder: string): Promise<void> {
    await this.before({ kind: 'ledger', call: 'pauseRepublish' });
    if (this.site.holder !== holder) return;
    this.site.holder = undefined;
    this.site.leaseUntil = undefined;
  }

  async finishRepublish(holder: string, fingerprint: string): Promise<boolean> {
    await this.before({ kind: 'ledger', call: 'finishRepublish' });
    if (this.site.holder !== holder || this.site.job?.fingerprint !== fingerprint) return false;
    this.site = { fingerprint };
    return true;
  }

  /** The stream records of article items written since the last call, oldest first. */
  takeChanges(): ArticleChange[] {
    return this.state.stream.splice(0);
  }

  snapshot(): TableSnapshot {
    return this.state.snapshot();
  }
}
