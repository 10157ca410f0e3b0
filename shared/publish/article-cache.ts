import type { Article } from '../articles/article.ts';

/**
 * The articles publish has read, by `id@rev`, kept across the batches one container handles (a
 * Lambda execution environment keeps its module state between invocations). Every write of an
 * article item gives it a new revision (planArticleWrite, conditional on the one before), so
 * an `id@rev` always names the same bytes: a feed showing an article read by an earlier batch
 * needs no read of it. A feed's newest 50, a tag's, and the archive page a new story pushes an
 * old one into are mostly what the batch before read, so a warm publisher reads the new and
 * changed articles only.
 *
 * Bounded by the bytes of the articles it holds (least recently used go first), and by age: an
 * entry older than `maxAgeMs` is read again, so even a table restored to an earlier state (whose
 * revisions then repeat) is rendered right within minutes. Values are promises: units rendering
 * at once share one read; whoever made a read that fails deletes its entries.
 */
export class ArticleCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly maxBytes: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: { maxBytes?: number; maxAgeMs?: number; now?: () => number } = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.now = options.now ?? Date.now;
  }

  has(key: string): boolean {
    return this.fresh(key) !== undefined;
  }

  get(key: string): Promise<Article | undefined> | undefined {
    const entry = this.fresh(key);
    if (!entry) return undefined;
    // Most recently used last: eviction takes from the front.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: Promise<Article | undefined>): this {
    this.delete(key);
    const entry: Entry = { value, bytes: 0, at: this.now() };
    this.entries.set(key, entry);
    value.then(
      (article) => {
        // Counted once read, if still held.
        if (this.entries.get(key) !== entry) return;
        entry.bytes = article ? bytesOf(article) : ENTRY_OVERHEAD;
        this.bytes += entry.bytes;
        this.evict();
      },
      () => {},
    );
    return this;
  }

  delete(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.bytes -= entry.bytes;
    return this.entries.delete(key);
  }

  /** Articles held (and reads in flight). */
  get size(): number {
    return this.entries.size;
  }

  /** The bytes of the articles held, as counted against `maxBytes`. */
  get heldBytes(): number {
    return this.bytes;
  }

  private fresh(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.at > this.maxAgeMs) {
      this.delete(key);
      return undefined;
    }
    return entry;
  }

  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) return;
      this.delete(key);
    }
  }
}

interface Entry {
  value: Promise<Article | undefined>;
  /** 0 while its read is in flight. */
  bytes: number;
  at: number;
}

/** 64 MiB: about 6,000 articles of 11 KB, in a publish function of 1,024 MB. */
const DEFAULT_MAX_BYTES = 64 * 2 ** 20;
const DEFAULT_MAX_AGE_MS = 10 * 60_000;
/** What an article costs besides its long strings: the object, its other fields, the key. */
const ENTRY_OVERHEAD = 1024;

/** An estimate of an article's memory: its long strings (a byte a character) and the rest. */
function bytesOf(article: Article): number {
  return (
    ENTRY_OVERHEAD + article.contentHtml.length + article.summary.length + article.title.length
  );
}
