import type { ParseResult } from '../articles/article.ts';
import { idTakenError } from '../articles/errors.ts';
import { idFromKey } from '../articles/object-key.ts';
import { usableCores } from '../concurrency/usable-cores.ts';
import type { SiteConfig } from '../config/site.ts';
import { ingestObjectEvent } from '../ingest/ingest-object.ts';
import type { ObjectEvent } from '../ingest/object-event.ts';
import type { IngestOutcome } from '../ingest/outcome.ts';
import { ParsePool } from '../parsing/parse-pool.ts';
import { type PublishResult, publishChanges, publishSite } from '../publish/publish-changes.ts';
import { MemoryInbox } from '../stores/memory-inbox.ts';
import { MemorySiteBucket } from '../stores/memory-site-bucket.ts';
import { type MediaSource, MemorySiteMedia } from '../stores/memory-site-media.ts';
import { MemoryArticleTable } from '../stores/memory-table.ts';
import { RenderPool } from './render-pool.ts';

/**
 * `feedpub build`'s runtime: the use cases the Lambdas run (ingestObjectEvent, publishChanges),
 * on the in-memory adapters (shared/stores/memory-*.ts, held to the AWS adapters' contract
 * suite), in this process. A one-shot build has nothing to serve and nobody else writing, so
 * it needs no emulator, no queue and no stream poller: every file is ingested as its upload
 * would be (an S3 event each, parsed in worker threads with the Lambda's budget), then every
 * change is published in one batch, so each feed is rendered once, its renders spread over
 * worker threads (RenderPool). `feedpub dev` and the tests keep the Lambda-like runtime on
 * DynamoDB Local and s3rver (pipeline.ts).
 */

export interface OneShotOptions {
  site: SiteConfig;
  /** Decides `scheduled` versus `live`, and dates an undated upload (default: the clock). */
  now?: () => Date;
}

export class OneShotBuild {
  private readonly inbox = new MemoryInbox();
  private readonly table = new MemoryArticleTable();
  /** The built site; `exportSite` writes it to a folder. */
  readonly bucket = new MemorySiteBucket();
  /** The built site's media files. */
  readonly media = new MemorySiteMedia({
    inbox: this.inbox,
    sourceOf: (key) => this.mediaSources.get(key),
  });
  /** Media files ingested from their first bytes and ETag: where each is copied from. */
  private readonly mediaSources = new Map<string, MediaSource>();
  private readonly parsing = new ParsePool({ size: usableCores() });
  private readonly rendering = new RenderPool({ size: usableCores() });
  private readonly now: () => Date;
  private sequence = 0;
  /** Each id a file ingested here has: that file's key, and a held copy's original. */
  private readonly ids = new Map<string, { key: string; copyOf?: string }>();

  constructor(private readonly options: OneShotOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Ingests one file as its upload to the inbox would be: an S3 event, in upload order. Its
   * parse starts at once; what ingest decides from it waits for `after` (the ingests of the
   * files uploaded before it), so files parse side by side and are decided in upload order.
   */
  async ingest(
    key: string,
    body: Uint8Array,
    after: Promise<unknown> = Promise.resolve(),
    /** The file's size when `body` is only its first bytes (MemoryInbox.put). */
    size = body.length,
    /**
     * When it was uploaded (a file's modification time), no later than `now`: what dates a
     * story without a `date`, and a correction. Default: now.
     */
    uploadedAt?: Date,
    /**
     * A media file given by its first bytes (`body`), its size, its whole ETag, and where its
     * bytes are copied from if it is published: it is never held whole.
     */
    source?: { etag: string; copy: MediaSource },
  ): Promise<IngestOutcome> {
    const versionId = this.inbox.put(key, body, size, source?.etag);
    if (source) this.mediaSources.set(key, source.copy);
    this.sequence += 1;
    const event: ObjectEvent = {
      kind: 'created',
      bucket: 'inbox',
      key,
      versionId,
      sequencer: this.sequence.toString(16).toUpperCase().padStart(16, '0'),
      eventTime: earliest(uploadedAt, this.now()).toISOString(),
      size,
    };
    try {
      const outcome = await ingestObjectEvent(event, {
        store: this.table,
        inbox: this.inbox,
        media: this.media,
        parse: async (input) => {
          const parsing = this.parsing.parse(input);
          // Awaited below, once the files before this one are decided.
          parsing.catch(() => {});
          await after;
          return this.refuseTakenId(input.key, await parsing);
        },
        siteUrl: this.options.site.url,
        now: this.now,
      });
      const { report } = outcome.kind === 'applied' ? outcome : {};
      if (report?.id && report.status !== 'rejected' && !this.ids.has(report.id))
        this.ids.set(report.id, { key, copyOf: report.copyOf });
      return outcome;
    } finally {
      // Its outcome is returned, its article is in the table: the bytes are not needed again.
      this.inbox.forget(key);
    }
  }

  /**
   * Files uploaded together all stay in the inbox: of two that claim one id, the second is
   * refused it, as ingest refuses it. Ingest alone would take a copy with the same bytes that
   * names its own id as that story moved (`mv` deletes the first file next); here nothing does.
   */
  private refuseTakenId(key: string, parsed: ParseResult): ParseResult {
    const id = parsed.article.id ?? idFromKey(key);
    const holder = this.ids.get(id);
    if (holder !== undefined && holder.key !== key)
      throw idTakenError(id, holder.key, holder.copyOf);
    return parsed;
  }

  /**
   * Publishes every change ingested since the last call, as one batch; with none (every file
   * rejected, or drafts only), the site's feed and listings, so the site is never empty.
   */
  async publish(): Promise<PublishResult> {
    const deps = {
      feeds: this.table,
      ledger: this.table,
      bucket: this.bucket,
      config: this.options.site,
      renderer: this.rendering,
      // The build's time (SOURCE_DATE_EPOCH) for what publish dates by the clock too: the news
      // sitemap's two days, the withdrawals the feeds still announce.
      now: () => this.now().getTime(),
    };
    const changes = this.table.takeChanges();
    return changes.length > 0 ? publishChanges(changes, deps) : publishSite(deps);
  }

  async close(): Promise<void> {
    await Promise.all([this.parsing.close(), this.rendering.close()]);
  }
}

const earliest = (a: Date | undefined, b: Date) => (a && a.getTime() < b.getTime() ? a : b);
