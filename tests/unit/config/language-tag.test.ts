import { describe, expect, it } from 'vitest';
import { parseArticle } from '../../../shared/articles/parse.ts';
import { isLanguageTag, languageTag } from '../../../shared/config/language-tag.ts';
import { languageTag as feedLanguageTag } from '../../../shared/feeds/urls.ts';
import { prng } from '../../support/prng.ts';

// Stated here independently: what Atom (RFC 4287 atomLanguageTag) and XML Schema's
// xs:language accept for xml:lang.
const XML_LANG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;
// The three rules this one replaced: infra/config.ts, shared/articles/build.ts, shared/feeds/urls.ts.
const OLD_RULES = [
  /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/,
  /^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$/i,
  /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/,
];

const ACCEPTED = [
  'en',
  'EN',
  'haw',
  'pt-BR',
  'pt-br',
  'zh-Hant-TW',
  'es-419',
  'sr-Latn',
  'sr-Latn-RS',
  'de-CH-1996',
  'zh-yue-HK',
  'sgn-BE-FR',
  'en-GB-oed',
  'en-US-u-ca-gregory',
  'de-x-1',
  'x-klingon',
  'i-klingon',
];

const REJECTED = [
  '',
  'e',
  'x',
  'i',
  'q-foo',
  'abcd',
  'english',
  'english please',
  'en_US',
  'en US',
  'en-',
  '-en',
  'en--US',
  'en-abcdefghi',
  'én',
  'en-US"<',
];

describe('language tags', () => {
  it.each(ACCEPTED)('accepts %j, which also fits xml:lang', (tag) => {
    expect(isLanguageTag(tag)).toBe(true);
    expect(tag).toMatch(XML_LANG);
  });

  it.each(REJECTED)('rejects %j', (text) => {
    expect(isLanguageTag(text)).toBe(false);
    expect(languageTag(text)).toBeUndefined();
  });

  it('trims, keeps case, and gives undefined for nothing', () => {
    expect(languageTag('  pt-br \n')).toBe('pt-br');
    expect(languageTag('zh-Hant-TW')).toBe('zh-Hant-TW');
    expect(languageTag(undefined)).toBeUndefined();
    expect(languageTag('   ')).toBeUndefined();
  });

  it('keeps, unchanged, every tag all three old rules accepted', () => {
    const random = prng(12);
    const pick = (chars: string, min: number, max: number) =>
      Array.from(
        { length: min + Math.floor(random() * (max - min + 1)) },
        () => chars[Math.floor(random() * chars.length)],
      ).join('');
    const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
    for (let n = 0; n < 500; n++) {
      const subtags = Array.from({ length: Math.floor(random() * 4) }, () =>
        pick(`${letters}0123456789`, 2, 8),
      );
      const tag = [pick(letters, 2, 3), ...subtags].join('-');
      expect(OLD_RULES.every((rule) => rule.test(tag))).toBe(true);
      expect(languageTag(tag)).toBe(tag);
    }
  });

  it('is the rule the feed renderers use', () => {
    expect(feedLanguageTag).toBe(languageTag);
  });

  it.each([
    ['x-klingon', 'x-klingon'],
    ['zh-Hant-TW', 'zh-Hant-TW'],
    [' pt-BR ', 'pt-BR'],
  ])("is the rule an article's language field uses: keeps %j", (given, kept) => {
    const { article, warnings } = parseArticle({
      key: 'articles/x.md',
      body: Buffer.from(`---\ntitle: T\nlanguage: "${given}"\n---\n`),
      siteUrl: 'https://news.example.com/',
    });
    expect(article.language).toBe(kept);
    expect(warnings).toEqual([]);
  });

  it("drops an article's language that is not a tag, saying so", () => {
    const { article, warnings } = parseArticle({
      key: 'articles/x.md',
      body: Buffer.from('---\ntitle: T\nlanguage: english\n---\n'),
      siteUrl: 'https://news.example.com/',
    });
    expect(article.language).toBeUndefined();
    expect(warnings).toEqual([
      'field "language": dropped "english" (not a language tag such as en or pt-BR)',
    ]);
  });
});
