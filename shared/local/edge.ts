import { brotliCompressSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import {
  EDGE_COMPRESSED_BYTES,
  EDGE_COMPRESSED_TYPES,
  EDGE_CORS,
  EDGE_ERROR_SECONDS,
  EDGE_HEADERS,
  EDGE_TTL,
  type EdgeResponseOptions,
  type EdgeTtl,
  edgeRequestFunctionCode,
  edgeResponseFunctionCode,
  edgeTtlFor,
} from '../contract/edge.ts';
import { NOT_FOUND_PATH } from '../contract/site-layout.ts';
import { isNotModified, siteTarget } from './site-request.ts';

/**
 * CloudFront in front of the site bucket, as a model the local site server serves through
 * (shared/contract/edge.ts is what both follow):
 *
 * - the viewer-request and viewer-response CloudFront Functions, the very code infra deploys;
 * - a shared cache keyed by path (query strings are not part of the key, as in the cache
 *   policy), each object kept for its `s-maxage` (else `max-age`, else the default) within the
 *   bounds of the cache behaviour its path matches (`media/*` keeps files up to a year), a miss
 *   kept `EDGE_ERROR_SECONDS` and answered with /404.html; concurrent misses of one path make
 *   one origin request;
 * - compression as CloudFront's (EDGE_COMPRESSED_TYPES: Brotli, else gzip, its ETag made weak);
 * - the response headers policy (security headers, CORS), `Age` and `X-Cache`.
 */

/** An object as the origin (the site bucket) returns it. */
export interface OriginObject {
  contentType?: string;
  etag?: string;
  lastModified?: Date;
  cacheControl?: string;
  /** User metadata, as S3 answers it in `x-amz-meta-<name>` headers. */
  metadata?: Record<string, string>;
  body?: Uint8Array;
}

export interface EdgeRequest {
  method: 'GET' | 'HEAD' | 'OPTIONS';
  /** Path and query, as on the request line. */
  url: string;
  headers: Record<string, string | undefined>;
}

export interface EdgeResponse {
  status: number;
  headers: Record<string, string>;
  body?: Uint8Array | string;
}

export interface EdgeOptions extends EdgeResponseOptions {
  /** Reads a key of the site bucket; undefined when it does not exist. */
  readOrigin: (key: string) => Promise<OriginObject | undefined>;
  /** Old addresses the viewer-request function sends on (SiteConfig.redirects). */
  redirects?: readonly string[];
  /** The clock the cache keeps time by (epoch ms). */
  now?: () => number;
}

interface Entry {
  status: 200 | 404;
  object: OriginObject;
  fetchedAt: number;
  expiresAt: number;
  /** Its body compressed, by encoding, once a viewer asked for it (EDGE_COMPRESSED_TYPES). */
  encoded?: Map<Encoding, Uint8Array>;
}

type Encoding = 'br' | 'gzip';

/**
 * How CloudFront would compress `object` for a viewer sending `accept`: Brotli if it takes it,
 * else gzip, for a type CloudFront compresses, of a size it compresses; none for a range.
 */
export function edgeEncoding(
  accept: string | undefined,
  object: Pick<OriginObject, 'contentType' | 'body'>,
): Encoding | undefined {
  const size = object.body?.length ?? 0;
  const type = (object.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (size < EDGE_COMPRESSED_BYTES.least || size > EDGE_COMPRESSED_BYTES.most) return undefined;
  if (!EDGE_COMPRESSED_TYPES.has(type)) return undefined;
  const taken = new Set(
    (accept ?? '')
      .split(',')
      .map((part) => part.trim().toLowerCase().split(';'))
      .filter(([, q]) => !/^\s*q\s*=\s*0(\.0*)?\s*$/.test(q ?? ''))
      .map(([name]) => name),
  );
  return taken.has('br') ? 'br' : taken.has('gzip') ? 'gzip' : undefined;
}

function encode(body: Uint8Array, encoding: Encoding): Uint8Array {
  return encoding === 'br'
    ? brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 } })
    : gzipSync(body);
}

interface FunctionHeaders {
  [name: string]: { value: string };
}

type RequestEvent = {
  request: { uri: string; method: string; headers: FunctionHeaders; querystring: object };
};
type RequestResult =
  | RequestEvent['request']
  | { statusCode: number; statusDescription?: string; headers?: FunctionHeaders };
type ResponseEvent = RequestEvent & {
  response: { statusCode: number; headers: FunctionHeaders };
};

const badPath = (why: string): EdgeResponse => ({
  status: 400,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: `bad path: ${why}\n`,
});

