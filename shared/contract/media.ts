import { createHash } from 'node:crypto';

/**
 * Media uploads (images, audio, video, a video's captions) beside the articles in the inbox, and where they are
 * published: the extensions taken, their types and size limits, and the site layout of media
 * (README "Media"). Plain data, read by ingest, the renderers, the local runtime and infra.
 */

/** `captions`: a WebVTT file a player's `<track>` names (captions, subtitles, chapters). */
export type MediaKind = 'image' | 'audio' | 'video' | 'captions';

export interface MediaFormat {
  kind: MediaKind;
  /** The Content-Type it is served with. */
  type: string;
}

/** Lower-case extension (no dot) → its format. Anything else is not a media upload. */
export const MEDIA_FORMATS: Readonly<Record<string, MediaFormat>> = {
  jpg: { kind: 'image', type: 'image/jpeg' },
  jpeg: { kind: 'image', type: 'image/jpeg' },
  png: { kind: 'image', type: 'image/png' },
  gif: { kind: 'image', type: 'image/gif' },
  webp: { kind: 'image', type: 'image/webp' },
  avif: { kind: 'image', type: 'image/avif' },
  mp3: { kind: 'audio', type: 'audio/mpeg' },
  m4a: { kind: 'audio', type: 'audio/mp4' },
  ogg: { kind: 'audio', type: 'audio/ogg' },
  oga: { kind: 'audio', type: 'audio/ogg' },
  mp4: { kind: 'video', type: 'video/mp4' },
  webm: { kind: 'video', type: 'video/webm' },
  vtt: { kind: 'captions', type: 'text/vtt' },
};

/**
 * Extensions recognised as media but refused, with the reason the report gives. SVG is XML that
 * can carry script; served from the site's own origin it would run there.
 */
const SVG =
  "SVG images can carry script that would run on the site's own origin, so they are not published: export it as PNG or WebP";
const convert = (what: string, to: string) =>
  `${what} is not a format every browser and podcast app plays or shows: convert it to ${to}`;
const AUDIO = convert('this audio format', '.mp3, .m4a or .ogg');
const VIDEO = convert('this video format', '.mp4 (H.264) or .webm');
const IMAGE = convert('this image format', '.jpg, .png, .webp or .avif');

export const REFUSED_MEDIA: Readonly<Record<string, string>> = {
  svg: SVG,
  svgz: SVG,
  // Formats editors export that are media, named so the report says what to do with them (and
  // an article that uses one is told why its file is missing), not "not an article file".
  ...Object.fromEntries(['wav', 'aif', 'aiff', 'flac', 'wma', 'aac'].map((e) => [e, AUDIO])),
  ...Object.fromEntries(['mov', 'm4v', 'avi', 'mkv', 'wmv', 'mpg', 'mpeg'].map((e) => [e, VIDEO])),
  ...Object.fromEntries(['tif', 'tiff', 'bmp', 'heic', 'heif'].map((e) => [e, IMAGE])),
  srt: 'SubRip captions are not what a <track> plays: convert them to WebVTT (.vtt; the same cues, with a WEBVTT line first and "." before the milliseconds)',
};

const MIB = 1024 * 1024;

/** The largest file of each kind (bytes): a copy within S3, never through Lambda's memory. */
export const MEDIA_MAX_BYTES: Readonly<Record<MediaKind, number>> = {
  image: 20 * MIB,
  audio: 200 * MIB,
  video: 1024 * MIB,
  captions: 2 * MIB,
};

/** Site folder of published media. */
export const MEDIA_SITE_PREFIX = 'media/';

/**
 * Media URLs carry their content's version, so a file never changes under its URL: browsers
 * and the edge may keep it a year, and a replaced upload gets a new URL (the articles using it
 * are published again with it).
 */
export const MEDIA_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** The extension of a key's last segment, lower case, without the dot ('' when none). */
export function extensionOf(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** The format of a media key by its extension, or undefined when it is not a supported one. */
export function mediaFormatOf(key: string): MediaFormat | undefined {
  return MEDIA_FORMATS[extensionOf(key)];
}

/** Whether an inbox key is a media upload (supported or refused), not an article. */
export function isMediaKey(key: string): boolean {
  const ext = extensionOf(key);
  return ext in MEDIA_FORMATS || ext in REFUSED_MEDIA;
}

/**
 * The name a media file is known by to the articles that refer to it: its key composed (NFC).
 * macOS saves `café.png` decomposed (e + ◌́) and Markdown names it composed, as typed; both
 * spellings are one file (as they are one article id: idFromKey).
 */
export function mediaName(inboxKey: string): string {
  return inboxKey.normalize('NFC');
}

/** The path of a media key below `articles/`, without empty, `.` and `..` segments. */
function pathBelowArticles(inboxKey: string): string[] {
  const rest = inboxKey.startsWith('articles/') ? inboxKey.slice('articles/'.length) : inboxKey;
  return rest.split('/').filter((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/**
 * The stable site path of a media key, `media/<path below articles/>`: what an article's
 * reference points at before the file is known (and after it is deleted). Nothing is stored
 * there; the published file is at mediaSitePath.
 */
export function mediaPlaceholderPath(inboxKey: string): string {
  return `${MEDIA_SITE_PREFIX}${pathBelowArticles(inboxKey).join('/')}`;
}

/** 12 hex digits naming a version of a file: from its ETag (content-derived in S3). */
export function mediaVersion(etag: string): string {
  return createHash('sha256').update(etag.replaceAll('"', '')).digest('hex').slice(0, 12);
}

/**
 * Where one version of a media file is published: `media/<dir>/<name>.<version>.<ext>`
 * (`articles/2026/12/story/lead.jpg` → `media/2026/12/story/lead.3f2a9c1b07de.jpg`).
 */
export function mediaSitePath(inboxKey: string, version: string): string {
  const segments = pathBelowArticles(inboxKey);
  const name = segments.pop() ?? '';
  const dot = name.lastIndexOf('.');
  const versioned =
    dot > 0 ? `${name.slice(0, dot)}.${version}${name.slice(dot)}` : `${name}.${version}`;
  return `${MEDIA_SITE_PREFIX}${[...segments, versioned].join('/')}`;
}
