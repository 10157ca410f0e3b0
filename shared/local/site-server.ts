import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { NOT_FOUND_PATH } from '../contract/site-layout.ts';
import { isS3NotFound } from '../stores/s3-errors.ts';
import { PortInUseError } from './errors.ts';
import { isNotModified, siteTarget } from './site-request.ts';

/**
 * The site bucket over HTTP, as CloudFront serves it: stored Content-Type, ETag,
 * Last-Modified and Cache-Control, 304s for conditional requests, `index.html` for `/` and
 * folder paths, the stored `404.html` for misses, GET and HEAD only.
 *
 * The server listens before the emulators start (so a taken port fails fast) and answers
 * 503 until `attach` hands it the bucket.
 */

/** The bucket the local site serves, as CloudFront's origin. */
export interface SiteOrigin {
  s3: S3Client;
  bucket: string;
}

export interface SiteServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  port: number;
  attach(origin: SiteOrigin): void;
  close(): Promise<void>;
}

interface StoredObject {
  contentType?: string;
  etag?: string;
  lastModified?: Date;
  cacheControl?: string;
  contentLength?: number;
  body?: Uint8Array;
}

const READ_ATTEMPTS = 4;
const S3RVER_DEFAULT_TYPE = 'binary/octet-stream';
const BODY_TIMEOUT_MS = 1500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The whole body, or an error if it stalls or comes up short. */
async function readBody(
  body: Readable | undefined,
  expected: number | undefined,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array();
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      body.destroy();
      reject(new Error('object body stalled'));
    }, BODY_TIMEOUT_MS);
  });
  try {
    const chunks: Buffer[] = [];
    const read = (async () => {
      for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
    })();
    await Promise.race([read, stalled]);
    const bytes = Buffer.concat(chunks);
    if (expected !== undefined && bytes.length !== expected)
      throw new Error('object body came up short');
    return bytes;
  } finally {
    clearTimeout(timer);
  }
}

async function fetchOnce(
  origin: SiteOrigin,
  key: string,
  withBody: boolean,
): Promise<StoredObject> {
  const input = { Bucket: origin.bucket, Key: key };
  const out = withBody
    ? await origin.s3.send(new GetObjectCommand(input))
    : await origin.s3.send(new HeadObjectCommand(input));
  const body =
    'Body' in out ? await readBody(out.Body as Readable | undefined, out.ContentLength) : undefined;
  // s3rver writes a new object's bytes before its metadata file: read in between, it has no
  // Content-Type and answers its default. Every site file is written with one, so that is a
  // torn read too.
  const object = {
    contentType: out.ContentType,
    etag: out.ETag,
    lastModified: out.LastModified,
    cacheControl: out.CacheControl,
    contentLength: out.ContentLength,
    body,
  };
  if (out.ContentType === undefined || out.ContentType === S3RVER_DEFAULT_TYPE)
    throw new MissingMetadataError(key, object);
  return object;
}

/** Read before s3rver wrote the object's metadata, or an object that has none. */
class MissingMetadataError extends Error {
  constructor(
    key: string,
    readonly object: StoredObject,
  ) {
    super(`${key}: read before its metadata was written`);
    this.name = 'MissingMetadataError';
  }
}

/**
 * s3rver rewrites an object's file in place, so a read racing a publish can fail or come up
 * short (CloudFront never shows that): read again until a whole object comes back.
 */
async function fetchObject(
  origin: SiteOrigin,
  key: string,
  withBody: boolean,
): Promise<StoredObject | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetchOnce(origin, key, withBody);
    } catch (error) {
      if (isS3NotFound(error)) return undefined;
      // An object that really has no Content-Type (put by another tool) is served as it is.
      if (attempt >= READ_ATTEMPTS && error instanceof MissingMetadataError) return error.object;
      if (attempt >= READ_ATTEMPTS) throw error;
      await sleep(50 * attempt);
    }
  }
}

function plain(res: ServerResponse, status: number, text: string, head = false): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(head ? undefined : `${text}\n`);
}

async function send(
  req: IncomingMessage,
  res: ServerResponse,
  object: StoredObject,
  status: 200 | 404,
): Promise<void> {
  const headers: Record<string, string | number> = {};
  if (object.contentType) headers['Content-Type'] = object.contentType;
  if (object.cacheControl) headers['Cache-Control'] = object.cacheControl;
  if (object.etag) headers.ETag = object.etag;
  if (object.lastModified) headers['Last-Modified'] = object.lastModified.toUTCString();
  const conditions = {
    ifNoneMatch: req.headers['if-none-match'],
    ifModifiedSince: req.headers['if-modified-since'],
  };
  if (status === 200 && isNotModified(conditions, object.etag, object.lastModified)) {
    res.writeHead(304, headers).end();
    return;
  }
  const length = object.body?.length ?? object.contentLength;
  if (length !== undefined) headers['Content-Length'] = length;
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : object.body);
}

async function handle(req: IncomingMessage, res: ServerResponse, origin?: SiteOrigin) {
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) {
    res.setHeader('Allow', 'GET, HEAD');
    return plain(res, 405, `${req.method} is not allowed: use GET or HEAD`);
  }
  if (!origin) {
    res.setHeader('Retry-After', '1');
    return plain(res, 503, 'feedpub is starting; try again in a moment', head);
  }
  const target = siteTarget(req.url ?? '/');
  if ('status' in target) return plain(res, 400, `bad path: ${target.why}`, head);
  const object = await fetchObject(origin, target.key, !head);
  if (object) return send(req, res, object, 200);
  // `/tags` → `/tags/` when that folder has an index, as a static host with index documents does.
  if (!target.directory && (await fetchObject(origin, `${target.key}/index.html`, false))) {
    const [path = '/', query] = (req.url ?? '/').split('?');
    res.writeHead(301, { Location: `${path}/${query === undefined ? '' : `?${query}`}` });
    return res.end();
  }
  const notFound = await fetchObject(origin, NOT_FOUND_PATH, !head);
  if (notFound) return send(req, res, notFound, 404);
  return plain(res, 404, `not found: ${target.key}`, head);
}

export function startSiteServer(options: { port: number; host?: string }): Promise<SiteServer> {
  const host = options.host ?? '127.0.0.1';
  let origin: SiteOrigin | undefined;
  const server = createServer((req, res) => {
    handle(req, res, origin).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else plain(res, 502, `site bucket unavailable: ${(error as Error).message ?? error}`);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', (cause: NodeJS.ErrnoException) => {
      reject(
        cause.code === 'EADDRINUSE'
          ? new PortInUseError(options.port, 'site server', { cause })
          : cause,
      );
    });
    server.listen(options.port, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      resolve({
        url: `http://${host}:${port}/`,
        port,
        attach: (next) => {
          origin = next;
        },
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
