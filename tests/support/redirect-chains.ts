/**
 * Following the redirects the site answers (a moved page, an archive page that went), as a
 * reader's client does, for the oracles that check where they lead.
 */

/** How a site answers a path: the absolute Location of its 301, and whether a file is there. */
export interface SiteAnswers {
  locationOf(path: string): string | undefined;
  exists(path: string): boolean;
}

/**
 * Where the redirects from `path` end (a site path; a folder URL as its index.html), or what is
 * wrong with them: a loop, a Location outside `siteUrl`, an end where no file is.
 */
export function followRedirects(
  path: string,
  site: SiteAnswers,
  siteUrl: string,
): { end: string } | { problem: string } {
  let at = path;
  for (let hops = 0; ; hops++) {
    const location = site.locationOf(at);
    if (location === undefined) break;
    if (hops >= 20 || !location.startsWith(siteUrl))
      return { problem: `${path} redirects to ${location || 'nowhere'}` };
    at = decodeURI(location.slice(siteUrl.length)).replace(/(^|\/)$/, '$1index.html');
  }
  return site.exists(at)
    ? { end: at }
    : { problem: `${path} redirects to ${at}, which is not there` };
}
