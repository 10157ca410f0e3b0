import { AsyncLocalStorage } from 'node:async_hooks';
import type { Server as HttpServer } from 'node:http';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import S3rver from 's3rver';
import { startModuleWorker } from '../concurrency/module-worker.ts';
import type { S3rverEventRecord } from './embedded-aws.ts';
import { EmulatorStartError, PortInUseError } from './errors.ts';
import { conditionalWrites } from './s3-conditional-writes.ts';
import { makeDeletesSafe, makePutsAtomic } from './s3rver-atomic-puts.ts';
import { cacheBucketConfiguration } from './s3rver-bucket-cache.ts';

/**
 * The embedded S3: s3rver on 127.0.0.1, in a worker thread of its own. S3 is not our CPU in
 * production; here, serving every request on the thread that also runs the Lambda handlers
 * took a fifth of that thread under load. Its event notifications come back as messages, in
 * the order s3rver emitted them, and a request is answered once the main thread has its
 * events: an upload's event is in the local queue before its PUT returns, so a caller that
 * uploads and then waits for the pipeline to settle never waits for too little.
 */

export interface S3Server {
  /** The port it listens on: the one asked for, or the one the OS gave for 0. */
  port: number;
  /** Subscribe to s3rver's event notifications; returns the unsubscribe function. */
  onEvent(listener: (record: S3rverEventRecord) => void): () => void;
  close(): Promise<void>;
}

const WORKER_ROLE = 'feedpub-s3-server';
const HOST = '127.0.0.1';

type FromWorker =
  | { ready: number }
  | { failed: { message: string; code?: string } }
  | { events: S3rverEventRecord[]; id: number }
  | { closed: true };

type ToWorker = 'close' | { ack: number };

if (!isMainThread && workerData?.role === WORKER_ROLE) void serve(workerData);

/**
 * s3rver answers any request that reaches its port, browsers' included: a web page could post
 * a form (no CORS check for that) that plants an article in the inbox, or read drafts through
 * DNS rebinding. Only what an S3 client on this machine sends passes: addressed to this
 * loopback host, with no browser `Origin`, and every write signed (SigV4 header or presigned).
 */
function onlyLocalClients(port: () => number) {
  let hosts = new Set<string>();
  return async (
    ctx: Parameters<S3rver['middleware'][number]>[0],
    next: () => Promise<void>,
  ): Promise<void> => {
    if (hosts.size === 0) hosts = new Set([`127.0.0.1:${port()}`, `localhost:${port()}`]);
    const read = ctx.method === 'GET' || ctx.method === 'HEAD';
    const signed =
      ctx.get('authorization').startsWith('AWS4-HMAC-SHA256 ') ||
      ctx.query['X-Amz-Signature'] !== undefined;
    if (!hosts.has(ctx.get('host')) || ctx.get('origin') !== '' || !(read || signed)) {
      ctx.status = 403;
      ctx.body = 'feedpub: the embedded S3 answers S3 clients on this machine only\n';
      return;
    }
    await next();
  };
}

/** One segment of a request's path as the key holds it (as sent, when it is no valid escape). */
function keySegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** An S3 error document (its text as it is: every message here is our own, with no markup). */
const s3ErrorXml = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

/**
 * s3rver stores an object as a file at its bucket's folder joined with its key, so a key with a
 * `..` segment (`articles/../../x`) is written, and read, outside the bucket (another bucket,
 * or anywhere the user may write: a local user who can reach the port could plant a page in
 * the site). S3 takes such keys as plain names; this emulator refuses them, and `.` segments
 * (stored under another key), as `400 InvalidArgument`, a copy's source too. (A backslash is
 * no separator on the systems feedpub dev runs on: it stays.)
 */
function keysStayInTheirBucket() {
  const escapes = (path: string) =>
    path.split('/').some((segment) => {
      const decoded = keySegment(segment);
      return decoded === '..' || decoded === '.';
    });
  return async (
    ctx: Parameters<S3rver['middleware'][number]>[0],
    next: () => Promise<void>,
  ): Promise<void> => {
    const source = ctx.get('x-amz-copy-source').split('?')[0] ?? '';
    if (escapes(ctx.path) || escapes(source)) {
      ctx.status = 400;
      ctx.body = s3ErrorXml(
        'InvalidArgument',
        'feedpub: the embedded S3 stores a key as a file: a key with a "." or ".." segment would leave its bucket',
      );
      return;
    }
    await next();
  };
}

