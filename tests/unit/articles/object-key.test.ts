import { describe, expect, it } from 'vitest';
import {
  decodeS3EventKey,
  FEEDPUB_NAMESPACE,
  guidFromId,
  idFromKey,
  isSafeId,
  keptId,
  MAX_ID_LENGTH,
} from '../../../shared/articles/object-key.ts';
import { uuidV5 } from '../../../shared/articles/uuid-v5.ts';
import { rejectionOf } from './helpers.ts';

const HASHED = '[0-9a-f]{8}';

describe('decodeS3EventKey', () => {
  it.each([
    ['articles/Deep+Article.txt', 'articles/Deep Article.txt'],
    ['articles/a%2Bb.txt', 'articles/a+b.txt'],
    ['articles/a%20b+c.md', 'articles/a b c.md'],
    ['articles/caf%C3%A9.txt', 'articles/café.txt'],
    ['articles/%E2%82%AC%F0%9F%8E%89.json', 'articles/€🎉.json'],
    ['articles/%25.txt', 'articles/%.txt'],
    ['articles/plain.txt', 'articles/plain.txt'],
  ])('%s → %s', (raw, decoded) => {
    expect(decodeS3EventKey(raw)).toBe(decoded);
  });

  it.each([
    ['articles/100%.txt', /character 13: "%\.t" is not a %XX escape/],
    ['articles/%zz.txt', /"%zz" is not a %XX escape/],
    ['articles/%E2%82.txt', /not valid UTF-8/],
    ['articles/%C3.txt', /not valid UTF-8/],
    ['articles/%ED%A0%80.txt', /not valid UTF-8/],
    ['articles/%FF.txt', /not valid UTF-8/],
  ])('rejects malformed %s', (raw, message) => {
    const error = rejectionOf(() => decodeS3EventKey(raw));
    expect(error.reason).toBe('bad-key');
    expect(error.message).toMatch(message);
    expect(error.message).toContain(raw);
    expect(error.cause).toBeInstanceOf(URIError);
  });
});

