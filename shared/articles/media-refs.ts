/**
 * Relative references in an article (Markdown images and links, HTML `src` and `href`, the
 * `image` field) resolve against the article's own inbox key, as they would beside it on disk:
 * `photo.jpg` in `articles/2026/12/story.md` is `articles/2026/12/photo.jpg`, and
 * `story/lead.jpg` is `articles/2026/12/story/lead.jpg`. One naming a media file becomes that
 * file's site URL (its placeholder until ingest knows the file: README "Media"); a link to
 * another article's file (`other-story.md`) becomes that article's page, where the file's
 * path publishes it.
 */
import { isMediaKey, mediaName, mediaPlaceholderPath } from '../contract/media.ts';
import { articlePath, siteUrlOf } from '../contract/site-layout.ts';
import { idFromKey } from './object-key.ts';
import { quote, removeXmlForbidden } from './text.ts';

const INBOX_ORIGIN = 'https://inbox.invalid/';
/** An article's file (README "Writing an article"): a link to one means its page. */
const ARTICLE_FILE = /[^/]\.(?:md|markdown|json|txt)$/i;
/** A scheme (`https:`, `mailto:`), a root (`/`), a fragment or a query: not path-relative. */
const NOT_PATH_RELATIVE = /^(?:[a-z][a-z0-9+.-]*:|[/\\#?])/i;

/** The media an article refers to, collected while its references are resolved. */
export class MediaReferences {
  /** Media names (mediaName: inbox keys composed), in order of first reference. */
  readonly keys: string[] = [];
  readonly warnings: string[] = [];
  private readonly articleKey: string;
  private readonly siteUrl: string;

  constructor(articleKey: string, siteUrl: string) {
    this.articleKey = articleKey;
    this.siteUrl = siteUrl;
  }

  /** Whether `raw` is path-relative: a file beside the article in the inbox, not a URL or a site path. */
  isInboxPath(raw: string): boolean {
    const value = removeXmlForbidden(raw).trim();
    return value !== '' && !NOT_PATH_RELATIVE.test(value);
  }

  /**
   * The site URL a path-relative reference to a media file stands for, or undefined when `raw`
   * is not one (it is then resolved as before: against the article's page). A reference that
   * leaves `articles/` is reported.
   */
  resolve(raw: string, where: string): string | undefined {
    const value = removeXmlForbidden(raw).trim();
    if (value === '' || NOT_PATH_RELATIVE.test(value)) return undefined;
    let url: URL;
    try {
      url = new URL(value, new URL(encodePath(this.articleKey), INBOX_ORIGIN));
    } catch {
      return undefined;
    }
    let key: string;
    try {
      // As the file is found on disk: `a//b.png` is `a/b.png`.
      key = decodeURIComponent(url.pathname.slice(1)).replace(/\/{2,}/g, '/');
    } catch {
      return undefined;
    }
    if (!key.startsWith('articles/')) {
      if (isMediaKey(key))
        this.warnings.push(
          `${where} ${quote(value)} points outside articles/ (to ${quote(key)}): put the file under articles/`,
        );
      return undefined;
    }
    if (where === 'link' && ARTICLE_FILE.test(key))
      return `${siteUrlOf(this.siteUrl, articlePath(idFromKey(key)))}${url.hash}`;
    if (!isMediaKey(key)) return undefined;
    const name = mediaName(key);
    if (!this.keys.includes(name)) this.keys.push(name);
    return siteUrlOf(this.siteUrl, mediaPlaceholderPath(name));
  }
}

function encodePath(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
