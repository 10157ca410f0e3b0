/**
 * UTF-8 decoding that never fails: valid UTF-8 sequences are kept, and every byte that
 * is not part of one is read as Windows-1252 (the superset of Latin-1 that Word and old
 * CMSs write: smart quotes, dashes, €). A whole Windows-1252 file decodes exactly as
 * Windows-1252; a UTF-8 file with a few pasted Windows-1252 bytes keeps its UTF-8 text.
 * Own table because Node 20's TextDecoder('windows-1252') decodes as ISO-8859-1.
 */

/** 0x80–0x9F in Windows-1252 (WHATWG table); the five unassigned bytes map to C1 controls. */
const HIGH_CONTROLS = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152,
  0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122,
  0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function windows1252Char(byte: number): string {
  return String.fromCharCode(
    byte >= 0x80 && byte <= 0x9f ? (HIGH_CONTROLS[byte - 0x80] ?? byte) : byte,
  );
}

export interface LenientDecoding {
  text: string;
  /** Byte offset of the first byte that was not UTF-8, if any. */
  firstInvalidByte?: number;
  /** Bytes read as Windows-1252. */
  invalidBytes: number;
  /**
   * Of those, the ones in runs of three or more: how legacy encodings of other scripts look
   * (KOI8-R, Windows-1251, Shift-JIS, GB2312 write every letter as high bytes), while the
   * Windows-1252 of Word and Latin CMSs has stray accents and quotes between ASCII letters.
   */
  invalidInRuns: number;
  /**
   * The longest run of bytes read as Windows-1252 letters (0xC0–0xFF but × and ÷), where it
   * begins and how long it is; none when there is no such byte. Windows-1252 text has an accent
   * or two in a row at most ("ação"); a legacy encoding of another script writes every letter
   * of a word in that range ("Новости" in Windows-1251 reads as "Íîâîñòè").
   */
  letterRun?: { offset: number; length: number };
  /**
   * Sequences shaped as UTF-8 (a lead byte and its continuation bytes) that UTF-8 forbids:
   * overlong, an encoded surrogate, above U+10FFFF. An encoder never writes them; a file
   * full of them is broken or crafted UTF-8, not a legacy encoding.
   */
  illFormed: { sequences: number; bytes: number; first?: IllFormedSequence };
  /**
   * Characters above U+FFFF written as two encoded UTF-16 surrogates (CESU-8, Java's "modified
   * UTF-8", Oracle's `UTF8`): decoded as the character they stand for, not counted as invalid.
   */
  surrogatePairs: { count: number; first?: number };
}

export interface IllFormedSequence {
  offset: number;
  length: number;
  kind: 'overlong' | 'surrogate' | 'above-max';
  /** The code point it spells out. */
  codePoint: number;
}

export function decodeUtf8WithWindows1252Fallback(bytes: Uint8Array): LenientDecoding {
  try {
    return {
      text: utf8.decode(bytes),
      invalidBytes: 0,
      invalidInRuns: 0,
      illFormed: { sequences: 0, bytes: 0 },
      surrogatePairs: { count: 0 },
    };
  } catch {
    // Not UTF-8 throughout: walk it sequence by sequence below.
  }
  // Runs of valid UTF-8 are decoded whole; stray bytes are collected as code units and
  // turned into text in chunks, so a file of nothing but Windows-1252 stays linear.
  const parts: string[] = [];
  const stray: number[] = [];
  const flushStray = () => {
    for (let i = 0; i < stray.length; i += 8192)
      parts.push(String.fromCharCode(...stray.slice(i, i + 8192)));
    stray.length = 0;
  };
  let runStart = 0;
  let index = 0;
  let firstInvalidByte: number | undefined;
  let invalidBytes = 0;
  let invalidInRuns = 0;
  let run = 0;
  let letterRun: LenientDecoding['letterRun'];
  let letters = 0;
  const illFormed: LenientDecoding['illFormed'] = { sequences: 0, bytes: 0 };
  const surrogatePairs: LenientDecoding['surrogatePairs'] = { count: 0 };
  let illFormedEnd = 0;
  const endRun = () => {
    if (run >= 3) invalidInRuns += run;
    run = 0;
    letters = 0;
  };
  while (index < bytes.length) {
    const length = utf8SequenceLength(bytes, index);
    if (length > 0) {
      if (stray.length > 0) flushStray();
      endRun();
      index += length;
      continue;
    }
    const pair = bytes[index] === 0xed ? encodedSurrogatePair(bytes, index) : undefined;
    if (pair) {
      if (runStart < index) parts.push(utf8.decode(bytes.subarray(runStart, index)));
      stray.push(...pair);
      surrogatePairs.count += 1;
      surrogatePairs.first ??= index;
      endRun();
      index += 6;
      runStart = index;
      continue;
    }
    firstInvalidByte ??= index;
    invalidBytes += 1;
    run += 1;
    letters = isWindows1252Letter(bytes[index] ?? 0) ? letters + 1 : 0;
    if (letters > (letterRun?.length ?? 0))
      letterRun = { offset: index - letters + 1, length: letters };
    if (index >= illFormedEnd) {
      const sequence = illFormedSequence(bytes, index);
      if (sequence) {
        illFormed.sequences += 1;
        illFormed.first ??= sequence;
        illFormedEnd = index + sequence.length;
      }
    }
    if (index < illFormedEnd) illFormed.bytes += 1;
    if (runStart < index) parts.push(utf8.decode(bytes.subarray(runStart, index)));
    stray.push(windows1252Char(bytes[index] ?? 0).charCodeAt(0));
    index += 1;
    runStart = index;
  }
  flushStray();
  endRun();
  parts.push(utf8.decode(bytes.subarray(runStart)));
  return {
    text: parts.join(''),
    firstInvalidByte,
    invalidBytes,
    invalidInRuns,
    ...(letterRun ? { letterRun } : {}),
    illFormed,
    surrogatePairs,
  };
}

