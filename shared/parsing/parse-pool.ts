import { isMainThread, parentPort, type Worker, workerData } from 'node:worker_threads';
import type { ParseResult } from '../articles/article.ts';
import { ArticleRejectedError, type RejectionReason } from '../articles/errors.ts';
import type { ParseInput, parseArticle } from '../articles/parse.ts';
import { startModuleWorker } from '../concurrency/module-worker.ts';
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
  /**
   * Wall-clock time one upload may take to parse, counted from its hand-over to a started
   * worker: far above what any real article needs (well under a second), and small enough
   * that a batch of 10 pathological uploads on 2 workers fits the 30 s ingest timeout.
   */
  budgetMs?: number | ((input: ParseInput) => number);
  /** Heap one worker may use. */
  memoryMb?: number;
  /** A module whose `parseArticle` the workers run instead of the real one (tests only). */
  parser?: URL;
}

type Reply =
  | { ready: true }
  | { ok: ParseResult }
  | { rejected: { reason: RejectionReason; message: string } }
  | { failed: { message: string; stack?: string } };

const WORKER_ROLE = 'feedpub-parse-worker';

if (!isMainThread && workerData?.role === WORKER_ROLE) void serve(workerData.parser);

async function serve(parser: string | undefined): Promise<void> {
  // Imported here, in the worker, so that in the Lambda bundle the parser (YAML, Markdown,
  // sanitize-html) is never evaluated on the main thread, which only hands uploads over.
  const parse: typeof parseArticle = (
    parser ? await import(parser) : await import('../articles/parse.ts')
  ).parseArticle;
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
    const { message, stack } = error instanceof Error ? error : { message: String(error) };
    return { failed: { message, stack } };
  }
}

interface Job {
  input: ParseInput;
  /** Hand-overs so far: a worker that died as it took the upload gets one more try. */
  tries?: number;
  resolve: (result: ParseResult) => void;
  reject: (error: Error) => void;
}

/** A worker's one current duty; its permanent listeners route what it says to this. */
interface Slot {
  worker: Worker;
  /** Called once when the worker answers, fails or exits; undefined while idle. */
  settle?: (event: { reply: Reply } | { error: Error } | { exit: number }) => void;
}

export class ParsePool {
  private readonly size: number;
  private readonly budgetOf: (input: ParseInput) => number;
  private readonly memoryMb: number;
  private readonly parser: string | undefined;
  /** Every worker alive (starting, parsing, idle or ending): the pool's count against `size`. */
  private readonly slots = new Set<Slot>();
  private readonly idle: Slot[] = [];
  private readonly queue: Job[] = [];
  private starting = 0;
  private closed = false;

  constructor({ size = 2, budgetMs = 5_000, memoryMb = 192, parser }: ParsePoolOptions = {}) {
    this.size = size;
    this.budgetOf = typeof budgetMs === 'number' ? () => budgetMs : budgetMs;
    this.memoryMb = memoryMb;
    this.parser = parser?.href;
  }

  readonly parse: ArticleParser = (input) =>
    new Promise<ParseResult>((resolve, reject) => {
      if (this.closed) {
        reject(new Error('the parse pool is closed'));
        return;
      }
      this.queue.push({ input, resolve, reject });
      this.next();
    });

