/**
 * Article HTML → HTML safe to put in any feed: an allow-list of structural and text tags,
 * no scripting of any kind, no styles, only http(s)/mailto links and http(s) images, all
 * absolute, links with rel="noopener noreferrer", no character XML 1.0 forbids.
 */
import sanitizeHtml from 'sanitize-html';
import { isLanguageTag } from '../config/language-tag.ts';
import { mediaFormatOf } from '../contract/media.ts';
import {
  HTML_ALLOW_LIST,
  IMAGE_LOADING,
  PLAYER_FLAGS,
  PLAYER_PRELOAD,
  PLAYER_TAGS,
  RENAMED_TAGS,
  SOURCE_TYPE,
  TRACK_KIND,
} from './html-allow-list.ts';
import { assertHtmlDepth, MAX_HTML_DEPTH } from './html-depth.ts';
import type { MediaReferences } from './media-refs.ts';
import { NON_TEXT_TAGS, quote, removeXmlForbidden } from './text.ts';
import { LINK_SCHEMES, resolveImageUrl, resolveUrl } from './urls.ts';

export interface SanitizedHtml {
  html: string;
  /** What was removed, one line per kind, for the ingest report. */
  warnings: string[];
}

/** Removed tags worth telling the editor about: active content, not mere layout. */
const ACTIVE_TAGS = new Set([
  ...NON_TEXT_TAGS,
  ...['embed', 'applet', 'param', 'form', 'input', 'button', 'link', 'meta', 'base'],
  ...['frame', 'frameset', 'canvas', 'portal', 'dialog'],
]);
const NUMERIC_ATTRIBUTES = new Set(['width', 'height', 'colspan', 'rowspan', 'start']);
const ATTRIBUTE_RULES: Record<string, RegExp> = {
  dir: /^(?:ltr|rtl|auto)$/,
  preload: PLAYER_PRELOAD,
  type: SOURCE_TYPE,
  kind: TRACK_KIND,
  // Targets of the article's own `#fragment` links: a name of letters, digits and `_.:-` in
  // any script (`part2`, `1`, Word's `_ftn2`, `café`), nothing markup could abuse.
  id: /^[\p{L}\p{N}_][\p{L}\p{M}\p{N}_.:-]{0,99}$/u,
  scope: /^(?:row|col|rowgroup|colgroup)$/,
  // `anonymous` (or empty, which means it): `use-credentials` would send cookies elsewhere.
  crossorigin: /^(?:anonymous)?$/i,
  loading: IMAGE_LOADING,
};
const allowed = new Set(HTML_ALLOW_LIST.allowedTags);
const MAX_WARNINGS = 20;
const SCRIPT_SCHEME = /^(javascript|vbscript|livescript|data):/i;

/** A URL's path ('' for what is no URL), to tell a file's kind by its extension. */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

/** Throws ArticleRejectedError 'too-complex' for HTML nested deeper than MAX_HTML_DEPTH. */
/**
 * `base` is the URL relative links and images resolve against (the article's page); `siteUrl`
 * says which http images are the site's own (left as they are).
 */
