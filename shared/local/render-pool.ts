import { isMainThread, parentPort, type Worker, workerData } from 'node:worker_threads';
import type { Article } from '../articles/article.ts';
import { startModuleWorker } from '../concurrency/module-worker.ts';
import type { SiteConfig } from '../config/site.ts';
import type { FeedFormat } from '../contract/site-layout.ts';
import { renderArticlePage } from '../feeds/article-page.ts';
import type { FeedInput } from '../feeds/feed-view.ts';
import { renderFeedBytes } from '../feeds/render-feed.ts';
import type { Renderer } from '../publish/renderer.ts';

/**
 * Publish's renders on worker threads, for `feedpub build`: one batch of thousands of changes
 * renders every page and feed once, and in one thread that is most of the build's time while
 * the other cores wait. Renders are pure (the same input gives the same bytes on any thread);
 * reading the table and writing the bucket stay on the publisher's thread.
 */

const WORKER_ROLE = 'feedpub-render-worker';

type Job =
  | { kind: 'feed'; input: FeedInput }
  | { kind: 'page'; article: Article; site: SiteConfig };
type Reply = { id: number } & (
  | { ok: Record<FeedFormat, Uint8Array> | string }
  | { failed: { message: string; stack?: string } }
);

if (!isMainThread && workerData?.role === WORKER_ROLE) serve();

function serve(): void {
  parentPort?.on('message', ({ id, job }: { id: number; job: Job }) => {
    let reply: Reply;
    /** A feed's documents, each in an ArrayBuffer of its own (documentBytes): handed over. */
    let handedOver: ArrayBuffer[] = [];
    try {
      if (job.kind === 'feed') {
        const ok = renderFeedBytes(job.input);
        handedOver = Object.values(ok).map((document) => document.buffer as ArrayBuffer);
        reply = { id, ok };
      } else reply = { id, ok: renderArticlePage(job.article, job.site) };
    } catch (error) {
      const { message, stack } = error instanceof Error ? error : { message: String(error) };
      reply = { id, failed: { message, stack } };
    }
    parentPort?.postMessage(reply, handedOver);
  });
}

interface Pending {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Why the worker is gone; no job is sent to it any more. */
  gone?: Error;
}

export class RenderPool implements Renderer {
  private readonly slots: Slot[];
  private nextId = 0;
  private closed = false;

  /** Starts `size` workers now, so they load while the build ingests. */
  constructor({ size }: { size: number }) {
    this.slots = Array.from({ length: Math.max(1, size) }, () => this.start());
  }

  readonly feed = (input: FeedInput) =>
    this.send<Record<FeedFormat, Uint8Array>>({ kind: 'feed', input });

  readonly page = (article: Article, site: SiteConfig) =>
    this.send<string>({ kind: 'page', article, site });

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private start(): Slot {
    const worker = startModuleWorker(
      import.meta.url,
      { workerData: { role: WORKER_ROLE } },
      { bundle: true },
    );
    const slot: Slot = { worker, pending: new Map() };
    // An idle worker never keeps the process alive (a build that forgot close()); a busy one
    // does, until its last reply.
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const job = slot.pending.get(reply.id);
      if (!job) return;
      slot.pending.delete(reply.id);
      if (slot.pending.size === 0) worker.unref();
      if ('ok' in reply) job.resolve(reply.ok as never);
      else
        job.reject(Object.assign(new Error(reply.failed.message), { stack: reply.failed.stack }));
    });
    const failAll = (error: Error) => {
      slot.gone ??= error;
      for (const job of slot.pending.values()) job.reject(error);
      slot.pending.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => {
      if (!this.closed) failAll(new Error(`a render worker stopped (exit code ${code})`));
    });
    return slot;
  }

  private send<T>(job: Job): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the render pool is closed'));
    const live = this.slots.filter((s) => !s.gone);
    if (live.length === 0) return Promise.reject(this.slots[0]?.gone);
    // The least busy worker: renders differ in size (a page, a feed of 50 articles).
    const slot = live.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      slot.pending.set(id, { resolve: resolve as (value: never) => void, reject });
      slot.worker.ref();
      slot.worker.postMessage({ id, job });
    });
  }
}
