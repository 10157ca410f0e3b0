/**
 * DynamoDB orders string sort keys by their UTF-8 bytes, which is code point order. UTF-16
 * code units are in that order too, except that a surrogate (half of a code point above
 * U+FFFF) must sort after U+E000–U+FFFF: compared unit by unit, with no copy of either string.
 */
export function byBytes(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