export function sanitizeContent(
  html: string,
  base: string,
  siteUrl = base,
  /** Resolves references to the inbox's media files (against the article's key). */
  media?: MediaReferences,
): SanitizedHtml {
  assertHtmlDepth(html, 'content');
  const found = new Set<string>(neverClosed(html));
  const players = playerSources();
  const transform = (tag: string, given: sanitizeHtml.Attributes): sanitizeHtml.Tag => {
    noteScripting(tag, given, found);
    const { tagName, attribs } = renamed(tag, given, found);
    if (!allowed.has(tagName)) {
      if (ACTIVE_TAGS.has(tagName)) found.add(`removed <${tagName}> from content`);
      else if (!QUIET_WRAPPERS.has(tagName))
        found.add(`removed <${tagName}> from content (its text kept)`);
      return { tagName, attribs };
    }
    if (tagName === 'source' || tagName === 'track') {
      const player = players.parentPlayer();
      if (!player) {
        found.add(
          tagName === 'source'
            ? 'removed <source> from content (a file to play goes in <audio> or <video>)'
            : 'removed <track> from content (captions go in the <video> or <audio> they caption)',
        );
        return { tagName, attribs: {} };
      }
      if (tagName === 'track') {
        // Captions of a player with no file to play (it goes, its fallback text stays), or of
        // a kind pages do not show (`metadata` is for scripts): no track, and no file published.
        const kind = attribs.kind?.trim().toLowerCase();
        if (!players.parentPlays()) {
          found.add('removed <track> from content (its player has no file to play)');
          return { tagName, attribs: {} };
        }
        if (kind !== undefined && !TRACK_KIND.test(kind)) {
          found.add(
            `removed <track kind=${quote(kind)}> from content (pages show captions, subtitles, descriptions or chapters)`,
          );
          return { tagName, attribs: {} };
        }
        if (kind !== undefined) attribs.kind = kind;
      }
      const kept = cleanAttributes(tagName, attribs, { base, siteUrl, media, player }, found);
      if (tagName === 'source' && kept.src !== undefined) players.sourceKept();
      return { tagName, attribs: kept };
    }
    return { tagName, attribs: cleanAttributes(tagName, attribs, { base, siteUrl, media }, found) };
  };
  const output = sanitizeHtml(removeXmlForbidden(html), {
    ...HTML_ALLOW_LIST,
    nonTextTags: NON_TEXT_TAGS,
    nestingLimit: MAX_HTML_DEPTH,
    // Void, as HTML has it: `<source … />`, never a `</source>` (nor a `</track>`).
    selfClosing: [...sanitizeHtml.defaults.selfClosing, 'source', 'track'],
    transformTags: { '*': transform },
    onOpenTag: players.opened,
    onCloseTag: players.closed,
    exclusiveFilter: (frame) => {
      // The tag as written, or as transform renamed it (sanitize-html keeps that as `name`).
      const tag = (frame as { name?: string }).name ?? frame.tag;
      if (tag === 'img' || tag === 'source' || tag === 'track') return !frame.attribs.src;
      // A player with no file of its own, nor a <source> kept: its fallback.
      if (PLAYER_TAGS.has(tag) && !frame.attribs.src && !players.lastClosedHadSources())
        return 'excludeTag';
      return tag === 'a' && !frame.attribs.href ? 'excludeTag' : false;
    },
  });
  return { html: removeXmlForbidden(output).trim(), warnings: capped([...found]) };
}

/**
 * The elements open as the parser reads them (its own events, before any renaming), so a
 * `<source>` is kept only as a player's child, and a player without `src` only when a source
 * of it was kept. A player's exclusiveFilter runs right after its close event.
 */
function playerSources() {
  const open: { tag: string; sources: number; src: boolean }[] = [];
  let lastClosed: { tag: string; sources: number } | undefined;
  return {
    opened: (name: string, attribs: Record<string, string>) => {
      open.push({ tag: name.toLowerCase(), sources: 0, src: Boolean(attribs.src?.trim()) });
    },
    closed: () => {
      lastClosed = open.pop();
    },
    /** The player a `<source>` being transformed is a child of (it is open itself). */
    parentPlayer: (): 'audio' | 'video' | undefined => {
      const parent = open.at(-2)?.tag;
      return parent === 'audio' || parent === 'video' ? parent : undefined;
    },
    sourceKept: () => {
      const parent = open.at(-2);
      if (parent) parent.sources += 1;
    },
    lastClosedHadSources: () => (lastClosed?.sources ?? 0) > 0,
    /** Whether the player a `<track>` is a child of has a file (its src, or a source kept). */
    parentPlays: () => {
      const parent = open.at(-2);
      return parent !== undefined && (parent.src || parent.sources > 0);
    },
  };
}

/** A document's own wrappers around pasted content: removed without a word. */
const QUIET_WRAPPERS = new Set(['html', 'head', 'body']);

/** An old tag as the tag it is kept as (RENAMED_TAGS); an `<a name>` anchor as a `<span id>`. */
function renamed(
  tagName: string,
  attribs: sanitizeHtml.Attributes,
  found: Set<string>,
): { tagName: string; attribs: sanitizeHtml.Attributes } {
  // The old anchor: `<a name>` is the target of `#name` links, as an id is.
  if (tagName === 'a' && attribs.name && !attribs.id) {
    const { name, ...rest } = attribs;
    if (!attribs.href) return { tagName: 'span', attribs: { id: name } };
    return { tagName, attribs: { ...rest, id: name } };
  }
  const rename = RENAMED_TAGS[tagName];
  if (!rename) return { tagName, attribs };
  if (rename.formatting === 'lost')
    found.add(`removed the formatting of <${tagName}> from content (its text kept)`);
  return { tagName: rename.as, attribs };
}

/** Elements whose text runs to their end tag: opened and never closed, they take the rest. */
const RAW_TEXT = /<(script|style|textarea|title|xmp|iframe|noembed|noframes|plaintext)\b[^>]*>/gi;

