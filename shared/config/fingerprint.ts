import { sha256 } from '../contract/content-hash.ts';
import { SETTING_NAMES, type SettingName, SITE_SETTINGS } from './settings.ts';
import type { SiteConfig } from './site.ts';

/**
 * Whether each setting changes a byte of the site: the ones that do are in the fingerprint, so
 * a deploy that changes one of them re-renders every file (README "Changing settings"). Typed
 * over every SettingName: a new setting does not compile until it is classified here.
 *
 * All of them but `redirects` (the edge applies them). `hubs` too: every feed names its hubs
 * (`<atom:link rel="hub">`).
 */
const AFFECTS_OUTPUT: { readonly [K in SettingName]: boolean } = {
  url: true,
  title: true,
  description: true,
  language: true,
  itemLimit: true,
  hubs: true,
  feedContent: true,
  icon: true,
  withdrawnDays: true,
  // The edge applies them; no file changes (a deploy updates the function).
  redirects: false,
};

/**
 * Bumped when a release renders the same articles into different bytes (a renderer's fix), so
 * its deploy re-renders the site like a settings change. 2: archive pages are closed pages only
 * (publish/archive-pages.ts), and a subscription document shows the open page whole. 3: a tag's
 * or an author's feed links to its own page as its home; listing pages name their own feeds
 * first, and have a description; an older listing page is titled by its dates; an Atom entry whose
 * article names its language carries it (xml:lang); the tags page is addressed as its folder,
 * `/tags/` (links, canonical, sitemap, the category scheme). 4: JSON Feeds write the `<` of
 * a `<script` in a plain-text field as `\u003c`. 5: pages and teasers in a language written
 * right to left say so (`dir="rtl"`), and the site's own words around them their language. 6: a
 * lead that is audio or video is a player in pages and feed content, and never an image (no
 * `<img>`, share-card or schema.org image, JSON Feed `image`; Media RSS says its medium); a
 * lead whose inbox file is not published is no enclosure or figure until it is. 7: archive
 * pages name no WebSub hub (only subscription documents are pinged); a story page's byline and
 * Follow list say the site's language and direction, each name in them isolated (`<bdi>`). 8:
 * the stylesheet's quote bar and list indent are on a line's start side (right to left too);
 * the site's own words are in its language (shared/feeds/site-words.ts), a withdrawn story's
 * page in the story's; teasers isolate author names (`<bdi>`); one h1 a page (a body's own h1
 * demoted), listing stories as h2, named navigation landmarks, every player named, feed links
 * named with their feed, tables and code in named scrolling regions (`.scroll`). 9: story pages
 * name their locale (og:locale), lead image text (og:image:alt, twitter:image:alt) and large
 * image previews; their NewsArticle its language, its canonical URL and author pages; a tag or
 * author page with no story left is noindex; the tags page has a description.
 */
export const OUTPUT_VERSION = 9;

/**
 * A hash of everything in the settings that shapes the rendered site: an unset setting counts
 * as its default, so naming a default explicitly changes nothing.
 */
export function settingsFingerprint(config: SiteConfig): string {
  const shaping = SETTING_NAMES.filter((name) => AFFECTS_OUTPUT[name]).map((name) => [
    name,
    config[name] ?? SITE_SETTINGS[name].default ?? null,
  ]);
  return sha256(JSON.stringify({ version: OUTPUT_VERSION, settings: shaping })).slice(0, 32);
}
