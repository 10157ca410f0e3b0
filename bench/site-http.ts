/**
 * The site as a reader gets it: plain HTTP GETs of s3rver's path-style URLs (no signature).
 * Used instead of shared/local/site-server.ts, which serves the same objects.
 */

/**
 * s3rver rewrites an object's file and its metadata in place, so a GET that lands during an
 * overwrite can fail: HTTP 500 (half-written metadata) or a body shorter than the
 * Content-Length it announced (file truncated under it). Real S3 swaps objects atomically.
 */
export class SiteReadError extends Error {
  constructor(
    readonly path: string,
    readonly status: number | 'torn',
    options?: ErrorOptions,
  ) {
    super(`GET ${path}: ${status === 'torn' ? 'body torn or stalled' : `HTTP ${status}`}`, options);
    this.name = 'SiteReadError';
  }
}

/** No byte for this long mid-body: s3rver announced more than the file now holds (see below). */
const STALL_MS = 250;

async function readBody(response: Response, abort: AbortController): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  for (;;) {
    const timer = setTimeout(() => abort.abort(), STALL_MS);
    try {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    } finally {
      clearTimeout(timer);
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * GETs a site object; undefined when it does not exist. Throws SiteReadError when the read is
 * torn: s3rver then keeps the connection open ~6 s waiting for bytes that never come, which
 * would be measured as latency, so a stalled body is abandoned after {@link STALL_MS}.
 */
export async function getSiteFile(
  s3Endpoint: string,
  bucket: string,
  path: string,
): Promise<string | undefined> {
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  const abort = new AbortController();
  const response = await fetch(`${s3Endpoint}/${bucket}/${encoded}`, { signal: abort.signal });
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new SiteReadError(path, response.status);
  }
  try {
    return await readBody(response, abort);
  } catch (cause) {
    throw new SiteReadError(path, 'torn', { cause });
  }
}

const GUID = /<guid isPermaLink="false">([^<]+)<\/guid>/g;

/** The item guids of an RSS document, in order. */
export function rssGuids(rss: string): string[] {
  return [...rss.matchAll(GUID)].map((m) => m[1] as string);
}
