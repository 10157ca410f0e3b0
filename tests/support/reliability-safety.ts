/**
 * What no file of the site may contain, whatever was uploaded: script elements, event-handler
 * attributes, script URLs, active elements. Checked on the raw bytes (CDATA included), and
 * on the HTML that feeds carry as text (RSS description/content:encoded, Atom content/summary,
 * JSON content_html), decoded once, as a reader decodes it before rendering.
 *
 * The one exception: a page's schema.org data block (shared/feeds/page-shell.ts `jsonLdBlock`),
 * which a browser never runs. Only its exact form passes: see jsonLdBlockAt.
 */

const SCRIPT = /<\s*script/gi;
/** The opening tag of a JSON-LD data block, byte for byte as pages write it. */
const JSON_LD_OPEN = '<script type="application/ld+json">';
const SCRIPT_CLOSE = '</script>';
/** Elements that run code, load documents or submit data; none belongs in a feed or page. */
const ACTIVE =
  /<\s*(iframe|object|embed|base|form|svg|math|frame|frameset|applet|input|button|portal|isindex|keygen|template)\b/i;
/** A start tag: `<name ...>`; a quoted attribute value may hold a `>`. */
const TAG = /<([a-zA-Z][\w:.-]*)((?:"[^"]*"|'[^']*'|[^<>"'])*)>/g;
const ATTRIBUTE = /[\s/]([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: browsers ignore these inside a URL scheme
const IGNORED_IN_SCHEME = /[\s\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\ufeff]/g;
const SCRIPT_URL = /^(?:javascript|vbscript|livescript|mocha|data):/i;
/** Attributes a browser or reader follows as a URL (a label or title is only text). */
const URL_ATTRIBUTE =
  /^(?:href|src|xlink:href|action|formaction|data|srcset|poster|background|lowsrc|dynsrc|cite|longdesc|ping|manifest|codebase|icon|uri|url|xmlurl|htmlurl|scheme)$/i;

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  colon: ':',
  tab: '\t',
  newline: '\n',
  nbsp: '\u00a0',
};

/** Decodes character references as an HTML parser would in an attribute value. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);?/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code =
        ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

/** Whether an attribute value or URL field, decoded and cleaned as a browser does, runs script. */
export function isScriptUrl(value: string): boolean {
  return SCRIPT_URL.test(
    decodeEntities(value.replace(/^["']|["']$/g, ''))
      .normalize('NFKC')
      .replace(IGNORED_IN_SCHEME, ''),
  );
}

/**
 * The end (index after `</script>`) of the JSON-LD data block starting at `index`, if one does:
 * exactly JSON_LD_OPEN, then content that parses as JSON and holds no `<` (pages escape `<`,
 * `>` and `&` in it as \u003c etc., so nothing in it can close the element or be markup), then
 * `</script>`. Anything else there (another attribute, another type, a non-JSON body) is none.
 */
export function jsonLdBlockAt(markup: string, index: number): number | undefined {
  if (!markup.startsWith(JSON_LD_OPEN, index)) return undefined;
  const start = index + JSON_LD_OPEN.length;
  const end = markup.indexOf(SCRIPT_CLOSE, start);
  if (end < 0) return undefined;
  const content = markup.slice(start, end);
  if (content.includes('<')) return undefined;
  try {
    JSON.parse(content);
  } catch {
    return undefined;
  }
  return end + SCRIPT_CLOSE.length;
}

/**
 * Problems in one piece of markup: a whole file, or HTML a feed carries. `page`: a whole HTML
 * page, which may hold its own `<style>` element and one JSON-LD data block (jsonLdBlockAt);
 * HTML a feed carries may hold neither.
 */
export function markupProblems(markup: string, where: string, page = false): string[] {
  const problems: string[] = [];
  const at = (what: string, index: number) =>
    `${where}: ${what} at ${index}: ${JSON.stringify(markup.slice(Math.max(0, index - 30), index + 60))}`;
  let dataBlocks = 0;
  for (const found of markup.matchAll(SCRIPT)) {
    const end = page && dataBlocks === 0 ? jsonLdBlockAt(markup, found.index) : undefined;
    if (end === undefined) {
      problems.push(at('<script', found.index));
      break;
    }
    dataBlocks += 1;
  }
  const active = ACTIVE.exec(markup);
  if (active) problems.push(at('active element', active.index));
  const styles = [...markup.matchAll(/<\s*style\b/gi)];
  if (styles.length > (page ? 1 : 0)) problems.push(at('<style', styles.at(-1)?.index ?? 0));
  for (const tag of markup.matchAll(TAG)) {
    for (const attribute of (tag[2] ?? '').matchAll(ATTRIBUTE)) {
      const [, name = '', value = ''] = attribute;
      if (/^on/i.test(name)) problems.push(at(`event handler ${name}=`, tag.index ?? 0));
      else if (/^http-equiv$/i.test(name)) problems.push(at('<meta http-equiv', tag.index ?? 0));
      else if (name.toLowerCase() === 'style') problems.push(at('style attribute', tag.index ?? 0));
      else if (URL_ATTRIBUTE.test(name) && value && isScriptUrl(value))
        problems.push(at(`${name}= script URL`, tag.index ?? 0));
    }
  }
  return problems;
}

/** The text of a run of XML character data: CDATA sections verbatim, the rest entity-decoded. */
export function xmlText(inner: string): string {
  return inner
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) => (part.startsWith('<![CDATA[') ? part.slice(9, -3) : decodeEntities(part)))
    .join('');
}

const HTML_FIELDS = /<(description|content:encoded|content|summary)\b[^>]*>([\s\S]*?)<\/\1>/g;
/** Text that is a URL: feeds' links and ids, and sitemaps' `<loc>`. */
const URL_TEXT = /<(link|guid|id|uri|docs|url|loc)>([^<]*)<\/\1>/g;

function xmlFeedProblems(path: string, xml: string): string[] {
  const problems: string[] = [];
  for (const field of xml.matchAll(HTML_FIELDS)) {
    problems.push(...markupProblems(xmlText(field[2] ?? ''), `${path} <${field[1]}> (decoded)`));
  }
  for (const field of xml.matchAll(URL_TEXT)) {
    const value = xmlText(field[2] ?? '').trim();
    if (!/^(?:https?:\/\/|urn:uuid:)/.test(value))
      problems.push(`${path}: <${field[1]}> ${JSON.stringify(value)}`);
  }
  return problems;
}

type Json = Record<string, unknown>;
const URL_KEYS = new Set([
  'url',
  'external_url',
  'image',
  'banner_image',
  'home_page_url',
  'feed_url',
  'icon',
  'favicon',
  'avatar',
  'next_url',
]);

function jsonFeedSafety(path: string, text: string): string[] {
  const problems: string[] = [];
  // Not even in plain-text fields: the bytes are safe to embed in a page or sniff as HTML.
  if (/<\/?script/i.test(text)) problems.push(`${path}: <script in the document's bytes`);
  const visit = (node: unknown, trail: string) => {
    if (Array.isArray(node)) {
      for (const [i, child] of node.entries()) visit(child, `${trail}[${i}]`);
    } else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node as Json)) {
        const here = `${trail}.${key}`;
        if (typeof value === 'string') {
          if (key === 'content_html') problems.push(...markupProblems(value, `${path} ${here}`));
          if (URL_KEYS.has(key) && !/^(?:https?:\/\/|mailto:)/.test(value))
            problems.push(`${path} ${here}: ${JSON.stringify(value)}`);
          if (URL_KEYS.has(key) && isScriptUrl(value)) problems.push(`${path} ${here}: script URL`);
        } else visit(value, here);
      }
    }
  };
  visit(JSON.parse(text), '$');
  return problems;
}

