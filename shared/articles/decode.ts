/**
 * Uploaded bytes → text.
 *
 * - UTF-8 is the format; a UTF-8 BOM is dropped.
 * - UTF-16 LE/BE is decoded when it starts with its BOM. UTF-16 without a BOM and UTF-32
 *   are rejected ('bad-encoding') with a hint to save as UTF-8.
 * - Bytes that are not valid UTF-8 are read as Windows-1252, byte by byte, and a warning
 *   names the first one. Invalid UTF-8 in an article almost always comes from Word or an
 *   old CMS export (smart quotes, dashes), and Windows-1252 is what those wrote; rejecting
 *   the file would lose an article over a quote mark, while this guess costs nothing when
 *   the file is valid UTF-8 (valid sequences are always kept as UTF-8).
 * - CRLF and lone CR become LF.
 * - Bytes that are not UTF-8 and come in runs (a legacy encoding of another script: KOI8-R,
 *   Shift-JIS, ...) are rejected ('bad-encoding') with "save it as UTF-8": read as Windows-1252
 *   they would publish gibberish. When most of them are sequences shaped as UTF-8 that UTF-8
 *   forbids (overlong, surrogates, above U+10FFFF), the message names those instead: that is
 *   broken or crafted UTF-8, not another encoding.
 * - Rejected: empty or whitespace-only, binary (NULs past one in a thousand characters, or
 *   more than 10% control characters), larger than {@link MAX_ARTICLE_BYTES}. A stray NUL is
 *   removed later, with the other characters XML forbids, and reported.
 */
import { ArticleRejectedError } from './errors.ts';
import {
  decodeUtf8WithWindows1252Fallback,
  type IllFormedSequence,
  windows1252Char,
} from './windows-1252.ts';

/** Largest accepted upload: 1 MiB. */
export const MAX_ARTICLE_BYTES = 1024 * 1024;
const MAX_CONTROL_SHARE = 0.1;
/** NULs past this share of the text make it binary; fewer are stray bytes, removed. */
const MAX_NUL_SHARE = 0.001;
/** Invalid bytes needed before their runs count as a legacy encoding, not a few accents. */
const MIN_LEGACY_EVIDENCE = 16;
/**
 * Bytes read as Windows-1252 letters in a row that make a word of another script, however few
 * bad bytes the file has: one short word in Windows-1251 or KOI8-R (a name, a title) pasted
 * into UTF-8 would otherwise be published as "Íîâîñòè". Latin text has two such letters in a
 * row at most ("INFORMAÇÕES").
 */
const MIN_FOREIGN_WORD = 4;
const BLANK = /^[\s\u200b-\u200d\u2060]*$/u;

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
  warnings: string[];
}

export function decodeArticleBytes(bytes: Uint8Array): DecodedText {
  if (bytes.length > MAX_ARTICLE_BYTES) {
    const mib = (bytes.length / MAX_ARTICLE_BYTES).toFixed(2);
    // In bytes where MiB would round to the limit itself (one byte over read "1.00 MiB").
    const size = mib === '1.00' ? `${bytes.length} bytes` : `${mib} MiB`;
    throw new ArticleRejectedError(
      'too-large',
      `file is ${size}; the limit is 1 MiB (${MAX_ARTICLE_BYTES} bytes)`,
    );
  }
  if (bytes.length === 0) throw new ArticleRejectedError('empty', 'file is empty');
  const { rejection, ...decoded } = decodeByBom(bytes);
  rejectBinary(decoded.text);
  if (rejection) throw rejection;
  const text = decoded.text.replace(/\r\n?/g, '\n');
  if (BLANK.test(text)) throw new ArticleRejectedError('empty', 'file contains only whitespace');
  return { ...decoded, text };
}