/** What one file name may hold on the file systems feedpub dev runs on (ext4, APFS, NTFS). */
const NAME_MAX_BYTES = 255;
/** s3rver's longest suffix to a key's last segment (`<name>._S3rver_metadata.json`). */
const STORE_SUFFIX_BYTES = Buffer.byteLength('._S3rver_metadata.json');

/**
 * s3rver stores a key as files named by its segments, so a segment longer than a file name may
 * be (255 bytes, the last one 233 with s3rver's suffix) fails inside it as a 500, which the SDK
 * retries for a second and the local edge then answers 502: a crawler probing a long address
 * got a 5xx the deployed site never gives. S3 takes such keys (up to 1,024 bytes): here no
 * object can have one, so a read answers 404 NoSuchKey, as S3 does for a key it has not, and a
 * write 400 saying why (an upload of a file named that long is refused with a reason).
 */
function namesTheDiskCanHold() {
  const tooLong = (path: string) => {
    const segments = path.split('/').slice(2);
    return segments.some((segment, i) => {
      const bytes = Buffer.byteLength(keySegment(segment));
      return bytes + (i === segments.length - 1 ? STORE_SUFFIX_BYTES : 0) > NAME_MAX_BYTES;
    });
  };
  return async (
    ctx: Parameters<S3rver['middleware'][number]>[0],
    next: () => Promise<void>,
  ): Promise<void> => {
    if (!tooLong(ctx.path)) return next();
    const error = (status: number, code: string, message: string) => {
      ctx.status = status;
      ctx.set('content-type', 'application/xml');
      if (ctx.method !== 'HEAD') ctx.body = s3ErrorXml(code, message);
    };
    if (ctx.method === 'GET' || ctx.method === 'HEAD')
      error(404, 'NoSuchKey', 'The specified key does not exist.');
    else if (ctx.method === 'DELETE') ctx.status = 204;
    else
      error(
        400,
        'KeyTooLongError',
        `feedpub: the embedded S3 stores a key as files named by its segments, and one is longer than a file name may be (${NAME_MAX_BYTES} bytes, the last ${NAME_MAX_BYTES - STORE_SUFFIX_BYTES}): S3 takes it, this emulator cannot; shorten the name`,
      );
  };
}

/**
 * S3 reads `x-amz-copy-source` URL-encoded (S3SiteMedia encodes each segment); s3rver decodes it
 * with decodeURI, which leaves `%2B`, `%26`, `%2C`, `%24`… as they are: a media file named
 * `a+b.jpg` or `Tom & Jerry.jpg` was not found. Decode each segment fully and hand s3rver a form
 * its decodeURI turns back into the raw key. A `?versionId=` stays (s3rver has no versions: it
 * fails loudly, not with another version).
 */
function copySourceAsS3Reads() {
  const segment = (encoded: string) => {
    try {
      return encodeURI(decodeURIComponent(encoded));
    } catch {
      return encoded;
    }
  };
  return async (
    ctx: Parameters<S3rver['middleware'][number]>[0],
    next: () => Promise<void>,
  ): Promise<void> => {
    const source = ctx.get('x-amz-copy-source');
    if (source !== '') {
      const query = source.indexOf('?');
      const path = query === -1 ? source : source.slice(0, query);
      const rest = query === -1 ? '' : source.slice(query);
      ctx.headers['x-amz-copy-source'] = `${path.split('/').map(segment).join('/')}${rest}`;
    }
    await next();
  };
}