/** Every safety problem of every file of a site bucket. */
export function siteSafetyProblems(files: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const [path, body] of files) {
    if (path.endsWith('.json')) {
      problems.push(...jsonFeedSafety(path, body));
      continue;
    }
    problems.push(...markupProblems(body, path, path.endsWith('.html')));
    if (path.endsWith('.xml')) problems.push(...xmlFeedProblems(path, body));
  }
  return problems;
}

const SEGMENT = /^[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}_-]*$/u;
const FIXED = new Set([
  'index.html',
  'rss.xml',
  'atom.xml',
  'feed.json',
  'feeds.opml',
  '404.html',
  'tags/index.html',
  'sitemap.xml',
  'sitemaps/pages.xml',
  'news-sitemap.xml',
  'robots.txt',
]);
/** A day's sitemap: `sitemaps/<YYYY-MM-DD>.xml`. */
const DAY_SITEMAP = /^sitemaps\/\d{4}-\d{2}-\d{2}\.xml$/;
/**
 * A tag's or author's feed file or page of stories, or an archive page of any feed (RFC 5005:
 * `[tags|authors/<slug>/]archive/<first | YYYY-MM-DD-<10 hex>>/<file>`).
 */
const FEED_FILE =
  /^(?:(tags|authors)\/([^/]+)\/)?(?:archive\/(first|\d{4}-\d{2}-\d{2}-[0-9a-f]{10})\/)?(rss\.xml|atom\.xml|feed\.json|index\.html)$/;
const PAGE = /^articles\/(.+)\.html$/;
/** A published media file: `media/<path below articles/>` with a 12-hex version before its extension. */
const MEDIA = /^media\/(.+)\.[0-9a-f]{12}(\.[a-z0-9]+)?$/;

/** Site keys outside the layout of shared/contract/site-layout.ts (no `..`, no empty segment). */
export function layoutProblems(keys: Iterable<string>): string[] {
  const problems: string[] = [];
  for (const key of keys) {
    if (FIXED.has(key) || DAY_SITEMAP.test(key)) continue;
    const feed = FEED_FILE.exec(key);
    if (feed && (feed[1] === undefined || SEGMENT.test(feed[2] ?? ''))) continue;
    const media = MEDIA.exec(key);
    if (media && (media[1] ?? '').split('/').every((segment) => !['', '.', '..'].includes(segment)))
      continue;
    const page = PAGE.exec(key);
    if (page && (page[1] ?? '').split('/').every((segment) => SEGMENT.test(segment))) continue;
    problems.push(`outside the site layout: ${JSON.stringify(key)}`);
  }
  return problems;
}
