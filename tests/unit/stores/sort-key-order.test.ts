import { describe, expect, it } from 'vitest';
import { byBytes } from '../../../shared/contract/sort-key-order.ts';

describe('byBytes: sort keys in the order DynamoDB keeps them (UTF-8 bytes)', () => {
  it('agrees with a byte comparison of the UTF-8 encodings, surrogate pairs included', () => {
    const chars = [
      '',
      '#',
      'a',
      'z',
      'é',
      '\u0800',
      '\ud7ff',
      '\ue000',
      '\uffff',
      '😀',
      '\u{10000}',
      '\u{10ffff}',
    ];
    const keys = chars.flatMap((x) => chars.map((y) => `${x}${y}`));
    for (const a of keys)
      for (const b of keys)
        expect([a, b, Math.sign(byBytes(a, b))]).toEqual([
          a,
          b,
          Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))),
        ]);
  });

  it('puts a code point above U+FFFF after U+E000–U+FFFF, where UTF-16 order does not', () => {
    expect('😀' < '\uffff').toBe(true);
    expect(byBytes('😀', '\uffff')).toBeGreaterThan(0);
  });
});
