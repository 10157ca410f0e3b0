import { describe, expect, it } from 'vitest';
import { nearestName } from '../../../shared/config/nearest-name.ts';

describe('nearestName: what a mistyped name most likely meant', () => {
  const fields = ['title', 'tags', 'summary', 'id', 'date', 'updated', 'image_alt'];
  it.each([
    ['titel', 'title'],
    ['Title', 'title'],
    ['tittle', 'title'],
    ['tag', 'tags'],
    ['sumary', 'summary'],
    ['udpated', 'updated'],
    ['image-alt', 'image_alt'],
  ])('%s → %s', (word, meant) => {
    expect(nearestName(word, fields)).toBe(meant);
  });
  it.each(['x0', 'wp_post_id', 'author_bio', 'permalink'])('%s → nothing', (word) => {
    expect(nearestName(word, fields)).toBeUndefined();
  });
  it('commands and settings too', () => {
    expect(nearestName('buidl', ['dev', 'build', 'validate'])).toBe('build');
    expect(nearestName('itemlimit', ['itemLimit', 'siteUrl'])).toBe('itemLimit');
  });
});