/** Turns a CloudFront Function's source into its handler, as the CloudFront runtime runs it. */
function cloudFrontFunction<E, R>(code: string): (event: E) => R {
  return new Function(`${code}\nreturn handler;`)() as (event: E) => R;
}

/**
 * The edge lifetime of an object with this Cache-Control, within the bounds of a cache policy
 * (the default behaviour's unless told: edgeTtlFor gives a path's).
 */
export function edgeSeconds(cacheControl: string | undefined, ttl: EdgeTtl = EDGE_TTL): number {
  const directive = (name: string) => {
    const match = new RegExp(`(?:^|,)\\s*${name}\\s*=\\s*"?(\\d+)`, 'i').exec(cacheControl ?? '');
    return match ? Number(match[1]) : undefined;
  };
  const asked = directive('s-maxage') ?? directive('max-age') ?? ttl.defaultSeconds;
  return Math.min(ttl.maxSeconds, Math.max(ttl.minSeconds, asked));
}

const toFunctionHeaders = (headers: Record<string, string | undefined>): FunctionHeaders =>
  Object.fromEntries(
    Object.entries(headers)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([name, value]) => [name.toLowerCase(), { value }]),
  );

const fromFunctionHeaders = (headers: FunctionHeaders | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(headers ?? {}).map(([name, { value }]) => [name, value]));

export class EdgeModel {
  private readonly cache = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<Entry>>();
  private readonly onRequest: (event: RequestEvent) => RequestResult;
  private readonly onResponse: (event: ResponseEvent) => ResponseEvent['response'];
  private readonly now: () => number;

  constructor(private readonly options: EdgeOptions) {
    this.onRequest = cloudFrontFunction(edgeRequestFunctionCode(options.redirects));
    this.onResponse = cloudFrontFunction(edgeResponseFunctionCode(options));
    this.now = options.now ?? Date.now;
  }

  async serve(req: EdgeRequest): Promise<EdgeResponse> {
    const viewer: RequestEvent['request'] = {
      uri: req.url.split('?', 1)[0] || '/',
      method: req.method,
      headers: toFunctionHeaders(req.headers),
      querystring: {},
    };
    // CloudFront refuses a path that steps outside the site before any function sees it.
    const asked = siteTarget(viewer.uri);
    if ('status' in asked) return this.finish(req, viewer, badPath(asked.why));
    const routed = this.onRequest({ request: structuredClone(viewer) });
    if ('statusCode' in routed) {
      return this.finish(req, viewer, {
        status: routed.statusCode,
        headers: fromFunctionHeaders(routed.headers),
      });
    }
    const target = siteTarget(routed.uri);
    if ('status' in target) return this.finish(req, routed, badPath(target.why));
    // CloudFront picks the cache behaviour by the path the viewer asked, before any function.
    const { entry, hit } = await this.lookup(target.key, edgeTtlFor(viewer.uri));
    const { object } = entry;
    const headers: Record<string, string> = {};
    if (object.contentType) headers['content-type'] = object.contentType;
    if (object.cacheControl) headers['cache-control'] = object.cacheControl;
    if (object.etag) headers.etag = object.etag;
    if (object.lastModified) headers['last-modified'] = object.lastModified.toUTCString();
    for (const [name, value] of Object.entries(object.metadata ?? {}))
      headers[`x-amz-meta-${name.toLowerCase()}`] = value;
    const age = Math.floor((this.now() - entry.fetchedAt) / 1000);
    headers.age = String(Math.max(0, age));
    headers['x-cache'] = `${hit ? 'Hit' : 'Miss'} from feedpub-edge`;
    // Compressed as CloudFront does (not a range): its strong ETag made weak.
    const encoding =
      entry.status === 200 && req.headers.range === undefined
        ? edgeEncoding(req.headers['accept-encoding'], object)
        : undefined;
    if (encoding && headers.etag?.startsWith('"')) headers.etag = `W/${headers.etag}`;
    const conditions = {
      ifNoneMatch: req.headers['if-none-match'],
      ifModifiedSince: req.headers['if-modified-since'],
    };
    if (entry.status === 200 && isNotModified(conditions, object.etag, object.lastModified))
      return this.finish(req, routed, { status: 304, headers });
    if (entry.status === 200 && object.body) {
      // A byte range (video seeking, resumed downloads), as CloudFront serves one from S3.
      const size = object.body.length;
      headers['accept-ranges'] = 'bytes';
      // A range is served only of the representation the client has (If-Range): else the
      // whole object, so a resumed download of a feed that changed is not spliced together.
      const range = ifRangeHolds(req.headers['if-range'], object.etag, object.lastModified)
        ? byteRange(req.headers.range, size)
        : undefined;
      if (range === 'unsatisfiable') {
        headers['content-range'] = `bytes */${size}`;
        return this.finish(req, routed, { status: 416, headers });
      }
      if (range) {
        headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
        headers['content-length'] = String(range.end - range.start + 1);
        const body = object.body.subarray(range.start, range.end + 1);
        return this.finish(req, routed, { status: 206, headers, body });
      }
    }
    if (encoding && object.body) {
      entry.encoded ??= new Map();
      const body = entry.encoded.get(encoding) ?? encode(object.body, encoding);
      entry.encoded.set(encoding, body);
      headers['content-encoding'] = encoding;
      headers['content-length'] = String(body.length);
      return this.finish(req, routed, { status: entry.status, headers, body });
    }
    if (object.body) headers['content-length'] = String(object.body.length);
    return this.finish(req, routed, { status: entry.status, headers, body: object.body });
  }

