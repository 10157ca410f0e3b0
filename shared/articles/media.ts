/**
 * Whether a media upload is what its name says: by extension first, then by its first bytes
 * (magic numbers), then by its size against its kind's limit.
 */
import {
  extensionOf,
  MEDIA_FORMATS,
  MEDIA_MAX_BYTES,
  type MediaFormat,
  REFUSED_MEDIA,
} from '../contract/media.ts';
import { ArticleRejectedError } from './errors.ts';

/** How many leading bytes checkMedia needs. */
export const MEDIA_SNIFF_BYTES = 32;

const ascii = (bytes: Uint8Array, from: number, text: string) =>
  text.split('').every((c, i) => bytes[from + i] === c.charCodeAt(0));

/** An ISO base media file (MP4, M4A, AVIF): a `ftyp` box first; its brands say which. */
function ftypBrands(bytes: Uint8Array): string[] | undefined {
  if (!ascii(bytes, 4, 'ftyp')) return undefined;
  const text = String.fromCharCode(...bytes.slice(8, MEDIA_SNIFF_BYTES));
  // Major brand, minor version (4 bytes), then compatible brands.
  return [text.slice(0, 4), ...(text.slice(8).match(/.{4}/g) ?? [])];
}

const SIGNATURES: Record<string, (b: Uint8Array) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => ascii(b, 0, '\x89PNG\r\n\x1a\n'),
  'image/gif': (b) => ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a'),
  'image/webp': (b) => ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP'),
  'image/avif': (b) =>
    ftypBrands(b)?.some((brand) => brand === 'avif' || brand === 'avis') ?? false,
  // An ID3 tag, or an MPEG audio frame sync (11 bits set).
  'audio/mpeg': (b) => ascii(b, 0, 'ID3') || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0),
  'audio/mp4': (b) => ftypBrands(b) !== undefined,
  'audio/ogg': (b) => ascii(b, 0, 'OggS'),
  'video/mp4': (b) => ftypBrands(b) !== undefined,
  // EBML header (Matroska / WebM).
  'video/webm': (b) => b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3,
  // WebVTT: `WEBVTT` first (after a byte-order mark), then a space, a tab or a line end.
  'text/vtt': (b) => {
    const at = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
    const next = b[at + 6];
    return (
      ascii(b, at, 'WEBVTT') && (next === undefined || [0x20, 0x09, 0x0a, 0x0d].includes(next))
    );
  },
};

/** A file size as reports give it: `73 bytes`, `1.2 MiB`. */
export function describeSize(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return mib >= 1 ? `${Number(mib.toFixed(2))} MiB` : `${bytes} bytes`;
}

/**
 * The format of a media upload, or ArticleRejectedError saying what is wrong with it:
 * `unsupported-type` (SVG, an unknown extension), `empty`, `too-large`, `bad-media`.
 * `head` is the file's first MEDIA_SNIFF_BYTES bytes (fewer for a shorter file).
 */
export function checkMedia(key: string, size: number, head: Uint8Array): MediaFormat {
  const ext = extensionOf(key);
  const name = key.slice(key.lastIndexOf('/') + 1);
  const refused = REFUSED_MEDIA[ext];
  if (refused) throw new ArticleRejectedError('unsupported-type', `"${name}": ${refused}`);
  const format = MEDIA_FORMATS[ext];
  if (!format) {
    const supported = Object.keys(MEDIA_FORMATS).map((e) => `.${e}`);
    throw new ArticleRejectedError(
      'unsupported-type',
      `"${name}" is not a supported media file: use ${supported.join(', ')}`,
    );
  }
  if (size === 0) throw new ArticleRejectedError('empty', 'file is empty');
  const limit = MEDIA_MAX_BYTES[format.kind];
  if (size > limit) {
    // Just over the limit the rounded sizes read the same: then in bytes.
    const exact = describeSize(size) === describeSize(limit);
    const sized = (bytes: number) =>
      exact ? `${bytes.toLocaleString('en-US')} bytes` : describeSize(bytes);
    throw new ArticleRejectedError(
      'too-large',
      `file is ${sized(size)}; the limit for ${format.kind} files is ${sized(limit)}${exact ? ` (${describeSize(limit)})` : ''}`,
    );
  }
  if (!SIGNATURES[format.type]?.(head))
    throw new ArticleRejectedError(
      'bad-media',
      `"${name}" is named .${ext} but its bytes are not ${format.type} (${sniffed(head)}): save it in that format or rename it`,
    );
  return format;
}

/** What the bytes look like, for the report. */
function sniffed(head: Uint8Array): string {
  for (const [type, matches] of Object.entries(SIGNATURES)) {
    if (type !== 'audio/mp4' && matches(head)) return `they look like ${type}`;
  }
  if (ascii(head, 0, '<') || ascii(head, 0, '\ufeff')) return 'they look like text or markup';
  return 'an unknown format';
}
