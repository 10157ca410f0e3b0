import { describe, expect, it } from 'vitest';
import { oneLine, xmlSafe } from '../../../shared/feeds/xml-safe.ts';
import { prng } from '../../support/prng.ts';

/** What XML 1.0 allows, by code point: the definition xmlSafe must agree with. */
function allowed(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    codePoint >= 0x10000
  );
}

/** Code point by code point: a lone surrogate is its own (forbidden) code point. */
function reference(text: string): string {
  return Array.from(text)
    .filter((char) => allowed(char.codePointAt(0) ?? 0))
    .join('');
}

describe('xmlSafe', () => {
  it.each([
    [
      'ASCII with controls',
      'a\u0000b\u0001c\u0008d\u000Be\u000Cf\u000Eg\u001Fh\tI\nj\rk',
      'abcdefgh\tI\nj\rk',
    ],
    ['Latin-1 with controls', 'café\u0007 naïve\u001B', 'café naïve'],
    [
      'past Latin-1, well-formed',
      'مرحبا\u0002 — “quoted” 😀\uFFFE\uFFFF end',
      'مرحبا — “quoted” 😀 end',
    ],
    ['lone high surrogate', 'a\uD800b', 'ab'],
    ['lone low surrogate', 'a\uDC00b', 'ab'],
    ['high surrogate at the end', 'ab\uDBFF', 'ab'],
    ['two highs, then a pair', '\uD800\uD800\uDC00', '\uD800\uDC00'],
    ['controls beside a lone surrogate', '\u0001é\uDC00\u0002😀', 'é😀'],
  ])('%s', (_name, input, expected) => {
    expect(xmlSafe(input)).toBe(expected);
    expect(reference(input)).toBe(expected);
  });

  it('agrees with the XML 1.0 character range on random text', () => {
    const random = prng(19);
    // Weighted towards the edges: controls, Latin-1, BMP, surrogate halves, U+FFFE/U+FFFF.
    const pools = [
      () => Math.floor(random() * 0x20),
      () => 0x20 + Math.floor(random() * 0xe0),
      () => 0x100 + Math.floor(random() * 0xd6ff),
      () => 0xd800 + Math.floor(random() * 0x800),
      () => 0xfffe + Math.floor(random() * 2),
    ];
    for (let n = 0; n < 2000; n++) {
      const units = Array.from({ length: 1 + Math.floor(random() * 12) }, () => {
        const pool = pools[Math.floor(random() * pools.length)] ?? (() => 0x41);
        return pool();
      });
      const text = String.fromCharCode(...units);
      expect(xmlSafe(text), JSON.stringify(text)).toBe(reference(text));
    }
  });
});

describe('oneLine', () => {
  it('collapses whitespace to one space, and keeps an ideographic space alone as it is', () => {
    expect(oneLine(' 大阪で大雨\u3000交通に乱れ \n x\t\ty ')).toBe(
      '大阪で大雨\u3000交通に乱れ x y',
    );
    expect(oneLine('山田\u3000\u3000太郎')).toBe('山田 太郎');
  });
});