/**
 * What swallows the rest of the content because it is never closed (a `<!--` without `-->`, a
 * `<![CDATA[` without `]]>`, a `<style>` without `</style>`): the text after it is not shown,
 * and the editor is told where it starts.
 */
function neverClosed(html: string): string[] {
  const from = (at: number) => quote(`${html.slice(at, at + 40).replace(/\s+/g, ' ')}…`);
  const unclosed = (open: string, close: string): number | undefined => {
    for (let at = html.indexOf(open); at >= 0; ) {
      const end = html.indexOf(close, at + open.length);
      if (end < 0) return at;
      at = html.indexOf(open, end + close.length);
    }
    return undefined;
  };
  const found: string[] = [];
  const comment = unclosed('<!--', '-->');
  if (comment !== undefined)
    found.push(`an HTML comment is never closed (-->): nothing from ${from(comment)} on is shown`);
  const cdata = unclosed('<![CDATA[', ']]>');
  if (cdata !== undefined)
    found.push(
      `a <![CDATA[ section is never closed (]]>): nothing from ${from(cdata)} on is shown`,
    );
  const lower = html.toLowerCase();
  for (const match of html.matchAll(RAW_TEXT)) {
    const name = (match[1] as string).toLowerCase();
    if (name !== 'plaintext' && lower.includes(`</${name}`, match.index + match[0].length))
      continue;
    found.push(`<${name}> is never closed: nothing from ${from(match.index)} on is shown`);
    break;
  }
  return found;
}

/** A report lists the first kinds of removal, not ten thousand distinct bad links. */
function capped(warnings: string[]): string[] {
  if (warnings.length <= MAX_WARNINGS) return warnings;
  const more = warnings.length - MAX_WARNINGS;
  return [...warnings.slice(0, MAX_WARNINGS), `removed ${more} more kinds of content (not listed)`];
}

function cleanAttributes(
  tagName: string,
  attribs: sanitizeHtml.Attributes,
  {
    base,
    siteUrl,
    media,
    player,
  }: {
    base: string;
    siteUrl: string;
    media?: MediaReferences;
    /** A `<source>`'s player. */
    player?: 'audio' | 'video';
  },
  found: Set<string>,
): sanitizeHtml.Attributes {
  const kept: sanitizeHtml.Attributes = {};
  const permitted = [
    ...(HTML_ALLOW_LIST.allowedAttributes[tagName] ?? []),
    ...(HTML_ALLOW_LIST.allowedAttributes['*'] ?? []),
  ];
  for (const [name, value] of Object.entries(attribs)) {
    if (!permitted.includes(name)) {
      if (name.startsWith('on'))
        found.add(`removed event-handler attributes (${name}) from content`);
      else if (name === 'style') found.add('removed style attributes from content');
      else if (tagName === 'img' && (name === 'srcset' || name === 'sizes'))
        found.add(
          'removed srcset and sizes from images: the src file is published, to every screen (give src the size that suits most readers)',
        );
      continue;
    }
    if (NUMERIC_ATTRIBUTES.has(name) && !/^\d{1,5}$/.test(value.trim())) continue;
    // Credentials are never sent for a story's media: asked for, it is anonymous (said).
    if (name === 'crossorigin' && /^use-credentials$/i.test(value.trim())) {
      found.add(
        'crossorigin="use-credentials" made "anonymous": no credentials are sent for a story\'s media',
      );
      kept[name] = 'anonymous';
      continue;
    }
    // Enumerated values are case-insensitive in HTML: kept in the one case the guard accepts.
    if (name === 'loading' && IMAGE_LOADING.test(value.trim())) {
      kept[name] = value.trim().toLowerCase();
      continue;
    }
    const rule = ATTRIBUTE_RULES[name];
    if (rule && !rule.test(value.trim())) continue;
    if (name === 'lang' && !isLanguageTag(value.trim())) continue;
    kept[name] = value;
  }
  if (tagName === 'a') {
    delete kept.rel;
    const file = kept.href === undefined ? undefined : media?.resolve(kept.href, 'link');
    if (file) kept.href = file;
    else if (kept.href !== undefined) resolveInto(kept, 'href', 'link', LINK_SCHEMES, base, found);
    if (kept.href !== undefined) kept.rel = 'noopener noreferrer';
  }
  if (tagName === 'img') {
    resolveFile(kept, 'src', 'image', { base, siteUrl, media }, found);
    // No alt at all: a screen reader reads the file's name. alt="" (decorative) is a choice.
    if (kept.src !== undefined && kept.alt === undefined)
      found.add(
        'an image has no alt text: screen readers read its file name; describe it in alt, or write alt="" if it is only decoration',
      );
  }
  if (tagName === 'source' && player)
    resolveFile(kept, 'src', `${player} source`, { base, siteUrl, media }, found);
  if (tagName === 'track' && player) {
    resolveFile(kept, 'src', 'caption file', { base, siteUrl, media }, found);
    // A picture, a clip or a song named as captions plays nothing: the file must be WebVTT.
    const named = kept.src === undefined ? undefined : mediaFormatOf(pathOf(kept.src));
    if (named && named.kind !== 'captions') {
      found.add(
        `removed a <track> naming a ${named.kind} file (${quote(kept.src ?? '')}): captions are a WebVTT (.vtt) file`,
      );
      delete kept.src;
    }
    if (kept.srclang !== undefined) {
      const lang = kept.srclang.trim();
      if (isLanguageTag(lang)) kept.srclang = lang;
      else delete kept.srclang;
    }
    if (kept.default !== undefined) kept.default = 'default';
    if (kept.src !== undefined && (kept.kind ?? 'subtitles') === 'subtitles' && !kept.srclang)
      found.add(
        'a <track> of subtitles has no srclang: players cannot name or pick its language; add srclang="…" (e.g. "fr")',
      );
  }
  if (PLAYER_TAGS.has(tagName)) {
    resolveFile(kept, 'src', tagName, { base, siteUrl, media }, found);
    if (kept.poster !== undefined)
      resolveFile(kept, 'poster', 'image', { base, siteUrl, media }, found);
    // Always a player a reader controls: its controls shown, boolean attributes in one form.
    kept.controls = 'controls';
    for (const flag of PLAYER_FLAGS) if (kept[flag] !== undefined) kept[flag] = flag;
    if (kept.crossorigin !== undefined) kept.crossorigin = 'anonymous';
  }
  return kept;
}

