import { createHash } from 'node:crypto';
import type { Article } from '../articles/article.ts';
import { SizedLru } from '../collections/sized-lru.ts';
import type { ItemView } from './item-view.ts';

/**
 * What RenderedItems keeps at most, in bytes of written items (UTF-8, outside V8's heap).
 * Enough for every item a new story's publish shows again in a site of 61 feeds (50 tags, 10
 * authors, the site): each feed's 50 newest and its newest archive page, in three formats, which
 * came to ~98 M characters at 20,000 stories (the scaling benchmark's site, measured when items
 * were kept as text; mostly one byte a character, so about as many bytes). At 32 M they no
 * longer fitted and every publish wrote most of them again: 9% slower (508 against 461 ms a new
 * story, interleaved, 2026-12-05). Publish has 1,769 MB.
 */
const DEFAULT_MAX_BYTES = 100_000_000;

/**
 * A piece of a feed document as a format writes it: text, or an item's bytes kept by
 * RenderedItems. The document is its pieces' UTF-8, in order (documentBytes); pieces are cut
 * where the markup is ASCII, so no character is split.
 */
export type DocumentPiece = string | Uint8Array;

const UTF8 = new TextEncoder();

/**
 * The document that `pieces` make, as UTF-8: the kept items' bytes copied, never encoded again.
 * In an ArrayBuffer of its own (a small Buffer.from or Buffer.concat is a view of a shared 8 KB
 * slab: kept, or sent to another thread, it would take the slab along), so a worker thread can
 * hand it over without a copy.
 */
export function documentBytes(pieces: readonly DocumentPiece[]): Buffer {
  const parts = pieces.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece));
  let size = 0;
  for (const part of parts) size += part.length;
  const document = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const part of parts) {
    document.set(part, at);
    at += part.length;
  }
  return document;
}

/**
 * Items already written, each as the bytes it takes in its format's document, by the digest of
 * everything it is written from (its view, and the feed settings the format puts in an item).
 * Each item of a feed is written alone (writeItems), so a feed or archive page rendered again
 * for one new story writes that story and finds the other 49 here, in any feed and at any
 * position: the document is the same bytes as when every item is written afresh.
 *
 * One per publish container, kept between invocations (as the ArticleCache is), bounded by size,
 * least recently used first. Nothing in it goes stale: a changed story is a different view, so a
 * different digest.
 */
export class RenderedItems {
  private readonly written: SizedLru<Uint8Array>;
  /**
   * Each article's view, built once per article object: a stored article is never changed in
   * place (a new revision is a new object), and the ArticleCache hands the same one to every
   * render that shows it. Dropped with the article.
   */
  private readonly views = new WeakMap<Article, { settings: string; view: ItemView }>();
  /** Digests of views: every format, and every render that shows the same view, asks. */
  private readonly digests = new WeakMap<ItemView, string>();

  constructor(maxBytes = DEFAULT_MAX_BYTES) {
    this.written = new SizedLru(maxBytes);
  }

  /**
   * The item as `write` writes it in `format`, under `settings` (what else of the feed the
   * format puts in the item), as UTF-8; written and encoded only when no render wrote it before.
   */
  item(format: string, settings: string, view: ItemView, write: () => string): Uint8Array {
    const key = `${format}\n${settings}\n${this.digestOf(view)}`;
    const known = this.written.get(key);
    if (known !== undefined) return known;
    // In an ArrayBuffer of its own: a small Buffer.from is a view of a shared 8 KB slab, which
    // a kept item would hold on to whole.
    const bytes = UTF8.encode(write());
    this.written.set(key, bytes, bytes.length);
    return bytes;
  }

  /** The view `build` makes of `article` under `settings` (what else of the site it uses). */
  view(article: Article, settings: string, build: () => ItemView): ItemView {
    const known = this.views.get(article);
    if (known?.settings === settings) return known.view;
    const view = build();
    this.views.set(article, { settings, view });
    return view;
  }

  /** Items kept, and their size in bytes. */
  get size(): { items: number; bytes: number } {
    return { items: this.written.count, bytes: this.written.size };
  }

  private digestOf(view: ItemView): string {
    let digest = this.digests.get(view);
    if (digest === undefined) {
      // Every field of a view is data (strings, numbers, dates as ISO strings), so its JSON is
      // all it is written from. The content, most of its bytes, is hashed as it is after the
      // JSON of the rest, which has no line break of its own: no two views give the same text.
      const { contentHtml, ...rest } = view;
      digest = createHash('sha256')
        .update(JSON.stringify(rest))
        .update('\n')
        .update(contentHtml)
        .digest('hex');
      this.digests.set(view, digest);
    }
    return digest;
  }
}
