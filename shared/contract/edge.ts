import { MEDIA_SITE_PREFIX } from './media.ts';
import { compileRedirect, MAX_OLD_ADDRESS_LENGTH } from './redirects.ts';
import {
  FEED_FORMATS,
  FOLDER_PATH,
  feedFileName,
  SERVED_TYPE_BY_NAME,
  SITE_TOP_LEVEL_NAMES,
} from './site-layout.ts';

/**
 * What CloudFront does in front of the site bucket: how long the edge keeps each kind of file,
 * what it adds to every response, and the code of its two CloudFront Functions.
 * infra/site-distribution.ts deploys exactly this, and the local site server
 * (shared/local/edge.ts) models it, running the same function code, so what a reader of
 * `feedpub dev` sees is what a reader of the deployed site sees.
 *
 * Freshness comes from short edge lifetimes, not invalidations (README "Fresh at the edge"):
 * the edge keeps a feed 1 s, a listing 5 s, a page 30 s, then revalidates against S3 (a
 * conditional GET: 304, no body). Staleness is bounded by those numbers whatever happens, and
 * the cost is bounded by paths × lifetimes, never by how often we publish; invalidating the
 * paths of every batch would cost $0.005 a path, ~$2,850 a month at 1,000 articles a day
 * (README, "Fresh at the edge").
 * No `stale-while-revalidate`: it would serve a copy older than these bounds to the first
 * reader after a quiet spell, a hub answering our ping included.
 */

/** How long the edge keeps a file of each kind (seconds): the objects' `s-maxage`. */
export const EDGE_SECONDS = { feed: 1, listing: 5, page: 30, archive: 30 } as const;

/** How long browsers and feed readers keep one (seconds): the objects' `max-age`. */
const CLIENT_SECONDS = { feed: 0, listing: 60, page: 60, archive: 60, notFound: 5 } as const;

/**
 * The Cache-Control each site file is written with. `must-revalidate` on feeds: a reader that
 * has one asks again (a 304) before showing it.
 */
export const CACHE_CONTROL = {
  feed: `public, max-age=${CLIENT_SECONDS.feed}, s-maxage=${EDGE_SECONDS.feed}, must-revalidate`,
  listing: `public, max-age=${CLIENT_SECONDS.listing}, s-maxage=${EDGE_SECONDS.listing}`,
  page: `public, max-age=${CLIENT_SECONDS.page}, s-maxage=${EDGE_SECONDS.page}`,
  /**
   * A full archive page (RFC 5005: one with a newer page after it): its list stays, but it
   * changes when one of its stories is withdrawn, moved or corrected, or one is published with
   * an older date, so it is kept as a page is: a withdrawn story's text leaves the edge within
   * 30 s wherever it was (an hour at readers kept it there long after its takedown).
   */
  archive: `public, max-age=${CLIENT_SECONDS.archive}, s-maxage=${EDGE_SECONDS.archive}`,
  notFound: `public, max-age=${CLIENT_SECONDS.notFound}`,
} as const;

/**
 * The cache policy's bounds (seconds). Within them each object's own Cache-Control decides;
 * the maximum also bounds files written before these lifetimes (0.1 wrote `max-age=3600` on
 * pages: a takedown still leaves the edge within a minute).
 */
export const EDGE_TTL = { minSeconds: 0, defaultSeconds: 5, maxSeconds: 60 } as const;

/** A cache policy's bounds (seconds). */
export interface EdgeTtl {
  readonly minSeconds: number;
  readonly defaultSeconds: number;
  readonly maxSeconds: number;
}

/**
 * Media files never change under their URL (`media/<path>.<version>.<ext>`, written with
 * `max-age=31536000, immutable`: shared/contract/media.ts), so the edge may keep them as long
 * as browsers do, a year. An object there without a Cache-Control of its own is not one of
 * ours: the short default. Taking a media file down at once needs an invalidation of its path.
 */
export const MEDIA_EDGE_TTL = {
  minSeconds: 0,
  defaultSeconds: EDGE_TTL.defaultSeconds,
  maxSeconds: 365 * 86_400,
} as const satisfies EdgeTtl;

