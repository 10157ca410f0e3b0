import type { Article } from '../articles/article.ts';
import { SizedLru } from '../collections/sized-lru.ts';

/**
 * The articles publish has read, by `id@rev`, kept across the batches one container handles (a
 * Lambda execution environment keeps its module state between invocations). Every write of an
 * article item gives it a new revision (planArticleWrite, conditional on the one before), so
 * an `id@rev` always names the same bytes: a feed showing an article read by an earlier batch
 * needs no read of it. A feed's newest 50 and a tag's are mostly what the batch before read, so
 * a warm publisher reads the new and changed articles only.
 *
 * Bounded by the bytes of the articles it holds (least recently used go first), and by age: an
 * entry older than `maxAgeMs` is read again, so even a table restored to an earlier state (whose
 * revisions then repeat) is rendered right within minutes. Values are promises: units rendering
 * at once share one read; whoever made a read that fails deletes its entries.
 */
export class ArticleCache {
  private readonly entries: SizedLru<Entry>;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: { maxBytes?: number; maxAgeMs?: number; now?: () => number } = {}) {
    this.entries = new SizedLru(options.maxBytes ?? DEFAULT_MAX_BYTES);
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.now = options.now ?? Date.now;
  }

  has(key: string): boolean {
    return this.fresh(key) !== undefined;
  }

  get(key: string): Promise<Article | undefined> | undefined {
    if (!this.fresh(key)) return undefined;
    return this.entries.get(key)?.value;
  }

  set(key: string, value: Promise<Article | undefined>): this {
    const entry: Entry = { value, at: this.now() };
    // Counted once read, if still held (nothing while its read is in flight).
    this.entries.set(key, entry);
    value.then(
      (article) => this.entries.resize(key, entry, article ? bytesOf(article) : ENTRY_OVERHEAD),
      () => {},
    );
    return this;
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  /** Articles held (and reads in flight). */
  get size(): number {
    return this.entries.count;
  }

  /** The bytes of the articles held, as counted against `maxBytes`. */
  get heldBytes(): number {
    return this.entries.size;
  }

  /** The entry, unless it is older than `maxAgeMs` (then it goes). */
  private fresh(key: string): Entry | undefined {
    const entry = this.entries.peek(key);
    if (entry && this.now() - entry.at > this.maxAgeMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}

interface Entry {
  value: Promise<Article | undefined>;
  at: number;
}

/** 64 MiB: about 6,000 articles of 11 KB, in a publish function of 1,769 MB (PUBLISH_EVENTS). */
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