  /** Ends every worker; uploads still parsing or waiting fail (their messages are retried). */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the parse pool was closed'));
    this.idle.length = 0;
    await Promise.all([...this.slots].map((slot) => slot.worker.terminate()));
  }

  private next(): void {
    while (this.queue.length > 0 && this.idle.length > 0)
      this.run(this.idle.pop() as Slot, this.queue.shift() as Job);
    // Workers start in the background; the budget counts from the upload's hand-over, so
    // loading the parser (slow on a busy machine) never counts against an upload.
    while (!this.closed && this.queue.length > this.starting && this.slots.size < this.size)
      this.spawn();
  }

  private spawn(): void {
    let worker: Worker;
    try {
      worker = startModuleWorker(
        import.meta.url,
        {
          workerData: { role: WORKER_ROLE, parser: this.parser },
          resourceLimits: { maxOldGenerationSizeMb: this.memoryMb },
        },
        // A test's own parser is TypeScript the bundle cannot import: tsx loads it.
        { bundle: this.parser === undefined },
      );
    } catch (error) {
      this.queue.shift()?.reject(new Error('a parse worker could not start', { cause: error }));
      return;
    }
    const slot: Slot = { worker };
    this.slots.add(slot);
    this.starting += 1;
    slot.settle = (event) => {
      slot.settle = undefined;
      this.starting -= 1;
      if ('reply' in event && 'ready' in event.reply) this.keep(slot);
      else {
        // A worker that cannot start fails the upload it was started for (the message is
        // retried), never the whole queue, and never in a loop.
        const why =
          'error' in event
            ? event.error
            : new Error('exit' in event ? `exit code ${event.exit}` : 'an early message');
        this.queue.shift()?.reject(new Error('a parse worker could not start', { cause: why }));
        if (!('exit' in event)) void worker.terminate();
      }
      this.next();
    };
    // Listeners for the worker's whole life: whatever it says, at any time, has a taker, and a
    // worker that dies while idle leaves the pool instead of swallowing the next upload.
    worker.on('message', (reply: Reply) => slot.settle?.({ reply }));
    worker.on('error', (error: Error) => slot.settle?.({ error }));
    worker.on('exit', (code) => {
      this.slots.delete(slot);
      const at = this.idle.indexOf(slot);
      if (at !== -1) this.idle.splice(at, 1);
      // A duty settles itself (and starts what is next); otherwise its place is free now.
      if (slot.settle) slot.settle({ exit: code });
      else this.next();
    });
  }

  /** An idle worker never keeps the process (a CLI run, a test) alive. */
  private keep(slot: Slot): void {
    slot.worker.unref();
    this.idle.push(slot);
  }

  private run(slot: Slot, job: Job): void {
    const { worker } = slot;
    const budgetMs = this.budgetOf(job.input);
    job.tries = (job.tries ?? 0) + 1;
    const done = (keep: boolean, outcome: () => void) => {
      clearTimeout(timer);
      slot.settle = undefined;
      if (keep) this.keep(slot);
      // Counted against `size` until its exit, so a replacement never runs beside it.
      else void worker.terminate();
      outcome();
      this.next();
    };
    slot.settle = (event) => {
      if ('exit' in event)
        done(false, () => {
          // Died with the upload in hand: maybe it was dying anyway (it sat idle); try once more.
          if ((job.tries ?? 0) < 2) this.queue.unshift(job);
          else job.reject(new Error(`the parse worker exited (code ${event.exit})`));
        });
      else if ('error' in event)
        done(false, () => job.reject(rejectionForCrash(event.error, this.memoryMb)));
      else done(true, () => settleFromReply(job, event.reply));
    };
    const timer = setTimeout(
      () =>
        done(false, () =>
          job.reject(
            new ArticleRejectedError(
              'too-complex',
              `took more than ${budgetMs / 1000} s to parse (markup nested or repeated past what a parser can take): simplify or split the file`,
            ),
          ),
        ),
      budgetMs,
    );
    worker.ref();
    worker.postMessage(job.input);
  }
}

function settleFromReply(job: Job, reply: Reply): void {
  if ('ok' in reply) job.resolve(reply.ok);
  else if ('rejected' in reply)
    job.reject(new ArticleRejectedError(reply.rejected.reason, reply.rejected.message));
  else if ('failed' in reply) {
    // The message only: it reaches the editor's report; the stack goes to the logs as cause.
    const cause = Object.assign(new Error(reply.failed.message), { stack: reply.failed.stack });
    job.reject(new Error(`parsing failed: ${reply.failed.message}`, { cause }));
  } else job.reject(new Error('the parse worker answered out of turn'));
}

function rejectionForCrash(error: Error & { code?: string }, memoryMb: number): Error {
  if (error.code !== 'ERR_WORKER_OUT_OF_MEMORY') return error;
  return new ArticleRejectedError(
    'too-complex',
    `needs more than ${memoryMb} MB of memory to parse: simplify or split the file`,
  );
}