/**
 * The cache behaviours besides the default one (which has EDGE_TTL), in CloudFront's order:
 * the first whose path pattern matches the request's path applies. Each differs from the
 * default only in its cache policy (same functions, same response headers).
 */
export const EDGE_CACHE_BEHAVIORS = [
  {
    id: 'Media',
    pathPattern: `${MEDIA_SITE_PREFIX}*`,
    comment: 'feedpub: content-versioned media, immutable, kept up to a year',
    ttl: MEDIA_EDGE_TTL,
  },
] as const;

/** CloudFront's path-pattern match: `*` any characters, `?` one, case-sensitive, whole path. */
function matchesPathPattern(pattern: string, uri: string): boolean {
  const path = uri.startsWith('/') ? uri.slice(1) : uri;
  const glob = pattern.startsWith('/') ? pattern.slice(1) : pattern;
  const source = glob
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(path);
}

/** The cache policy bounds that apply to a request path (as the viewer asked it). */
export function edgeTtlFor(uri: string): EdgeTtl {
  return EDGE_CACHE_BEHAVIORS.find((b) => matchesPathPattern(b.pathPattern, uri))?.ttl ?? EDGE_TTL;
}

/** How long the edge keeps a "not found" (seconds): a page a feed is about to link is not
 * missing for long. */
export const EDGE_ERROR_SECONDS = 2;

/**
 * Pages and feeds contain sanitized HTML only: no scripts, no frames, no forms. Images and
 * media may come from anywhere over https, as article authors link them.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "img-src 'self' https: data:",
  "media-src 'self' https:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const HSTS_SECONDS = 730 * 86_400;

/** The headers the edge adds to every response (the response headers policy). */
export const EDGE_HEADERS = {
  'strict-transport-security': `max-age=${HSTS_SECONDS}; includeSubDomains`,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'content-security-policy': CONTENT_SECURITY_POLICY,
} as const;

/**
 * The Content-Types CloudFront compresses (gzip or Brotli, for a viewer that accepts them, a
 * body of 1,000 to 10,000,000 bytes with a Content-Length), as its developer guide lists them
 * ("Serving compressed files"; the feed types are not among them: STORED_CONTENT_TYPE).
 * `feedpub dev`'s edge compresses the same.
 */
export const EDGE_COMPRESSED_TYPES: ReadonlySet<string> = new Set([
  'application/dash+xml',
  'application/eot',
  'application/font',
  'application/font-sfnt',
  'application/javascript',
  'application/json',
  'application/opentype',
  'application/otf',
  'application/pkcs7-mime',
  'application/protobuf',
  'application/rss+xml',
  'application/truetype',
  'application/ttf',
  'application/vnd.apple.mpegurl',
  'application/vnd.ms-fontobject',
  'application/xhtml+xml',
  'application/xml',
  'application/x-font-opentype',
  'application/x-font-truetype',
  'application/x-font-ttf',
  'application/x-httpd-cgi',
  'application/x-javascript',
  'application/x-mpegurl',
  'application/x-opentype',
  'application/x-otf',
  'application/x-perl',
  'application/x-ttf',
  'font/eot',
  'font/opentype',
  'font/otf',
  'font/ttf',
  'image/svg+xml',
  'text/css',
  'text/csv',
  'text/html',
  'text/javascript',
  'text/js',
  'text/plain',
  'text/richtext',
  'text/tab-separated-values',
  'text/xml',
  'text/x-component',
  'text/x-java-source',
  'text/x-script',
  'vnd.apple.mpegurl',
]);

/** The sizes CloudFront compresses, in bytes (EDGE_COMPRESSED_TYPES). */
export const EDGE_COMPRESSED_BYTES = { least: 1000, most: 10_000_000 } as const;

/** The methods the distribution takes from viewers: OPTIONS for CORS preflights. */
export const EDGE_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const;

/**
 * CORS for browser-based feed readers: any origin may GET, without credentials, and read the
 * headers a reader needs besides the safelisted ones: the validators it sends back
 * (If-None-Match, If-Modified-Since) and the WebSub `Link` header (hub and self).
 */