  /** The cached entry for `key` (a hit), or one fetched from the origin now (a miss). */
  private async lookup(key: string, ttl: EdgeTtl): Promise<{ entry: Entry; hit: boolean }> {
    const cached = this.cache.get(key);
    if (cached && this.now() < cached.expiresAt) return { entry: cached, hit: true };
    let fetching = this.inFlight.get(key);
    if (!fetching) {
      fetching = this.fetch(key, ttl).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, fetching);
    }
    return { entry: await fetching, hit: false };
  }

  private async fetch(key: string, ttl: EdgeTtl): Promise<Entry> {
    const fetchedAt = this.now();
    const object = await this.options.readOrigin(key);
    const entry: Entry = object
      ? {
          status: 200,
          object,
          fetchedAt,
          expiresAt: fetchedAt + edgeSeconds(object.cacheControl, ttl) * 1000,
        }
      : {
          status: 404,
          object: (await this.options.readOrigin(NOT_FOUND_PATH)) ?? {
            contentType: 'text/plain; charset=utf-8',
            body: new TextEncoder().encode(`not found: ${key}\n`),
          },
          fetchedAt,
          expiresAt: fetchedAt + EDGE_ERROR_SECONDS * 1000,
        };
    this.sweep();
    this.cache.set(key, entry);
    return entry;
  }

  /** Forgets expired entries once the cache grows, so a long `feedpub dev` stays small. */
  private sweep(): void {
    if (this.cache.size < 10_000) return;
    const now = this.now();
    for (const [key, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(key);
  }

  /** The viewer-response function, then the response headers policy, as CloudFront applies them. */
  private finish(
    req: EdgeRequest,
    request: RequestEvent['request'],
    response: EdgeResponse,
  ): EdgeResponse {
    const after = this.onResponse({
      request,
      response: { statusCode: response.status, headers: toFunctionHeaders(response.headers) },
    });
    const headers: Record<string, string> = {
      ...fromFunctionHeaders(after.headers),
      ...EDGE_HEADERS,
    };
    if (req.headers.origin !== undefined) {
      headers['access-control-allow-origin'] = EDGE_CORS.allowOrigin;
      headers['access-control-allow-methods'] = EDGE_CORS.allowMethods.join(', ');
      headers['access-control-allow-headers'] = EDGE_CORS.allowHeaders.join(', ');
      headers['access-control-expose-headers'] = EDGE_CORS.exposeHeaders.join(', ');
    }
    const body = req.method !== 'GET' || after.statusCode === 304 ? undefined : response.body;
    return { status: after.statusCode, headers, body };
  }
}

/**
 * Whether an `If-Range` header (RFC 9110 §13.1.5) lets a range be served: none, the object's
 * ETag by strong comparison (a weak tag never matches), or its Last-Modified date exactly.
 */
export function ifRangeHolds(
  header: string | undefined,
  etag: string | undefined,
  lastModified: Date | undefined,
): boolean {
  if (header === undefined) return true;
  const value = header.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return etag !== undefined && value === etag;
  const date = Date.parse(value);
  return (
    lastModified !== undefined &&
    !Number.isNaN(date) &&
    Math.floor(date / 1000) === Math.floor(lastModified.getTime() / 1000)
  );
}

/**
 * The one byte range a `Range` header asks of `size` bytes (RFC 9110 §14.1.2: `bytes=0-99`,
 * `bytes=100-`, `bytes=-100`), clipped to the object; `unsatisfiable` when none of it is in the
 * object; undefined when there is none to serve, or several (the whole object then, as S3).
 */
export function byteRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    return suffix === 0 || size === 0
      ? 'unsatisfiable'
      : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return undefined;
  return start >= size ? 'unsatisfiable' : { start, end };
}