describe('idFromKey', () => {
  it.each([
    ['articles/2019/12/deep-article.txt', '2019/12/deep-article'],
    ['articles/hello.md', 'hello'],
    ['articles/a-b.json', 'a-b'],
    ['articles/新闻.txt', '新闻'],
    ['articles/новости/главная.markdown', 'новости/главная'],
    ['articles/2019/x1.txt', '2019/x1'],
  ])('keeps canonical key %s as %s', (key, id) => {
    expect(idFromKey(key)).toBe(id);
  });

  it.each([
    ['articles/2019/12/Deep Article.txt', `2019/12/deep-article-${HASHED}`],
    ['articles/Café Crème.txt', `cafe-creme-${HASHED}`],
    ['articles/Straße Łódź Ærø.txt', `strasse-lodz-aero-${HASHED}`],
    ['articles/Новости/Главная.txt', `новости/главная-${HASHED}`],
    ['articles/🎉.txt', `h-${HASHED}-${HASHED}`],
    ['articles/🎉/x.txt', `h-${HASHED}/x-${HASHED}`],
    ['articles/../index.txt', `index-${HASHED}`],
    ['articles/../../etc/passwd', `etc/passwd-${HASHED}`],
    ['articles//x.txt', `x-${HASHED}`],
    ['articles/./x.txt', `x-${HASHED}`],
    ['articles/x/..', `x-${HASHED}`],
    ['articles/', `h-${HASHED}`],
    ['articles/..', `h-${HASHED}`],
    ['articles/x.TXT', `x-${HASHED}`],
    ['articles/README', `readme-${HASHED}`],
    ['articles/.hidden', `hidden-${HASHED}`],
    ['articles/ＦＵＬＬ.txt', `full-${HASHED}`],
    ['articles/a\u0000b.txt', `a-b-${HASHED}`],
    ['articles/<script>alert(1)</script>.txt', `script-alert-1/script-${HASHED}`],
  ])('slugifies %s and marks it with a hash', (key, pattern) => {
    expect(idFromKey(key)).toMatch(new RegExp(`^${pattern}$`, 'u'));
  });

  it('gives keys that slugify alike distinct ids, the canonical one unchanged', () => {
    const keys = [
      'articles/a-b.txt',
      'articles/A b.txt',
      'articles/a_b.txt',
      'articles/a b.txt',
      'articles/A-B.txt',
      'articles/a--b.txt',
      'articles/a-b.TXT',
      'articles/a.b.txt',
      'articles//a-b.txt',
    ];
    const ids = keys.map((key) => idFromKey(key));
    expect(new Set(ids).size).toBe(keys.length);
    expect(ids[0]).toBe('a-b');
  });

  it('gives a name the same id however its letters are composed (macOS saves café decomposed)', () => {
    const composed = idFromKey('articles/2026/caf\u00e9.md');
    expect(idFromKey('articles/2026/cafe\u0301.md')).toBe(composed);
    expect(composed).toMatch(/^2026\/cafe-[0-9a-f]{8}$/);
    // A composed key's id is what it always was (hashed as spelled).
    expect(composed).toBe(idFromKey('articles/2026/caf\u00e9.md', { legacy: 'spelled' }));
  });

  it.each([
    ['Japanese (dakuten)', 'ガス料金'],
    ['Arabic (hamza)', 'أخبار'],
    ['Korean (Hangul syllables)', '한국어'],
    ['Hindi (nukta)', 'ऩई'],
  ])('a %s name is its own slug whether composed or decomposed: no hash', (_script, name) => {
    const composed = `articles/2026/${name.normalize('NFC')}.md`;
    const decomposed = `articles/2026/${name.normalize('NFD')}.md`;
    expect(decomposed).not.toBe(composed);
    expect(idFromKey(composed)).toBe(`2026/${name.normalize('NFC')}`);
    expect(idFromKey(decomposed)).toBe(idFromKey(composed));
    // A story uploaded decomposed before keeps the id it had (hashed, as spelled).
    const before = idFromKey(decomposed, { legacy: 'spelled' });
    expect(before).toMatch(/-[0-9a-f]{8}$/);
    expect(keptId(decomposed, before)).toBe(before);
    expect(keptId(decomposed, undefined)).toBe(idFromKey(composed));
    // And one uploaded so on 2026-12-06, when the name was checked as spelled, hashed composed.
    const thatDay = idFromKey(decomposed, { legacy: 'spelledName' });
    expect(thatDay).toMatch(/-[0-9a-f]{8}$/);
    expect(thatDay).not.toBe(before);
    expect(keptId(decomposed, thatDay)).toBe(thatDay);
  });

  it("keeps the id a decomposed key's story got before names were composed", () => {
    const key = 'articles/cafe\u0301.md';
    const before = idFromKey(key, { legacy: 'spelled' });
    expect(before).not.toBe(idFromKey(key));
    expect(keptId(key, before)).toBe(before);
    expect(keptId(key, undefined)).toBe(idFromKey(key));
    // An id the file once named itself, or any other, is not the key's: the key's own id.
    expect(keptId(key, 'named-by-the-file')).toBe(idFromKey(key));
  });

  it('is deterministic', () => {
    expect(idFromKey('articles/A b.txt')).toBe(idFromKey('articles/A b.txt'));
    expect(idFromKey('articles/A b.txt')).toBe('a-b-fc5374e3');
  });

  it.each([
    ['a 1,000-byte ASCII key', `articles/${'x'.repeat(987)}.txt`],
    ['a long multibyte key', `articles/${'é'.repeat(495)}.txt`],
    ['a key of astral letters', `articles/${'𠀀'.repeat(250)}.txt`],
    ['a deep key', `articles/${'ab/'.repeat(300)}x.txt`],
  ])('bounds %s to MAX_ID_LENGTH, safely', (_, key) => {
    const id = idFromKey(key);
    expect(id.length).toBeLessThanOrEqual(MAX_ID_LENGTH);
    expect(id).toMatch(new RegExp(`-${HASHED}$`));
    expect(id.isWellFormed()).toBe(true);
    expect(isSafeId(id)).toBe(true);
  });

  it('keeps long keys that differ only at the end apart', () => {
    const base = `articles/${'long-name-'.repeat(50)}`;
    expect(idFromKey(`${base}a.txt`)).not.toBe(idFromKey(`${base}b.txt`));
  });

  it('rejects a key outside articles/', () => {
    const error = rejectionOf(() => idFromKey('reports/x.txt'));
    expect(error.reason).toBe('bad-key');
    expect(error.message).toContain('reports/x.txt');
  });

  const hostileKeys = [
    'articles/../../../../etc/passwd',
    'articles/..%2F..%2Fx.txt',
    'articles/....//....//x.txt',
    'articles/\\..\\..\\windows.txt',
    'articles/ /  / .txt',
    'articles/-/--/-.txt',
    'articles/\u202egnp.exe.txt',
    'articles/\u0301\u0302.txt',
    'articles/\ud800.txt',
    'articles/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z.txt',
    'articles/İstanbul/ǅ.txt',
    'articles/ऑनलाइन समाचार.txt',
    'articles/ﷺ.txt',
    'articles/x.txt/',
    `articles/${'/'.repeat(500)}x.txt`,
    `articles/${'../'.repeat(300)}`,
  ];

  it.each(hostileKeys)('makes a safe id that stays below articles/ for %j', (key) => {
    const id = idFromKey(key);
    expect(isSafeId(id)).toBe(true);
    expect(id.split('/')).not.toContain('..');
    const page = new URL(`articles/${id}.html`, 'https://site.example/');
    expect(page.pathname.startsWith('/articles/')).toBe(true);
    expect(decodeURIComponent(page.pathname)).toBe(`/articles/${id}.html`);
  });
});

