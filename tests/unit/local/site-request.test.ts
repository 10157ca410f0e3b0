import { describe, expect, it } from 'vitest';
import { isIgnoredName } from '../../../shared/local/inbox-files.ts';
import { isNotModified, siteTarget } from '../../../shared/local/site-request.ts';

describe('siteTarget', () => {
  it.each([
    ['/', 'index.html', true],
    ['/?utm=x', 'index.html', true],
    ['/rss.xml', 'rss.xml', false],
    ['/tags/', 'tags/index.html', true],
    ['/tags', 'tags', false],
    ['/tags/budget/feed.json', 'tags/budget/feed.json', false],
    ['/articles/%C3%A9t%C3%A9/a%20b.html', 'articles/été/a b.html', false],
    ['/articles/a+b.html', 'articles/a+b.html', false],
  ])('%s → %s', (url, key, directory) => {
    expect(siteTarget(url)).toEqual({ key, directory });
  });

  it.each([
    '/../etc/passwd',
    '/%2e%2e/%2E%2E/etc/passwd',
    '/a/./b',
    '/a%2Fb',
    '/a%5Cb',
    '/a%00b',
    '/%E0%A4%A',
    '/a//b',
    'rss.xml',
  ])('refuses %s', (url) => {
    expect(siteTarget(url)).toMatchObject({ status: 400 });
  });
});

describe('isNotModified', () => {
  const etag = '"abc"';
  const modified = new Date('2019-12-19T10:00:00.500Z');

  it.each([
    [{ ifNoneMatch: '"abc"' }, true],
    [{ ifNoneMatch: 'W/"abc"' }, true],
    [{ ifNoneMatch: '"x", "abc"' }, true],
    [{ ifNoneMatch: '*' }, true],
    [{ ifNoneMatch: '"other"' }, false],
    // If-None-Match wins: a matching date does not rescue a different ETag.
    [{ ifNoneMatch: '"other"', ifModifiedSince: 'Thu, 19 Dec 2019 10:00:00 GMT' }, false],
    [{ ifModifiedSince: 'Thu, 19 Dec 2019 10:00:00 GMT' }, true],
    [{ ifModifiedSince: 'Thu, 19 Dec 2019 11:00:00 GMT' }, true],
    [{ ifModifiedSince: 'Thu, 19 Dec 2019 09:59:59 GMT' }, false],
    [{ ifModifiedSince: 'yesterday' }, false],
    [{}, false],
  ])('%j → %s', (conditions, expected) => {
    expect(isNotModified(conditions, etag, modified)).toBe(expected);
  });
});

describe('isIgnoredName', () => {
  it.each(['.DS_Store', '.article.md.swp', 'article.md~', '#article.md#', '4913', 'x.tmp', '.git'])(
    'ignores %s',
    (name) => expect(isIgnoredName(name)).toBe(true),
  );
  it.each(['article.md', 'Été à Paris.txt', 'feed.json', 'photo.jpg', 'notes.swp.txt'])(
    'keeps %s',
    (name) => expect(isIgnoredName(name)).toBe(false),
  );
});