/**
 * A high surrogate (ED A0–AF xx) then a low one (ED B0–BF xx), each encoded as UTF-8 would a
 * code point: the two UTF-16 code units they encode, together one character above U+FFFF.
 */
function encodedSurrogatePair(bytes: Uint8Array, index: number): [number, number] | undefined {
  const high = surrogateAt(bytes, index, 0xa0, 0xaf);
  const low = high === undefined ? undefined : surrogateAt(bytes, index + 3, 0xb0, 0xbf);
  return high !== undefined && low !== undefined ? [high, low] : undefined;
}

/** The UTF-16 surrogate encoded at `at` (ED, a second byte in `low`–`high`, a continuation). */
function surrogateAt(bytes: Uint8Array, at: number, low: number, high: number) {
  const second = bytes[at + 1] ?? 0;
  const third = bytes[at + 2] ?? 0;
  if (bytes[at] !== 0xed || second < low || second > high || third < 0x80 || third > 0xbf)
    return undefined;
  return 0xd000 | ((second & 0x3f) << 6) | (third & 0x3f);
}

/** À–ÿ in Windows-1252 (and ISO 8859-1): letters, but for × (0xD7) and ÷ (0xF7). */
const isWindows1252Letter = (byte: number) => byte >= 0xc0 && byte !== 0xd7 && byte !== 0xf7;

/**
 * The sequence at `index` if it has UTF-8's shape (a lead byte, then as many continuation
 * bytes as it announces) but a value UTF-8 forbids (Unicode table 3-7): overlong (C0–C1, E0
 * 80–9F, F0 80–8F), a surrogate (ED A0–BF), or above U+10FFFF (F4 90–BF, F5–F7).
 */
function illFormedSequence(bytes: Uint8Array, index: number): IllFormedSequence | undefined {
  const lead = bytes[index] ?? 0;
  if (lead < 0xc0 || lead > 0xf7) return undefined;
  const length = lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
  let codePoint = lead & (0xff >> (length + 1));
  for (let k = 1; k < length; k += 1) {
    const byte = bytes[index + k];
    if (byte === undefined || byte < 0x80 || byte > 0xbf) return undefined;
    codePoint = (codePoint << 6) | (byte & 0x3f);
  }
  const shortest = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
  const kind =
    shortest < length
      ? 'overlong'
      : codePoint > 0x10ffff
        ? 'above-max'
        : codePoint >= 0xd800 && codePoint <= 0xdfff
          ? 'surrogate'
          : undefined;
  return kind && { offset: index, length, kind, codePoint };
}

/** Length of the well-formed UTF-8 sequence at `index` (Unicode table 3-7), or 0. */
function utf8SequenceLength(bytes: Uint8Array, index: number): number {
  const lead = bytes[index] ?? 0;
  if (lead < 0x80) return 1;
  let length: number;
  let low = 0x80;
  let high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) length = 2;
  else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead === 0xe0) low = 0xa0;
    if (lead === 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead === 0xf0) low = 0x90;
    if (lead === 0xf4) high = 0x8f;
  } else return 0;
  for (let k = 1; k < length; k += 1) {
    const byte = bytes[index + k];
    if (byte === undefined || byte < (k === 1 ? low : 0x80) || byte > (k === 1 ? high : 0xbf)) {
      return 0;
    }
  }
  return length;
}