describe('isSafeId', () => {
  it.each([
    'a',
    '2019/12/deep-article',
    'snake_case-and-dash',
    'новости/главная',
    'h-1a2b3c4d',
    'x'.repeat(200),
  ])('accepts %s', (id) => {
    expect(isSafeId(id)).toBe(true);
  });

  it.each([
    '',
    '/a',
    'a/',
    'a//b',
    '..',
    '../a',
    'a/../b',
    './a',
    '.hidden',
    'A',
    'a b',
    'a.b',
    'a\\b',
    'a%2fb',
    '-a',
    '_a',
    'x'.repeat(201),
    'a\u0000',
    'ｆｕｌｌ',
    'a?b',
    'a#b',
    'a:b',
  ])('rejects %j', (id) => {
    expect(isSafeId(id)).toBe(false);
  });
});

describe('guidFromId', () => {
  it('implements RFC 4122 UUIDv5 (known DNS-namespace vector)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('never changes for an id (pinned value)', () => {
    expect(FEEDPUB_NAMESPACE).toBe('7ffd951d-88f8-4484-8d81-a1e102b392bf');
    expect(guidFromId('2019/12/deep-article')).toBe(
      `urn:uuid:${uuidV5('2019/12/deep-article', FEEDPUB_NAMESPACE)}`,
    );
    expect(guidFromId('2019/12/deep-article')).toBe(
      'urn:uuid:d33bb6f3-0eaf-55b2-95df-2b23a128fc0d',
    );
  });

  it('is a version 5, RFC 4122 variant urn:uuid, distinct per id', () => {
    const ids = ['a', 'b', 'новости/главная', 'x'.repeat(200)];
    const guids = ids.map(guidFromId);
    for (const guid of guids) {
      expect(guid).toMatch(
        /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
    expect(new Set(guids).size).toBe(ids.length);
  });
});
