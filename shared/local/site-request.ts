import { INDEX_PATH } from '../contract/site-layout.ts';

/**
 * How a request path becomes a site bucket key, and when a stored object is "not modified":
 * what CloudFront in front of the site bucket does, as plain functions.
 */

export type SiteTarget = { key: string; directory: boolean } | { status: 400; why: string };

/**
 * `/` → `index.html`, `/tags/` → `tags/index.html`, `/articles/a%20b.html` → `articles/a b.html`.
 * Segments are percent-decoded one by one; `.`/`..` segments, NUL, backslashes and encoded
 * slashes are refused, so no key can step outside the site's own paths.
 */
export function siteTarget(rawUrl: string): SiteTarget {
  const pathname = rawUrl.split('?')[0] ?? '';
  if (!pathname.startsWith('/')) return { status: 400, why: 'the path must start with /' };
  const segments: string[] = [];
  for (const raw of pathname.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { status: 400, why: `"${raw}" is not valid percent-encoding` };
    }
    if (segment === '.' || segment === '..' || /[/\\\0]/.test(segment))
      return { status: 400, why: `path segment "${raw}" is not allowed` };
    segments.push(segment);
  }
  const last = segments.pop() ?? '';
  if (segments.some((s) => s === '')) return { status: 400, why: 'empty path segment' };
  const folder = segments.map((s) => `${s}/`).join('');
  if (last === '') return { key: `${folder}${INDEX_PATH}`, directory: true };
  return { key: `${folder}${last}`, directory: false };
}

export interface Conditions {
  ifNoneMatch?: string;
  ifModifiedSince?: string;
}

/**
 * RFC 9110 §13.1: If-None-Match (weak comparison, lists, `*`) wins over If-Modified-Since,
 * which is compared at the one-second precision of HTTP dates.
 */
export function isNotModified(
  conditions: Conditions,
  etag: string | undefined,
  lastModified: Date | undefined,
): boolean {
  if (conditions.ifNoneMatch !== undefined) {
    if (!etag) return false;
    const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
    const tags = conditions.ifNoneMatch.split(',').map(opaque);
    return tags.includes('*') || tags.includes(opaque(etag));
  }
  if (conditions.ifModifiedSince && lastModified) {
    const since = Date.parse(conditions.ifModifiedSince);
    if (Number.isNaN(since)) return false;
    return Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
  }
  return false;
}