function decodeByBom(bytes: Uint8Array): DecodedText & { rejection?: ArticleRejectedError } {
  const [b0, b1, b2, b3] = bytes;
  if (
    (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) ||
    (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff)
  ) {
    throw new ArticleRejectedError('bad-encoding', 'file is UTF-32; save it as UTF-8');
  }
  if (b0 === 0xff && b1 === 0xfe) return utf16(bytes.subarray(2), 'utf-16le');
  if (b0 === 0xfe && b1 === 0xff) return utf16(bytes.subarray(2), 'utf-16be');
  if (looksLikeUtf16WithoutBom(bytes)) {
    throw new ArticleRejectedError(
      'bad-encoding',
      'file looks like UTF-16 without a byte-order mark; save it as UTF-8',
    );
  }
  const body = b0 === 0xef && b1 === 0xbb && b2 === 0xbf ? bytes.subarray(3) : bytes;
  const decoded = decodeUtf8WithWindows1252Fallback(body);
  const { text, firstInvalidByte, invalidBytes, invalidInRuns, letterRun, illFormed } = decoded;
  const pairs = decoded.surrogatePairs;
  const cesu =
    pairs.first === undefined
      ? []
      : [
          `file writes ${pairs.count === 1 ? 'a character' : `${pairs.count} characters`} above U+FFFF (an emoji, a rare ideograph) as two encoded UTF-16 surrogates, as CESU-8 does (Java's "modified UTF-8", Oracle's UTF8), the first at ${lineAndColumn(body, pairs.first)}; read as the character${pairs.count === 1 ? '' : 's'} meant: save it as UTF-8`,
        ];
  if (firstInvalidByte === undefined) return { text, encoding: 'utf-8', warnings: cesu };
  const where = lineAndColumn(body, firstInvalidByte);
  if (invalidBytes < MIN_LEGACY_EVIDENCE && letterRun && letterRun.length >= MIN_FOREIGN_WORD) {
    const word = body.subarray(letterRun.offset, letterRun.offset + letterRun.length);
    // Told once the file is known not to be binary (whose bytes also come in runs).
    const rejection = new ArticleRejectedError(
      'bad-encoding',
      `file is not UTF-8: the ${word.length} bytes at ${lineAndColumn(body, letterRun.offset)} (${hexOf(word.subarray(0, 12))}${word.length > 12 ? ' …' : ''}) are letters in a row, as a legacy encoding of a non-Latin script writes a word (Windows-1251, KOI8-R, …); read as Windows-1252 they would be gibberish ("${Array.from(word.subarray(0, 24), windows1252Char).join('')}"). Save it as UTF-8`,
    );
    return { text, encoding: 'windows-1252', warnings: cesu, rejection };
  }
  if (invalidBytes >= MIN_LEGACY_EVIDENCE && invalidInRuns * 2 >= invalidBytes) {
    if (illFormed.first && illFormed.bytes * 2 >= invalidBytes)
      throw new ArticleRejectedError(
        'bad-encoding',
        `file is not valid UTF-8: ${illFormedCount(illFormed.sequences)}, the first at ${lineAndColumn(body, illFormed.first.offset)} (${describeIllFormed(body, illFormed.first)}); save it as UTF-8`,
      );
    throw new ArticleRejectedError(
      'bad-encoding',
      `file is not UTF-8 (first bad byte at ${where}), and its other bytes come in runs, as a legacy encoding of a non-Latin script writes them (KOI8-R, Windows-1251, Shift-JIS, GB2312, …): read as Windows-1252 it would be gibberish. Save it as UTF-8`,
    );
  }
  // A few bad bytes: most likely Windows-1252 pasted into UTF-8. A sequence UTF-8 forbids among
  // them is named, so the editor can tell a broken file from a pasted character.
  const forbidden =
    illFormed.sequences === 1 ? 'a sequence' : `${illFormed.sequences} sequences, the first`;
  const named = illFormed.first
    ? `; among them ${forbidden} that UTF-8 forbids, at ${lineAndColumn(body, illFormed.first.offset)} (${describeIllFormed(body, illFormed.first)})`
    : '';
  return {
    text,
    encoding: 'windows-1252',
    warnings: [
      ...cesu,
      `file is not valid UTF-8 (first bad byte at ${where})${named}; bytes that are not UTF-8 were read as Windows-1252`,
    ],
  };
}

const illFormedCount = (n: number) =>
  n === 1 ? 'it has an invalid UTF-8 sequence' : `it has ${n} invalid UTF-8 sequences`;

/** `C0 BC`: bytes as a reader of a hex dump names them. */
const hexOf = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');

/** `C0 BC, an overlong encoding of "<", U+003C`: its bytes, what is wrong, what it spells. */
function describeIllFormed(body: Uint8Array, sequence: IllFormedSequence): string {
  const hex = hexOf(body.subarray(sequence.offset, sequence.offset + sequence.length));
  const { codePoint } = sequence;
  const name = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  if (sequence.kind === 'above-max') return `${hex}, a code point above U+10FFFF`;
  if (sequence.kind === 'surrogate') return `${hex}, an encoded UTF-16 surrogate, ${name}`;
  const visible = codePoint > 0x20 && codePoint < 0x7f;
  return `${hex}, an overlong encoding of ${visible ? `"${String.fromCharCode(codePoint)}", ` : ''}${name}`;
}

function utf16(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): DecodedText {
  // Swap BE to LE ourselves: 'utf-16le' is the one UTF-16 label every Node build knows.
  const le = encoding === 'utf-16le' ? bytes : swapPairs(bytes);
  const text = new TextDecoder('utf-16le').decode(le);
  return { text, encoding, warnings: [] };
}

function swapPairs(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    out[i] = bytes[i + 1] ?? 0;
    out[i + 1] = bytes[i] ?? 0;
  }
  if (bytes.length % 2 === 1) out[bytes.length - 1] = bytes[bytes.length - 1] ?? 0;
  return out;
}

/** ASCII-heavy UTF-16 has a NUL in every other byte, on one side only. */
function looksLikeUtf16WithoutBom(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 4096);
  if (sample.length < 4) return false;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample.length; i += 1) {
    if (sample[i] === 0) {
      if (i % 2 === 0) evenZeros += 1;
      else oddZeros += 1;
    }
  }
  const pairs = sample.length / 2;
  const [many, few] = evenZeros > oddZeros ? [evenZeros, oddZeros] : [oddZeros, evenZeros];
  return many >= pairs * 0.4 && few <= pairs * 0.02;
}

/**
 * Binary: NULs past a trace (one in a thousand characters, and more than one), or more than 10%
 * control characters. A stray NUL in clear text (a wire service's padding byte) is no reason to
 * lose the story: it is removed with the other characters XML forbids, and the report says so.
 */
function rejectBinary(text: string): void {
  let nuls = 0;
  let firstNul = -1;
  let controls = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === 0) {
      nuls += 1;
      if (firstNul === -1) firstNul = i;
    }
    if (
      (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d) ||
      code === 0x7f
    ) {
      controls += 1;
    }
  }
  if (nuls > 1 && nuls > text.length * MAX_NUL_SHARE) {
    throw new ArticleRejectedError(
      'binary',
      `file contains ${nuls} NUL characters (first at character ${firstNul + 1}); it looks binary, not text`,
    );
  }
  if (controls > text.length * MAX_CONTROL_SHARE) {
    const percent = Math.round((controls / text.length) * 100);
    throw new ArticleRejectedError(
      'binary',
      `file is ${percent}% control characters; it looks binary, not text`,
    );
  }
}

function lineAndColumn(bytes: Uint8Array, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i += 1) {
    if (bytes[i] === 0x0a) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return `line ${line}, byte ${offset - lineStart + 1}`;
}
