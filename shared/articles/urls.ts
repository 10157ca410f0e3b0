import { quote, removeXmlForbidden } from './text.ts';

/** Longer URLs are dropped: no feed reader needs them and they bloat every feed. */
export const MAX_URL_LENGTH = 2048;
export const WEB_SCHEMES: readonly string[] = ['http:', 'https:'];
export const LINK_SCHEMES: readonly string[] = ['http:', 'https:', 'mailto:'];

export type ResolvedUrl = { ok: true; url: string } | { ok: false; problem: string };

/**
 * Resolves `raw` against the site URL with the WHATWG URL parser (which, like browsers,
 * ignores tabs and newlines inside the scheme and control characters around it) and
 * keeps it only if its scheme is allowed. The result is the parser's own serialization,
 * so what was checked is exactly what gets written.
 */
export function resolveUrl(raw: string, siteUrl: string, schemes = WEB_SCHEMES): ResolvedUrl {
  const value = removeXmlForbidden(raw).trim();
  if (value === '') return { ok: false, problem: 'is empty' };
  let url: URL;
  try {
    url = new URL(value, siteUrl);
  } catch {
    return { ok: false, problem: `${quote(value)} is not a URL` };
  }
  if (!schemes.includes(url.protocol)) {
    const allowed = schemes.map((scheme) => scheme.slice(0, -1)).join(', ');
    return { ok: false, problem: `${quote(value)} uses ${url.protocol} (allowed: ${allowed})` };
  }
  if (url.href.length > MAX_URL_LENGTH) {
    return { ok: false, problem: `${quote(value)} is longer than ${MAX_URL_LENGTH} characters` };
  }
  return { ok: true, url: url.href };
}

/**
 * An image URL as pages can show it: resolved like {@link resolveUrl}, and `http:` upgraded to
 * `https:` (the deployed pages only load https images, per their Content-Security-Policy)
 * unless it is on the site's own origin (a local site served over http). `upgraded` says so,
 * for the report.
 */
export function resolveImageUrl(
  raw: string,
  base: string,
  siteUrl: string,
): ResolvedUrl & { upgraded?: string } {
  const resolved = resolveUrl(raw, base);
  if (!resolved.ok) return resolved;
  const url = new URL(resolved.url);
  if (url.protocol !== 'http:' || url.origin === new URL(siteUrl).origin) return resolved;
  url.protocol = 'https:';
  return { ok: true, url: url.href, upgraded: resolved.url };
}
