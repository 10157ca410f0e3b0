/**
 * The one HTML allow-list: what article HTML may hold, in feeds and on pages alike.
 * Structural and text tags only: no scripting, no styles, no frames, no forms; links, images
 * and players (audio, video, their sources) by http(s) (links also mailto), never
 * protocol-relative.
 */
export const HTML_ALLOW_LIST = {
  allowedTags: [
    ...['p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'div', 'span'],
    ...['ul', 'ol', 'li', 'dl', 'dt', 'dd', 'blockquote', 'pre', 'code', 'kbd', 'samp'],
    ...['em', 'strong', 'b', 'i', 'u', 's', 'del', 'ins', 'sub', 'sup', 'small', 'mark', 'q'],
    ...['cite', 'abbr', 'a', 'img', 'figure', 'figcaption', 'audio', 'video', 'source', 'track'],
    ...['table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td'],
    // A spoiler or quiz answer (closed until the reader opens it), isolated bidi text, a date.
    ...['details', 'summary', 'bdi', 'bdo', 'time'],
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    // `loading="lazy"`: a long story's images load as the reader scrolls to them.
    img: ['src', 'alt', 'title', 'width', 'height', 'loading'],
    // A player of a file (the inbox's, or https), always with its controls, never autoplaying.
    // `aria-label`: the player's name for a screen reader (its fallback text is not one).
    // `crossorigin`: a player whose captions are on another site (a CDN) loads them only in
    // CORS mode (HTML's track fetch), never with credentials.
    audio: ['src', 'controls', 'preload', 'loop', 'muted', 'aria-label', 'crossorigin'],
    video: [
      'aria-label',
      'crossorigin',
      'src',
      'poster',
      'controls',
      'preload',
      'loop',
      'muted',
      'playsinline',
      'width',
      'height',
    ],
    // A player's file in another format (CKEditor, Drupal, a hand-written player): only as a
    // player's child; the browser plays the first it can.
    source: ['src', 'type'],
    // A player's captions, subtitles or chapters: a WebVTT file of the inbox, or https.
    track: ['src', 'kind', 'srclang', 'label', 'default'],
    abbr: ['title'],
    time: ['datetime'],
    ol: ['start'],
    th: ['colspan', 'rowspan', 'scope'],
    td: ['colspan', 'rowspan'],
    '*': ['dir', 'lang', 'id'],
  } as Record<string, string[]>,
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: {
    img: ['http', 'https'],
    audio: ['http', 'https'],
    video: ['http', 'https'],
    source: ['http', 'https'],
    track: ['http', 'https'],
  } as Record<string, string[]>,
  allowProtocolRelative: false,
};

/** Tags that play a file: always written with `controls`, never autoplaying. */
export const PLAYER_TAGS: ReadonlySet<string> = new Set(['audio', 'video']);

/** A `<source>`'s `type`: a media type, its codecs perhaps (`video/mp4; codecs="avc1.4d401e"`). */
export const SOURCE_TYPE =
  /^(?:audio|video|application)\/[a-z0-9][a-z0-9.+-]{0,63}(?:;[ a-z0-9.,=+"'-]{0,120})?$/i;

/** What a `<track>` is (its `kind`); `metadata` is for scripts, which pages have none of. */
export const TRACK_KIND = /^(?:captions|subtitles|descriptions|chapters)$/;

/** A player's boolean attributes, each written as its own name (`loop="loop"`). */
export const PLAYER_FLAGS = ['controls', 'loop', 'muted', 'playsinline', 'default'] as const;

/** An image's `loading`. */
export const IMAGE_LOADING = /^(?:lazy|eager)$/i;

/** The `preload` a player may keep: never `auto` (a page view must not start downloading a gigabyte of video). */
export const PLAYER_PRELOAD = /^(?:none|metadata)$/;

/**
 * Old tags that are kept as the tag of today that means the same (`<strike>` is `<s>`), or as
 * a plain block whose formatting is lost (`<center>`: said in a warning); `<a name>`, the old
 * anchor, is a `<span id>` for the article's own `#` links (sanitize.ts).
 */
export const RENAMED_TAGS: Readonly<Record<string, { as: string; formatting?: 'lost' }>> = {
  strike: { as: 's' },
  tt: { as: 'code' },
  acronym: { as: 'abbr' },
  center: { as: 'div', formatting: 'lost' },
};
