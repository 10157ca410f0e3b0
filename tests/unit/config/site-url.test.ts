import { describe, expect, it } from 'vitest';
import { normalizeSiteUrl } from '../../../shared/config/site.ts';

describe('the site URL', () => {
  it('is the folder the site is served from, with a trailing /', () => {
    expect(normalizeSiteUrl('https://news.example.com')).toBe('https://news.example.com/');
    expect(normalizeSiteUrl('https://news.example.com/news')).toBe(
      'https://news.example.com/news/',
    );
  });

  it('refuses what it would otherwise publish in every feed, or drop without a word', () => {
    expect(() => normalizeSiteUrl('https://editor:secret@news.example.com/')).toThrow(
      'site URL "https://editor:secret@news.example.com/" carries a user name or password, which every feed and page would publish: leave them out',
    );
    for (const url of [
      'https://news.example.com/?utm=x',
      'https://news.example.com/#top',
      'https://news.example.com/?',
    ])
      expect(() => normalizeSiteUrl(url)).toThrow(
        `site URL "${url}" has a ?query or #fragment: give the folder the site is served from, e.g. https://news.example.com/news/`,
      );
  });
});
