import type { SiteConfig } from '../config/site.ts';
import { htmlPage, withHtml } from './page-shell.ts';
import { siteWords } from './site-words.ts';
import { escapeMarkup as e, oneLine } from './xml-safe.ts';

/** The 404 page: says so, and points home. */
export function renderNotFound(site: SiteConfig): string {
  const words = siteWords(site);
  const home = `<a href="${e(site.url)}">${e(words.homePage)}</a>`;
  const said = withHtml(words.notFound, home);
  return htmlPage({
    site,
    // The page says only the site's words.
    lang: words.lang,
    title: `${words.pageNotFound} — ${oneLine(site.title)}`,
    feeds: [{ kind: 'all' }],
    body: `<main>\n<h1>${e(words.pageNotFound)}</h1>\n<p>${said}</p>\n</main>`,
  });
}
