import { describe, expect, it } from 'vitest';
import { SizedLru } from '../../../shared/collections/sized-lru.ts';

const keys = (lru: SizedLru<string>, candidates = ['a', 'b', 'c', 'd', 'e']) =>
  candidates.filter((key) => lru.peek(key) !== undefined);

describe('SizedLru', () => {
  it('keeps no more than its bound, the least recently read or put going first', () => {
    const lru = new SizedLru<string>(10);
    lru.set('a', 'A', 4);
    lru.set('b', 'B', 4);
    expect(lru.get('a')).toBe('A');
    lru.set('c', 'C', 4);
    // b was used least recently: a was read after it was put.
    expect(keys(lru)).toEqual(['a', 'c']);
    expect(lru.size).toBe(8);
    expect(lru.count).toBe(2);
    // A peek does not touch: a is still the least recently used.
    expect(lru.peek('a')).toBe('A');
    lru.set('d', 'D', 4);
    expect(keys(lru)).toEqual(['c', 'd']);
  });

  it('keeps an entry just put in even when it alone is over the bound, until the next one', () => {
    const lru = new SizedLru<string>(10);
    lru.set('a', 'A', 3);
    lru.set('b', 'B', 25);
    expect(keys(lru)).toEqual(['b']);
    lru.set('c', 'C', 2);
    expect(keys(lru)).toEqual(['c']);
    expect(lru.size).toBe(2);
  });

  it('counts a size known later only for the value still held, evicting least recently used first', () => {
    const lru = new SizedLru<string>(10);
    lru.set('a', 'A');
    lru.set('b', 'B', 4);
    lru.set('c', 'C', 4);
    expect(lru.size).toBe(8);
    // Another value under the key: the late size is not counted.
    expect(lru.resize('c', 'older C', 100)).toBe(false);
    expect(lru.size).toBe(8);
    // a, the least recently used, is over the bound once counted: it goes, and the others stay.
    expect(lru.resize('a', 'A', 5)).toBe(true);
    expect(keys(lru)).toEqual(['b', 'c']);
    expect(lru.size).toBe(8);
    expect(lru.delete('b')).toBe(true);
    expect(lru.delete('b')).toBe(false);
    expect(lru.size).toBe(4);
  });
});
