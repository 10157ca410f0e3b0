import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { ParseResult } from '../articles/article.ts';
import { ArticleRejectedError, type RejectionReason } from '../articles/errors.ts';
import { type ParseInput, parseArticle } from '../articles/parse.ts';
import type { ArticleParser } from '../ports/article-parser.ts';

/**
 * Parsing off the event loop, with a time and memory budget per upload. Parsing is
 * synchronous CPU work: on the main thread one pathological upload would hold up every other
 * record of its batch until the Lambda timeout failed them all. Here each upload is parsed in
 * a worker thread; the others of the batch go on in other workers, and an upload that passes
 * its budget is rejected (its worker is replaced), with a report, instead of stalling ingest.
 *
 * The worker runs this very module (in the Lambda bundle, the bundle itself), so nothing
 * extra is deployed; from TypeScript sources it loads through tsx.
 */

export interface ParsePoolOptions {
  /** Workers at most: uploads parsed at once. */
  size?: number;
  /** A module whose `parseArticle` the workers run instead of the real one (tests only). */
  parser?: URL;
  /** Wall-clock time one upload may take, far above what any real article needs (~0.3 s). */
  budgetMs?: number;
  /** Heap one worker may use. */
  memoryMb?: number;
}

type Reply =
  | { ready: true }
  | { ok: ParseResult }
  | { rejected: { reason: RejectionReason; message: string } }
  | { failed: string };

const WORKER_ROLE = 'feedpub-parse-worker';

if (!isMainThread && workerData?.role === WORKER_ROLE) void serve(workerData.parser);

async function serve(parser: string | undefined): Promise<void> {
  const parse: typeof parseArticle = parser ? (await import(parser)).parseArticle : parseArticle;
  parentPort?.on('message', (input: ParseInput) =>
    parentPort?.postMessage(parseToReply(parse, input)),
  );
  parentPort?.postMessage({ ready: true } satisfies Reply);
}

function parseToReply(parse: typeof parseArticle, input: ParseInput): Reply {
  try {
    return { ok: parse(input) };
  } catch (error) {
    if (error instanceof ArticleRejectedError)
      return { rejected: { reason: error.reason, message: error.message } };
    return { failed: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

interface Job {
  input: ParseInput;
  resolve: (result: ParseResult) => void;
  reject: (error: Error) => void;
}

export class ParsePool {
  private readonly size: number;
  private readonly budgetMs: number;
  private readonly memoryMb: number;
  private readonly parser: string | undefined;
  private readonly workers = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly queue: Job[] = [];
  /** Workers starting or parsing. */
  private busy = 0;
  private starting = 0;

  constructor({ size = 2, budgetMs = 10_000, memoryMb = 192, parser }: ParsePoolOptions = {}) {
    this.size = size;
    this.budgetMs = budgetMs;
    this.memoryMb = memoryMb;
    this.parser = parser?.href;
  }

  readonly parse: ArticleParser = (input) =>
    new Promise<ParseResult>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.next();
    });

  /** Ends every worker; uploads still parsing or waiting fail (their messages are retried). */
  async close(): Promise<void> {
    for (const job of this.queue.splice(0)) job.reject(new Error('the parse pool was closed'));
    this.idle.length = 0;
    await Promise.all([...this.workers].map((worker) => worker.terminate()));
  }

  private next(): void {
    while (this.queue.length > 0 && this.idle.length > 0) {
      this.busy += 1;
      this.run(this.idle.pop() as Worker, this.queue.shift() as Job);
    }
    // Workers start in the background; the budget counts from the upload's hand-over, so
    // loading the parser (slow on a busy machine) never counts against an upload.
    while (this.queue.length > this.starting && this.busy + this.idle.length < this.size)
      this.spawn();
  }

  private spawn(): void {
    const worker = startWorker({
      workerData: { role: WORKER_ROLE, parser: this.parser },
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb },
    });
    this.workers.add(worker);
    worker.once('exit', () => this.workers.delete(worker));
    this.busy += 1;
    this.starting += 1;
    const started = (ready: boolean) => {
      worker.off('message', onReady);
      worker.off('error', onFailure);
      worker.off('exit', onFailure);
      this.busy -= 1;
      this.starting -= 1;
      // A worker that cannot start fails the upload it was started for (the message is
      // retried), never the whole queue, and never in a loop.
      if (ready) this.keep(worker);
      else this.queue.shift()?.reject(new Error('a parse worker could not start'));
      this.next();
    };
    const onReady = () => started(true);
    const onFailure = () => started(false);
    worker.once('message', onReady);
    worker.once('error', onFailure);
    worker.once('exit', onFailure);
  }

  /** An idle worker never keeps the process (a CLI run, a test) alive. */
  private keep(worker: Worker): void {
    worker.unref();
    this.idle.push(worker);
  }

  private run(worker: Worker, job: Job): void {
    let settled = false;
    const finish = (keep: boolean, outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      this.busy -= 1;
      if (keep) this.keep(worker);
      else void worker.terminate();
      outcome();
      this.next();
    };
    const onMessage = (reply: Reply) =>
      finish(true, () => {
        if ('ready' in reply) job.reject(new Error('the parse worker answered out of turn'));
        else if ('ok' in reply) job.resolve(reply.ok);
        else if ('rejected' in reply)
          job.reject(new ArticleRejectedError(reply.rejected.reason, reply.rejected.message));
        else job.reject(new Error(`parsing failed in its worker: ${reply.failed}`));
      });
    const onError = (error: Error & { code?: string }) =>
      finish(false, () =>
        job.reject(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new ArticleRejectedError(
                'too-complex',
                `needs more than ${this.memoryMb} MB of memory to parse: simplify or split the file`,
              )
            : error,
        ),
      );
    const onExit = (code: number) =>
      finish(false, () => job.reject(new Error(`the parse worker exited (code ${code})`)));
    const timer = setTimeout(
      () =>
        finish(false, () =>
          job.reject(
            new ArticleRejectedError(
              'too-complex',
              `took more than ${this.budgetMs / 1000} s to parse (markup nested or repeated past what a parser can take): simplify or split the file`,
            ),
          ),
        ),
      this.budgetMs,
    );
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.ref();
    worker.postMessage(job.input);
  }
}

/** This module as a worker: the bundle in Lambda, the TypeScript source through tsx elsewhere. */
function startWorker(options: ConstructorParameters<typeof Worker>[1]): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL(self), options);
  // A worker does not inherit tsx's loader (nor honour `--import` in execArgv on Node 20):
  // it registers tsx's ESM hooks itself, from the path tsx's package.json exports.
  const require = createRequire(self);
  const manifest = require.resolve('tsx/package.json');
  const entry = (require(manifest) as { exports: Record<string, { import: { default: string } }> })
    .exports['./esm/api']?.import.default;
  if (!entry) throw new Error('tsx/esm/api is missing: reinstall the dependencies');
  const api = pathToFileURL(join(dirname(manifest), entry)).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(self)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
