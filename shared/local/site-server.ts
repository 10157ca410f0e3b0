import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { EDGE_METHODS } from '../contract/edge.ts';
import { isS3NotFound } from '../stores/s3-errors.ts';
import { EdgeModel, type OriginObject } from './edge.ts';
import { PortInUseError } from './errors.ts';

/**
 * The site bucket over HTTP, through a model of the CloudFront distribution that serves it
 * deployed (shared/local/edge.ts): its cache lifetimes, its functions (folder indexes, WebSub
 * `Link` headers), its response headers; stored Content-Type, ETag, Last-Modified and
 * Cache-Control, 304s for conditional requests, the stored `404.html` for misses, GET and HEAD
 * only.
 *
 * The server listens before the emulators start (so a taken port fails fast) and answers
 * 503 until `attach` hands it the bucket.
 */

/** The bucket the local site serves, as CloudFront's origin, and what the edge adds. */
export interface SiteOrigin {
  s3: S3Client;
  bucket: string;
  /** WebSub hubs the feeds name in their `Link` header. */
  hubs?: readonly string[];
  /** Old addresses the edge sends on (SiteConfig.redirects). */
  redirects?: readonly string[];
  /** The site URL feeds name themselves under, for the `Link` header (default: this server). */
  siteUrl?: string;
}

export interface SiteServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  port: number;
  attach(origin: SiteOrigin): void;
  close(): Promise<void>;
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

async function fetchOnce(origin: SiteOrigin, key: string): Promise<OriginObject> {
  const out = await origin.s3.send(new GetObjectCommand({ Bucket: origin.bucket, Key: key }));
  const body = await readBody(out.Body as Readable | undefined, out.ContentLength);
  // s3rver writes a new object's bytes before its metadata file: read in between, it has no
  // Content-Type and answers its default. Every site file is written with one, so that is a
  // torn read too.
  const object = {
    contentType: out.ContentType,
    etag: out.ETag,
    lastModified: out.LastModified,
    cacheControl: out.CacheControl,
    ...(out.Metadata && Object.keys(out.Metadata).length > 0 ? { metadata: out.Metadata } : {}),
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
    readonly object: OriginObject,
  ) {
    super(`${key}: read before its metadata was written`);
    this.name = 'MissingMetadataError';
  }
}

/**
 * s3rver rewrites an object's file in place, so a read racing a publish can fail or come up
 * short (CloudFront never shows that): read again until a whole object comes back.
 */
async function fetchObject(origin: SiteOrigin, key: string): Promise<OriginObject | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetchOnce(origin, key);
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

async function handle(req: IncomingMessage, res: ServerResponse, edge?: EdgeModel) {
  const head = req.method === 'HEAD';
  const method = EDGE_METHODS.find((name) => name === req.method);
  if (!method) {
    res.setHeader('Allow', EDGE_METHODS.join(', '));
    return plain(
      res,
      405,
      `${req.method} is not allowed: use GET or HEAD (OPTIONS: a CORS preflight)`,
    );
  }
  if (!edge) {
    res.setHeader('Retry-After', '1');
    return plain(res, 503, 'feedpub is starting; try again in a moment', head);
  }
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(', ') : value,
    ]),
  );
  const answer = await edge.serve({ method, url: req.url ?? '/', headers });
  const body = answer.body === undefined ? undefined : Buffer.from(answer.body);
  if (body && answer.headers['content-length'] === undefined)
    answer.headers['content-length'] = String(body.length);
  res.writeHead(answer.status, answer.headers);
  res.end(body);
}

export function startSiteServer(options: { port: number; host?: string }): Promise<SiteServer> {
  const host = options.host ?? '127.0.0.1';
  let edge: EdgeModel | undefined;
  const server = createServer((req, res) => {
    handle(req, res, edge).catch((error: unknown) => {
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
        attach: (origin) => {
          edge = new EdgeModel({
            readOrigin: (key) => fetchObject(origin, key),
            hubs: origin.hubs ?? [],
            redirects: origin.redirects ?? [],
            siteUrl: origin.siteUrl ?? `http://${host}:${port}/`,
          });
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
