import type { ArticleWrite, StoredArticle } from '../articles/stored.ts';
import type { IngestReport } from '../contract/inbox.ts';

/** What the table remembers per inbox key: ordering, identity, and the last report. */
export interface SourceRecord {
  key: string;
  /** The newest event seen for the key: its report is the one in the bucket. */
  sequencer: string;
  /**
   * The newest event that decided the article (a good upload or a delete). A rejection moves
   * only `sequencer`, so an older good upload delivered after it still counts, as it would
   * have in order.
   */
  appliedSequencer?: string;
  /** Bumped by every write of the record: the optimistic lock between concurrent events. */
  revision: number;
  /** The article id this key produced last (kept after deletion as a tombstone). */
  id?: string;
  contentHash?: string;
  /** When the key was first seen: the date of an article whose file has none. */
  firstSeen: string;
  deleted: boolean;
  report: IngestReport;
}

/**
 * What the table knows of one media file of the inbox: where it is published, and which
 * articles refer to it (so a change to it publishes them again).
 */
export interface MediaRecord {
  /**
   * The file's name (mediaName: its inbox key composed), or the decomposed inbox key a record
   * written before names were composed keeps (findMedia).
   */
  key: string;
  /** Bumped by every write: the optimistic lock between the file's ingest and its articles'. */
  revision: number;
  /** Ids of the articles that referred to it; only ever added to (a stale id costs a read). */
  usedBy: string[];
  /** The published version; absent while there is none (not uploaded yet, or deleted). */
  published?: { path: string; type: string; size: number };
  /**
   * Paths of versions it replaced, oldest first, still published: a podcast app or a reader
   * that fetched a feed before the replacement downloads the file it named later (at most
   * MAX_FORMER_MEDIA_VERSIONS; every one goes when the file is deleted).
   */
  former?: string[];
  /**
   * Paths of versions to take down (replaced beyond the bound, or the file deleted), kept after
   * they go so an event delivered again finishes a removal its first delivery did not.
   */
  retiring?: string[];
}

/** A media record to write, if it is still at `previousRevision` (undefined: absent). */
export interface MediaWrite {
  record: MediaRecord;
  previousRevision?: number;
}

/** The table as ingest and release see it. */
export interface ArticleStore {
  getSource(key: string): Promise<SourceRecord | undefined>;
  /**
   * getSource for many keys in one read (strongly consistent, as getSource): the records found,
   * by key. Keys never seen are absent; a key asked twice is read once.
   */
  getSources(keys: readonly string[]): Promise<Map<string, SourceRecord>>;
  getArticle(id: string): Promise<StoredArticle | undefined>;
  /**
   * The article an upload with these bytes (sha256) made last, if any: every committed write
   * of a story with `bodyHash` records it (see bodyIndexOf). The article may have changed since:
   * the caller compares its `bodyHash`.
   */
  findByBody(hash: string): Promise<string | undefined>;
  /**
   * getArticle(id) and findByBody(bodyHash) in one read: what a key's first upload asks (its
   * id may be taken; its bytes may be a move or a copy).
   */
  getArticleAndBody(
    id: string,
    bodyHash: string,
  ): Promise<{ article?: StoredArticle; byBody?: string }>;
  getMedia(key: string): Promise<MediaRecord | undefined>;
  /**
   * Writes the source record and the article writes in one transaction. Throws
   * StaleWriteError when the source record is no longer at `previousRevision` or an article's
   * revision is no longer its `expectedRev` on that article's put or delete, or a media
   * record is no longer at its `previousRevision` (the caller re-reads and plans again), and
   * WriteTooLargeError when the change does not fit in one transaction. A write the table
   * throttles (its capacity, not a conflict) is tried again, backing off, until `retryUntil`
   * (epoch ms; by default a few seconds from now), then fails with the table's error.
   */
  commit(
    change: {
      source?: { record: SourceRecord; previousRevision?: number };
      articles: ArticleWrite[];
      media?: MediaWrite[];
    },
    options?: CommitOptions,
  ): Promise<void>;
  /** Scheduled articles due at or before `nowIso`, oldest first. */
  dueScheduled(nowIso: string, limit: number): Promise<string[]>;
}

export interface CommitOptions {
  /** Until when (epoch ms) a throttled write is tried again: an invocation's timeout, less a margin. */
  retryUntil?: number;
}

/** The table moved on since it was read: re-read and plan again. */
export class StaleWriteError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StaleWriteError';
  }
}

/** A write the store cannot express (too many items for one transaction). */
export class WriteTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WriteTooLargeError';
  }
}