/**
 * An image's or a player's file: an inbox media file's site URL, else an absolute https URL
 * (http upgraded, said in a warning); a URL that is neither goes, with a warning.
 */
function resolveFile(
  kept: sanitizeHtml.Attributes,
  name: 'src' | 'poster',
  what: string,
  { base, siteUrl, media }: { base: string; siteUrl: string; media?: MediaReferences },
  found: Set<string>,
): void {
  const raw = kept[name];
  if (raw === undefined) return;
  // A fragment or the page itself is no file to play or show.
  if (what !== 'image' && /^\s*#/.test(raw)) {
    delete kept[name];
    found.add(`removed ${what} from content: ${quote(raw)} names no file`);
    return;
  }
  const file = media?.resolve(raw, what);
  if (file) {
    kept[name] = file;
    return;
  }
  const resolved = resolveImageUrl(raw, base, siteUrl);
  if (!resolved.ok) {
    delete kept[name];
    found.add(`removed ${what} from content: ${resolved.problem}`);
    return;
  }
  kept[name] = resolved.url;
  if (resolved.upgraded)
    found.add(
      `${what} ${quote(resolved.upgraded)}: loaded over https (pages load no http ${what}s)`,
    );
}

/**
 * Records script hidden in attributes, on any tag, whether or not the tag stays. (The
 * href and src of kept tags are checked, and reported, when they are resolved.)
 */
function noteScripting(
  tagName: string,
  attribs: sanitizeHtml.Attributes,
  found: Set<string>,
): void {
  const resolvedLater = allowed.has(tagName) ? ['href', 'src', 'poster'] : [];
  for (const [name, value] of Object.entries(attribs)) {
    if (/^on/i.test(name)) found.add(`removed event-handler attributes (${name}) from content`);
    else if (name === 'style') found.add('removed style attributes from content');
    else if (!resolvedLater.includes(name)) {
      const scheme = SCRIPT_SCHEME.exec(removeXmlForbidden(value).replace(/\s/g, ''))?.[1];
      if (scheme)
        found.add(`removed a ${scheme.toLowerCase()}: URL from content (<${tagName} ${name}>)`);
    }
  }
}

function resolveInto(
  attribs: sanitizeHtml.Attributes,
  name: 'href' | 'src',
  what: 'link' | 'image',
  schemes: readonly string[],
  siteUrl: string,
  found: Set<string>,
): void {
  const raw = attribs[name] ?? '';
  const resolved = resolveUrl(raw, siteUrl, schemes);
  if (resolved.ok) {
    attribs[name] = resolved.url;
    return;
  }
  delete attribs[name];
  found.add(`removed ${what} from content: ${resolved.problem}`);
}
