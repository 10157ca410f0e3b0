import {
  HTML_ALLOW_LIST,
  PLAYER_FLAGS,
  PLAYER_PRELOAD,
  PLAYER_TAGS,
  SOURCE_TYPE,
  TRACK_KIND,
} from '../articles/html-allow-list.ts';
import { LINK_SCHEMES, WEB_SCHEMES } from '../articles/urls.ts';
import { escapeMarkup, xmlSafe } from './xml-safe.ts';

/**
 * Article HTML checked before it is served from the site's own origin. Ingest sanitized it
 * (shared/articles/sanitize.ts), and sanitize-html writes one canonical form: lower-case tags of
 * the allow-list, each attribute as ` name="value"` (not empty, but `alt`) with `&<>"` escaped, void tags as ` />`,
 * text with `&<>` escaped (no other entity), every tag closed. The guard accepts exactly that form, with the
 * allow-list's tags, attributes and URL schemes, and nothing else. A stored value that does not
 * pass came from somewhere else (a manual fix, a tool writing the table): the page shows its
 * text, never its markup.
 *
 * A check rather than a second sanitize: the same guarantee for pages without the HTML parser,
 * its entity tables and sanitize-html in the publish function (about 75 KB of its bundle).
 */
export function guardHtml(html: string): string {
  const safe = xmlSafe(html);
  return isCanonicalSafeHtml(safe) ? safe : asText(safe);
}

const TAGS = new Set(HTML_ALLOW_LIST.allowedTags);
/** The allow-list's tags sanitize-html writes self-closed (its `selfClosing`). */
const VOID = new Set(['br', 'hr', 'img', 'source', 'track']);
/** The tokens of the canonical form, each read where the last one ended. */
const TEXT = /&(?:amp|lt|gt);|[^<>&]+/y;
const CLOSE_TAG = /<\/([a-z][a-z0-9]*)>/y;
const OPEN_TAG = /<([a-z][a-z0-9]*)/y;
const ATTRIBUTE = / ([a-z][a-z0-9-]*)="([^"]*)"/y;
const OPEN_TAG_END = /( \/)?>/y;
const ATTRIBUTE_VALUE = /^(?:[^&<>"]|&(?:amp|lt|gt|quot);)*$/;
/** The schemes ingest resolves links and images with (resolveUrl, resolveImageUrl). */
const URL_ATTRIBUTES: Record<string, Record<string, readonly string[]>> = {
  a: { href: LINK_SCHEMES },
  img: { src: WEB_SCHEMES },
  audio: { src: WEB_SCHEMES },
  video: { src: WEB_SCHEMES, poster: WEB_SCHEMES },
  source: { src: WEB_SCHEMES },
  track: { src: WEB_SCHEMES },
};

/** Whether `html` is sanitize-html's output for the allow-list (see guardHtml). */
export function isCanonicalSafeHtml(html: string): boolean {
  let at = 0;
  const take = (token: RegExp): RegExpExecArray | null => {
    token.lastIndex = at;
    const match = token.exec(html);
    if (match) at = token.lastIndex;
    return match;
  };
  const open: string[] = [];
  while (at < html.length) {
    if (take(TEXT)) continue;
    const closing = take(CLOSE_TAG);
    if (closing) {
      if (open.pop() !== closing[1]) return false;
      continue;
    }
    const tag = take(OPEN_TAG)?.[1];
    if (tag === undefined || !TAGS.has(tag)) return false;
    const seen = new Set<string>();
    for (let attribute = take(ATTRIBUTE); attribute; attribute = take(ATTRIBUTE)) {
      const [, name = '', value = ''] = attribute;
      if (seen.has(name) || !attributeAllowed(tag, name, value)) return false;
      seen.add(name);
    }
    // A player sanitize wrote has its controls.
    if (PLAYER_TAGS.has(tag) && !seen.has('controls')) return false;
    const end = take(OPEN_TAG_END);
    if (!end || VOID.has(tag) !== (end[1] !== undefined)) return false;
    if (!VOID.has(tag)) open.push(tag);
  }
  return open.length === 0;
}

function attributeAllowed(tag: string, name: string, value: string): boolean {
  const permitted =
    HTML_ALLOW_LIST.allowedAttributes[tag]?.includes(name) ||
    HTML_ALLOW_LIST.allowedAttributes['*']?.includes(name);
  if (!permitted || !ATTRIBUTE_VALUE.test(value)) return false;
  // sanitize-html drops an empty attribute but `alt` (its allowedEmptyAttributes).
  if (value === '' && name !== 'alt') return false;
  if (FIXED_VALUES[name] && !FIXED_VALUES[name].test(unescapeValue(value))) return false;
  const schemes = URL_ATTRIBUTES[tag]?.[name];
  return schemes === undefined || urlAllowed(unescapeValue(value), schemes);
}

/** The values sanitize writes for these attributes (players' flags, preload, a source's type). */
const FIXED_VALUES: Record<string, RegExp> = {
  ...Object.fromEntries(PLAYER_FLAGS.map((flag) => [flag, new RegExp(`^${flag}$`)])),
  preload: PLAYER_PRELOAD,
  type: SOURCE_TYPE,
  kind: TRACK_KIND,
  crossorigin: /^anonymous$/,
  // As sanitize writes it: lower case.
  loading: /^(?:lazy|eager)$/,
};

/** An absolute URL, as ingest wrote it (resolveUrl's serialization), with an allowed scheme. */
function urlAllowed(value: string, schemes: readonly string[]): boolean {
  if (!/^[a-z]+:/.test(value)) return false;
  try {
    const url = new URL(value);
    return schemes.includes(url.protocol) && value.startsWith(url.protocol);
  } catch {
    return false;
  }
}

/** The text a canonical attribute value or text run stands for: its four entities read. */
export const unescapeValue = (value: string) =>
  value.replace(/&(amp|lt|gt|quot);/g, (_, name: string) =>
    name === 'amp' ? '&' : name === 'lt' ? '<' : name === 'gt' ? '>' : '"',
  );

/** The text of HTML that failed the check, as one escaped paragraph: no markup of its own. */
function asText(html: string): string {
  const text = unescapeValue(html.replace(/<[^>]*>?/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
  return text === '' ? '' : `<p>${escapeMarkup(text)}</p>`;
}
