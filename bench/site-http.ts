/**
 * The site as a reader gets it: plain HTTP GETs of s3rver's path-style URLs (no signature).
 * Used instead of shared/local/site-server.ts, which serves the same objects.
 */
export async function getSiteFile(
  s3Endpoint: string,
  bucket: string,
  path: string,
): Promise<string | undefined> {
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  const response = await fetch(`${s3Endpoint}/${bucket}/${encoded}`);
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
  return response.text();
}

const GUID = /<guid isPermaLink="false">([^<]+)<\/guid>/g;

/** The item guids of an RSS document, in order. */
export function rssGuids(rss: string): string[] {
  return [...rss.matchAll(GUID)].map((m) => m[1] as string);
}
