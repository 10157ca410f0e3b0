import { describe, expect, it } from 'vitest';
import { decodeArticleBytes, MAX_ARTICLE_BYTES } from '../../../shared/articles/decode.ts';
import { decodeUtf8WithWindows1252Fallback } from '../../../shared/articles/windows-1252.ts';
import { fixture, rejectionOf } from './helpers.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);
const bytes = (...values: number[]) => Uint8Array.from(values);
const SAMPLE = fixture('libya-ratifies-turkey-deal.txt').toString('utf8');

describe('decodeArticleBytes', () => {
  it('reads UTF-8 as is', () => {
    const decoded = decodeArticleBytes(utf8('Erdoğan 🎉 مرحبا\n'));
    expect(decoded).toEqual({ text: 'Erdoğan 🎉 مرحبا\n', encoding: 'utf-8', warnings: [] });
  });

  it.each([
    ['UTF-8 with BOM and CRLF', 'corpus/wire-bom-crlf.txt', 'utf-8'],
    ['CR-only line ends', 'corpus/wire-cr-only.txt', 'utf-8'],
    ['UTF-16 LE with BOM', 'corpus/wire-utf16le.txt', 'utf-16le'],
    ['UTF-16 BE with BOM', 'corpus/wire-utf16be.txt', 'utf-16be'],
  ])('decodes %s to the same text as the sample', (_, name, encoding) => {
    const decoded = decodeArticleBytes(fixture(name));
    expect(decoded.text).toBe(SAMPLE);
    expect(decoded.encoding).toBe(encoding);
    expect(decoded.warnings).toEqual([]);
  });

  it('reads Windows-1252 smart quotes and says so, naming where', () => {
    const decoded = decodeArticleBytes(fixture('corpus/windows-1252-smart-quotes.txt'));
    expect(decoded.encoding).toBe('windows-1252');
    expect(decoded.text.split('\n')[0]).toBe('“Quoted” headline – café costs 5€');
    expect(decoded.text).toContain('The mayor’s “plan” — naïve? Coût: 5€.');
    expect(decoded.warnings).toEqual([
      'file is not valid UTF-8 (first bad byte at line 1, byte 1); bytes that are not UTF-8 were read as Windows-1252',
    ]);
  });

  it('keeps the valid UTF-8 of a file with a few Windows-1252 bytes', () => {
    const decoded = decodeArticleBytes(fixture('corpus/mixed-utf8-and-1252.txt'));
    expect(decoded.text).toBe('Erdoğan visits Berlin\n\nHe said “hello” in Türkçe.\n');
    expect(decoded.warnings[0]).toMatch(/line 3, byte 9\)/);
  });

  it('names a sequence UTF-8 forbids among a few bad bytes it reads as Windows-1252', () => {
    const decoded = decodeArticleBytes(
      Buffer.concat([
        Buffer.from('Headline\n\nbad slash '),
        bytes(0xc0, 0xaf),
        Buffer.from(' here\n'),
      ]),
    );
    expect(decoded.encoding).toBe('windows-1252');
    expect(decoded.warnings).toEqual([
      'file is not valid UTF-8 (first bad byte at line 3, byte 11); among them a sequence that UTF-8 forbids, at line 3, byte 11 (C0 AF, an overlong encoding of "/", U+002F); bytes that are not UTF-8 were read as Windows-1252',
    ]);
  });

  it.each([
    ['an overlong encoding', bytes(0x41, 0xc0, 0xaf), 'AÀ¯'],
    ['an encoded surrogate', bytes(0xed, 0xa0, 0x80), 'í\u00a0€'],
    ['a code point above U+10FFFF', bytes(0xf4, 0x90, 0x80, 0x80), 'ô\u0090€€'],
    ['a truncated sequence', bytes(0x41, 0xe2, 0x82), 'Aâ‚'],
    ['a lone continuation byte', bytes(0x80, 0x41), '€A'],
  ])('falls back byte by byte on %s and stays well-formed', (_, input, expected) => {
    const { text, firstInvalidByte } = decodeUtf8WithWindows1252Fallback(input);
    expect(text).toBe(expected);
    expect(text.isWellFormed()).toBe(true);
    expect(firstInvalidByte).toBeDefined();
  });

  it('reads a character above U+FFFF written as two encoded surrogates (CESU-8) as that character, and says so', () => {
    // 😀 (U+1F600) is D83D DE00 in UTF-16; CESU-8 writes each half as UTF-8 would a code point.
    const cesu = [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80];
    const body = bytes(
      ...utf8('Title\n\nGood news '),
      ...cesu,
      ...utf8(' and café '),
      ...cesu,
      0x0a,
    );
    const decoded = decodeArticleBytes(body);
    expect(decoded.text).toBe('Title\n\nGood news 😀 and café 😀\n');
    expect(decoded.encoding).toBe('utf-8');
    expect(decoded.warnings).toEqual([
      `file writes 2 characters above U+FFFF (an emoji, a rare ideograph) as two encoded UTF-16 surrogates, as CESU-8 does (Java's "modified UTF-8", Oracle's UTF8), the first at line 3, byte 11; read as the characters meant: save it as UTF-8`,
    ]);
    // With a Windows-1252 byte beside it: both are told, each read as meant.
    const mixed = decodeArticleBytes(bytes(...utf8('Title\n\n'), ...cesu, 0x93, 0x41, 0x94));
    expect(mixed.text).toBe('Title\n\n😀“A”');
    expect(mixed.warnings).toHaveLength(2);
    // A high surrogate alone (no low one after it) is still ill-formed: read byte by byte.
    expect(decodeUtf8WithWindows1252Fallback(bytes(0xed, 0xa0, 0xbd, 0x41)).text).toBe('í\u00a0½A');
  });

  it('maps every high byte as the WHATWG index-windows-1252 table does', () => {
    // Not compared with TextDecoder('windows-1252'): Node 20's decodes that label as Latin-1.
    const expected =
      '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ' +
      String.fromCharCode(...Array.from({ length: 96 }, (_, i) => 0xa0 + i));
    // Byte by byte, so no accidental UTF-8 sequence forms between neighbours.
    const ours = Array.from(
      { length: 128 },
      (_, i) => decodeUtf8WithWindows1252Fallback(bytes(0x80 + i)).text,
    );
    expect(ours.join('')).toBe(expected);
  });

  it('accepts exactly MAX_ARTICLE_BYTES', () => {
    const body = new Uint8Array(MAX_ARTICLE_BYTES).fill(0x61);
    expect(decodeArticleBytes(body).text.length).toBe(MAX_ARTICLE_BYTES);
  });

  it.each([
    [
      'too-large',
      'one byte over 1 MiB',
      new Uint8Array(MAX_ARTICLE_BYTES + 1).fill(0x61),
      /file is 1048577 bytes; the limit is 1 MiB \(1048576 bytes\)$/,
    ],
    ['too-large', '5 MiB', new Uint8Array(5 * MAX_ARTICLE_BYTES), /5\.00 MiB/],
    ['empty', 'an empty file', fixture('corpus/empty.txt'), /file is empty/],
    [
      'empty',
      'whitespace, NBSP and zero-width spaces',
      fixture('corpus/whitespace-only.txt'),
      /only whitespace/,
    ],
    ['empty', 'a lone BOM', bytes(0xef, 0xbb, 0xbf), /only whitespace/],
    ['empty', 'a UTF-16 BOM and spaces', bytes(0xff, 0xfe, 0x20, 0x00), /only whitespace/],
    [
      'binary',
      'NUL bytes',
      fixture('corpus/nul-bytes.txt'),
      /NUL characters \(first at character 15\)/,
    ],
    ['binary', 'a PNG named .txt', fixture('corpus/png-disguised.txt'), /looks binary/],
    [
      'binary',
      'mostly control characters',
      fixture('corpus/control-heavy.txt'),
      /\d+% control characters/,
    ],
    ['binary', 'a JPEG header', fixture('corpus/photo.jpg'), /looks binary/],
    [
      'binary',
      'UTF-16 text with NULs',
      bytes(0xff, 0xfe, 0x41, 0x00, 0x00, 0x00, 0x00, 0x00, 0x42, 0x00),
      /2 NUL characters \(first at character 2\)/,
    ],
    [
      'bad-encoding',
      'UTF-16 without a BOM',
      fixture('corpus/utf16-no-bom.txt'),
      /UTF-16 without a byte-order mark/,
    ],
    ['bad-encoding', 'UTF-32', fixture('corpus/utf32.txt'), /UTF-32/],
  ])('rejects (%s) %s', (reason, _, body, message) => {
    const error = rejectionOf(() => decodeArticleBytes(body));
    expect(error.reason).toBe(reason);
    expect(error.message).toMatch(message);
  });

  it('keeps a few control characters for the text layer to remove', () => {
    const decoded = decodeArticleBytes(fixture('corpus/control-chars.txt'));
    expect(decoded.text).toContain('\u0007');
    expect(decoded.encoding).toBe('utf-8');
  });

  it('decodes a full 1 MiB Windows-1252 file', () => {
    // "Le café « vert » — déjà vu. " in Windows-1252, over and over.
    const sentence = bytes(
      ...[0x4c, 0x65, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x20, 0x93, 0x76, 0x65, 0x72, 0x74, 0x94],
      ...[0x20, 0x97, 0x20, 0x64, 0xe9, 0x6a, 0xe0, 0x20, 0x76, 0x75, 0x2e, 0x20],
    );
    const body = new Uint8Array(MAX_ARTICLE_BYTES);
    for (let at = 0; at + sentence.length <= body.length; at += sentence.length)
      body.set(sentence, at);
    body.set(new TextEncoder().encode('é and ’'), 1000);
    const decoded = decodeArticleBytes(body);
    expect(decoded.encoding).toBe('windows-1252');
    expect(decoded.text.startsWith('Le café “vert” — déjà vu. Le café')).toBe(true);
    expect(decoded.text).toContain('é and ’');
  });

  it('accepts a stray NUL in clear text (removed later, and reported)', () => {
    const body = new TextEncoder().encode(
      `Wire story\n\n${'A clear paragraph. '.repeat(20)}\u0000\n`,
    );
    expect(decodeArticleBytes(body).text).toContain('\u0000');
  });

  it('rejects a legacy encoding of another script rather than publish gibberish', () => {
    // "Привет, мир! Новости дня." in KOI8-R, and "日本のニュース" in Shift-JIS.
    const koi8 = bytes(
      ...[0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4, 0x2c, 0x20, 0xcd, 0xc9, 0xd2, 0x21, 0x20],
      ...[0xee, 0xcf, 0xd7, 0xcf, 0xd3, 0xd4, 0xc9, 0x20, 0xc4, 0xce, 0xd1, 0x2e, 0x0a],
    );
    const sjis = bytes(
      0x93,
      0xfa,
      0x96,
      0x7b,
      0x82,
      0xcc,
      0x83,
      0x6a,
      0x83,
      0x85,
      0x81,
      0x5b,
      0x83,
      0x58,
    );
    for (const body of [koi8, bytes(...sjis, 0x0a, ...sjis, 0x0a)]) {
      const error = rejectionOf(() => decodeArticleBytes(body));
      expect(error.reason).toBe('bad-encoding');
      expect(error.message).toContain('Save it as UTF-8');
    }
  });

  it('rejects one short word of another script in a legacy encoding, though the file has few bad bytes', () => {
    // A title in Windows-1251 ("Новости", 7 bytes) and a name in KOI8-R ("Ирина", 5 bytes)
    // in otherwise ASCII files: read as Windows-1252 they would be published as "Íîâîñòè".
    const cp1251 = bytes(
      ...utf8('Title: '),
      0xcd,
      0xee,
      0xe2,
      0xee,
      0xf1,
      0xf2,
      0xe8,
      ...utf8('\n\nBody.\n'),
    );
    const koi8 = bytes(
      ...utf8('Title\n\nInterview with '),
      0xe9,
      0xd2,
      0xc9,
      0xce,
      0xc1,
      ...utf8('.\n'),
    );
    const first = rejectionOf(() => decodeArticleBytes(cp1251));
    expect(first.reason).toBe('bad-encoding');
    expect(first.message).toBe(
      'file is not UTF-8: the 7 bytes at line 1, byte 8 (CD EE E2 EE F1 F2 E8) are letters in a row, as a legacy encoding of a non-Latin script writes a word (Windows-1251, KOI8-R, …); read as Windows-1252 they would be gibberish ("Íîâîñòè"). Save it as UTF-8',
    );
    expect(rejectionOf(() => decodeArticleBytes(koi8)).message).toContain(
      'the 5 bytes at line 3, byte 16 (E9 D2 C9 CE C1)',
    );
  });

  it('still reads a few Windows-1252 accents, two in a row at most, as Windows-1252', () => {
    // "INFORMAÇÕES sobre a ação", "Größe", "déjà" and "Þórður" in Windows-1252.
    // Their letters are the same bytes in Latin-1 (À–ÿ).
    const text = 'Title\n\nINFORMAÇÕES sobre a ação, Größe, déjà, Þórður.\n';
    const body = Buffer.from(text, 'latin1');
    const decoded = decodeArticleBytes(body);
    expect(decoded.encoding).toBe('windows-1252');
    expect(decoded.text).toBe(text);
  });

  it('names overlong and other invalid UTF-8 sequences, where a legacy encoding was guessed', () => {
    // C0 BC and C0 BE are "<" and ">" in two bytes: how filters that look for "<script" are evaded.
    const parts: (string | number[])[] = [
      '---\ntitle: Overlong ',
      [0xc0, 0xbc],
      'script',
      [0xc0, 0xbe],
      '\n---\n\nBody ',
      [0xc0, 0xbc],
      'script',
      [0xc0, 0xbe],
      'alert(1)',
      [0xc0, 0xbc, 0xc0, 0xaf],
      'script',
      [0xc0, 0xbe],
      ' and ',
      [0xed, 0xa0, 0x80],
      ' surrogate and ',
      [0xf4, 0x90, 0x80, 0x80],
      ' beyond.\n',
    ];
    const body = bytes(
      ...parts.flatMap((part) => (typeof part === 'string' ? [...utf8(part)] : part)),
    );
    const error = rejectionOf(() => decodeArticleBytes(body));
    expect(error.reason).toBe('bad-encoding');
    expect(error.message).toBe(
      'file is not valid UTF-8: it has 9 invalid UTF-8 sequences, the first at line 2, byte 17 (C0 BC, an overlong encoding of "<", U+003C); save it as UTF-8',
    );
    const first = (sequence: number[]) =>
      rejectionOf(() => decodeArticleBytes(bytes(...utf8('Title\n\n'), ...sequence, ...body)))
        .message;
    expect(first([0xed, 0xa0, 0x80])).toMatch(
      /^file is not valid UTF-8: it has 10 invalid UTF-8 sequences, the first at line 3, byte 1 \(ED A0 80, an encoded UTF-16 surrogate, U\+D800\); save it as UTF-8$/,
    );
    expect(first([0xf4, 0x90, 0x80, 0x80])).toMatch(
      /the first at line 3, byte 1 \(F4 90 80 80, a code point above U\+10FFFF\); save it as UTF-8$/,
    );
  });

  it('still reads Windows-1251 as a legacy encoding, though "А»" looks like an overlong sequence', () => {
    // "«ПРАВДА» сообщила, что правительство одобрило план. Новости дня." in Windows-1251.
    const body = Buffer.from(
      'abcfd0c0c2c4c0bb20f1eeeee1f9e8ebe02c20f7f2ee20eff0e0e2e8f2e5ebfcf1f2e2ee20eee4eee1f0e8ebee20efebe0ed2e20cdeee2eef1f2e820e4edff2e0a',
      'hex',
    );
    const error = rejectionOf(() => decodeArticleBytes(body));
    expect(error.reason).toBe('bad-encoding');
    expect(error.message).toContain('as a legacy encoding of a non-Latin script writes them');
    expect(error.message).toContain('Save it as UTF-8');
  });
});