export const EDGE_CORS = {
  allowOrigin: '*',
  allowMethods: ['GET', 'HEAD'],
  allowHeaders: ['*'],
  exposeHeaders: ['ETag', 'Last-Modified', 'Link'],
  /** How long a browser may keep a preflight's answer (Chromium keeps at most 2 hours). */
  maxAgeSeconds: 86400,
} as const;

/** The size a CloudFront Function's code may have. */
export const CLOUDFRONT_FUNCTION_MAX_BYTES = 10_240;

/** How long a browser keeps the viewer-request function's 301s (old addresses, folders). */
const REDIRECT_CACHE = 'public, max-age=3600';

/**
 * The redirect rules as the viewer-request function holds them (none: no code at all, so a
 * site without rules runs the function it always ran), and the function that applies them.
 */
function redirectRulesCode(redirects: readonly string[]): string {
  if (redirects.length === 0) return '';
  const rules = redirects.map(compileRedirect);
  const ours = `^/(?:${SITE_TOP_LEVEL_NAMES.map((name) => name.replace(/\./g, '\\.')).join('|')})(?:/|$)`;
  return `
var OURS = new RegExp(${JSON.stringify(ours)});
var REDIRECTS = [${rules.map((r) => `[new RegExp(${JSON.stringify(r.pattern)}), ${JSON.stringify(r.to)}]`).join(', ')}];
function redirectOf(uri) {
  if (uri.length > ${MAX_OLD_ADDRESS_LENGTH} || OURS.test(uri)) return undefined;
  for (var i = 0; i < REDIRECTS.length; i++) {
    var match = REDIRECTS[i][0].exec(uri);
    if (!match) continue;
    var to = '';
    for (var j = 0; j < REDIRECTS[i][1].length; j++) {
      var piece = REDIRECTS[i][1][j];
      to += typeof piece === 'number' ? match[piece] : piece;
    }
    return to;
  }
  return undefined;
}`;
}

const REDIRECT_CALL = `
  var moved = redirectOf(uri);
  if (moved !== undefined) {
    return {
      statusCode: 301,
      statusDescription: 'Moved Permanently',
      headers: { location: { value: moved }, 'cache-control': { value: '${REDIRECT_CACHE}' } },
    };
  }`;

/**
 * The viewer-request function: a CORS preflight (`OPTIONS`: a browser-based reader about to
 * send `If-None-Match` or another header of its own) answered 204 with EDGE_CORS, never sent to
 * the bucket (S3 refuses it without a CORS configuration of its own); `/tags/` →
 * `/tags/index.html`, and one of the site's folders named without its slash (FOLDER_PATH:
 * `/tags`) redirected to its folder (`/tags/`), as a static host with index documents does;
 * any other path goes to the bucket as asked (`/about`: a 404, not a redirect to one).
 * CloudFront's `defaultRootObject` covers only `/`. Before those, an old address that one of
 * `redirects` matches (shared/contract/redirects.ts; never one of the site's own paths) answers
 * 301 with where its rule sends it.
 */
export function edgeRequestFunctionCode(redirects: readonly string[] = []): string {
  const preflight = {
    'access-control-allow-origin': { value: EDGE_CORS.allowOrigin },
    'access-control-allow-methods': { value: EDGE_CORS.allowMethods.join(', ') },
    'access-control-allow-headers': { value: EDGE_CORS.allowHeaders.join(', ') },
    'access-control-max-age': { value: String(EDGE_CORS.maxAgeSeconds) },
  };
  return `var FOLDER = new RegExp(${JSON.stringify(FOLDER_PATH.source)});${redirectRulesCode(redirects)}
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (request.method === 'OPTIONS') {
    return { statusCode: 204, statusDescription: 'No Content', headers: ${JSON.stringify(preflight)} };
  }${redirects.length > 0 ? REDIRECT_CALL : ''}
  if (uri.charAt(uri.length - 1) === '/') {
    request.uri = uri + 'index.html';
    return request;
  }
  if (FOLDER.test(uri.substring(1))) {
    return {
      statusCode: 301,
      statusDescription: 'Moved Permanently',
      headers: { location: { value: uri + '/' }, 'cache-control': { value: '${REDIRECT_CACHE}' } },
    };
  }
  return request;
}
`;
}