async function serve({ port, directory }: { port: number; directory: string }): Promise<void> {
  const post = (message: FromWorker) => parentPort?.postMessage(message);
  const server = new S3rver({ address: HOST, port, silent: true, directory });
  // Each request collects the acknowledgements of the events it caused, and is answered after.
  const requestEvents = new AsyncLocalStorage<Promise<void>[]>();
  const acks = new Map<number, () => void>();
  let lastEvent = 0;
  const answerAfterEvents = async (_ctx: unknown, next: () => Promise<void>) => {
    const pending: Promise<void>[] = [];
    await requestEvents.run(pending, next);
    await Promise.all(pending);
  };
  let listening = port;
  server.middleware.unshift(
    answerAfterEvents,
    onlyLocalClients(() => listening),
    keysStayInTheirBucket(),
    namesTheDiskCanHold(),
    copySourceAsS3Reads(),
    conditionalWrites(),
  );
  makePutsAtomic(server.store);
  makeDeletesSafe(server.store);
  cacheBucketConfiguration(server.store);
  try {
    listening = await listen(server, port);
  } catch (error) {
    const { message, code } = error as NodeJS.ErrnoException;
    post({ failed: { message: String(message ?? error), code } });
    return;
  }
  server.on('event', (event: { Records: S3rverEventRecord[] }) => {
    lastEvent += 1;
    const id = lastEvent;
    requestEvents.getStore()?.push(new Promise((resolve) => acks.set(id, resolve)));
    post({ events: event.Records, id });
  });
  parentPort?.on('message', (message: ToWorker) => {
    if (message !== 'close') {
      acks.get(message.ack)?.();
      acks.delete(message.ack);
      return;
    }
    for (const ack of acks.values()) ack();
    void server.close().finally(() => {
      post({ closed: true });
      parentPort?.close();
    });
  });
  post({ ready: listening });
}

/**
 * s3rver's own `run()` leaves a failed listen (a port taken between choosing and binding) as an
 * unhandled 'error' event that kills the thread; this binds with the error in hand, then hands
 * the HTTP server to s3rver so its `close()` works. Resolves with the port bound.
 */
function listen(server: S3rver, port: number): Promise<number> {
  // s3rver's listen() (untyped: Koa's) builds the server with its request and close handlers.
  const s3rver = server as unknown as {
    listen(port: number, host: string, onListening: () => void): HttpServer;
    httpServer: HttpServer;
  };
  const http = s3rver.listen(port, HOST, () => {});
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.once('listening', () => {
      http.off('error', reject);
      s3rver.httpServer = http;
      const address = http.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Starts the embedded S3 on `port` (0: any free port, the one to prefer: nothing can take it first). */
export async function startS3Server(port: number, directory: string): Promise<S3Server> {
  const worker = startModuleWorker(import.meta.url, {
    workerData: { role: WORKER_ROLE, port, directory },
  });
  const listeners = new Set<(record: S3rverEventRecord) => void>();
  let closed: Promise<void> | undefined;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const bound = await new Promise<number>((resolve, reject) => {
    const onError = (cause: Error) =>
      reject(new EmulatorStartError('s3rver', String(cause), { cause }));
    worker.once('error', onError);
    worker.once('exit', (code) =>
      reject(
        new EmulatorStartError('s3rver', `its thread exited with code ${code} before it listened`),
      ),
    );
    worker.on('message', (message: FromWorker) => {
      if ('events' in message) {
        for (const record of message.events) for (const listener of listeners) listener(record);
        worker.postMessage({ ack: message.id } satisfies ToWorker);
      } else if ('ready' in message) {
        worker.off('error', onError);
        resolve(message.ready);
      } else if ('failed' in message) {
        const cause = Object.assign(new Error(message.failed.message), {
          code: message.failed.code,
        });
        void worker.terminate();
        reject(
          message.failed.code === 'EADDRINUSE'
            ? new PortInUseError(port, 's3rver', { cause })
            : new EmulatorStartError('s3rver', message.failed.message, { cause }),
        );
      }
    });
  });
  // Afterwards a crash of the emulator is loud: every request to it would fail.
  worker.on('error', (error) => console.error('feedpub: the embedded S3 stopped:', error));
  return {
    port: bound,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed ??= (async () => {
        worker.postMessage('close' satisfies ToWorker);
        await exited;
      })();
      return closed;
    },
  };
}
