import type { SiteConfig } from '../config/site.ts';
import { htmlPage } from './page-shell.ts';
import { escapeMarkup as e, oneLine } from './xml-safe.ts';

/** The 404 page: says so, and points home. */
export function renderNotFound(site: SiteConfig): string {
  return htmlPage({
    site,
    title: `Page not found — ${oneLine(site.title)}`,
    feeds: [{ kind: 'all' }],
    body: `<main>\n<h1>Page not found</h1>\n<p>There is nothing at this address. The <a href="${e(site.url)}">home page</a> lists the latest articles.</p>\n</main>`,
  });
}