export interface EdgeResponseOptions {
  /** WebSub hubs every feed names (none: only its own URL). */
  hubs: readonly string[];
  /**
   * The site URL feeds name themselves under (`https://news.example.com/`, a path allowed), for
   * `rel="self"`; absent: https and the Host the reader asked (CloudFront redirects http to
   * https, and its own domain name is not known before the distribution exists).
   */
  siteUrl?: string;
}

/**
 * The object metadata (`x-amz-meta-…` on the origin's answer) that makes the edge answer a site
 * file with another status: `410` for a withdrawn story's notice page.
 */
export const EDGE_STATUS_METADATA = 'feedpub-status';
/** With status `301`: where to (an absolute URL). */
export const EDGE_LOCATION_METADATA = 'feedpub-location';

/**
 * The viewer-response function: a file whose metadata says so (EDGE_STATUS_METADATA) answered
 * with that status instead of 200 (a 301 with its Location), without ETag or Last-Modified
 * (only a 2xx is revalidated: a 304 for a 410 would tell a client nothing); every object metadata header
 * (`x-amz-meta-*`: that marker, the render stamp, the content hash) dropped. On a feed
 * (`rss.xml`, `atom.xml` or `feed.json` at the root, or in a tag's or an author's folder)
 * answered 200 or 304, the WebSub discovery header
 * `Link: <hub>; rel="hub", <feed URL>; rel="self"` (W3C WebSub §4).
 */
export function edgeResponseFunctionCode({ hubs, siteUrl }: EdgeResponseOptions): string {
  const files = FEED_FORMATS.map(feedFileName);
  return `var HUBS = ${JSON.stringify(hubs)};
var SITE = ${JSON.stringify(siteUrl ?? null)};
var FEED_FILES = ${JSON.stringify(files)};
var SERVED_TYPES = ${JSON.stringify(SERVED_TYPE_BY_NAME)};
var FEED_FOLDER = /^\\/((tags|authors)\\/[^\\/]+\\/)?[^\\/]*$/;
// Each segment as the feed's own self link spells it: decoded, then percent-encoded.
function selfPath(uri) {
  return uri.substring(1).split('/').map(function (segment) {
    try { return encodeURIComponent(decodeURIComponent(segment)); } catch (e) { return segment; }
  }).join('/');
}
function handler(event) {
  var request = event.request;
  var response = event.response;
  var uri = request.uri;
  var file = uri.substring(uri.lastIndexOf('/') + 1);
  var status = response.statusCode;
  var meta = response.headers['x-amz-meta-${EDGE_STATUS_METADATA}'];
  var to = response.headers['x-amz-meta-${EDGE_LOCATION_METADATA}'];
  // Our object metadata (this marker, the render stamp, the content hash) is no reader's business.
  for (var name in response.headers) {
    if (name.indexOf('x-amz-meta-') === 0) delete response.headers[name];
  }
  if (meta && status === 200) {
    if (meta.value === '410') response.statusCode = 410;
    if (meta.value === '301' && to) {
      response.statusCode = 301;
      response.headers['location'] = { value: to.value };
    }
    // No validators on a 410 or 301: a client holding none asks no conditional request, which
    // CloudFront would answer 304 from the object (RFC 9110 §13.2.1: only a 2xx is revalidated).
    if (response.statusCode !== 200) {
      delete response.headers['etag'];
      delete response.headers['last-modified'];
    }
  }
  // Stored as generic XML or JSON so that the edge compresses it (STORED_CONTENT_TYPE): served
  // with its own type.
  var served = response.statusCode < 300 || response.statusCode === 304;
  if (served && SERVED_TYPES[file] && response.headers['content-type']) {
    response.headers['content-type'] = { value: SERVED_TYPES[file] };
  }
  if ((status === 200 || status === 304) && FEED_FILES.indexOf(file) !== -1 && FEED_FOLDER.test(uri)) {
    var host = request.headers.host ? request.headers.host.value : '';
    var self = (SITE || 'https://' + host + '/') + selfPath(uri);
    var links = HUBS.map(function (hub) { return '<' + hub + '>; rel="hub"'; });
    links.push('<' + self + '>; rel="self"');
    response.headers['link'] = { value: links.join(', ') };
  }
  return response;
}
`;
}
