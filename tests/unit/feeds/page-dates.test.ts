import { describe, expect, it } from 'vitest';
import { renderArticlePage, renderWithdrawnPage } from '../../../shared/feeds/article-page.ts';
import { dayIn } from '../../../shared/feeds/dates.ts';
import { renderIndex } from '../../../shared/feeds/index-page.ts';
import { article, site } from '../../fixtures/feeds/articles.ts';

const LATE = new Date('2026-12-03T23:30:00.000Z');

describe('dayIn', () => {
  it.each([
    ['en', 'December 3, 2026'],
    ['en-GB', '3 December 2026'],
    ['de', '3. Dezember 2026'],
    ['fr', '3 décembre 2026'],
    ['pt-BR', '3 de dezembro de 2026'],
    ['ja', '2026年12月3日'],
    ['ar-u-nu-arab', '٣ ديسمبر ٢٠٢٦'],
    // Regions, variants and extensions Intl knows less of than the language.
    ['de-CH-1996', '3. Dezember 2026'],
    ['en-GB-u-tz-usnyc', '3 December 2026'],
  ])('%s: %s, the UTC day whatever the machine', (language, expected) => {
    expect(dayIn(LATE, language)).toBe(expected);
  });

  it('shortens a tag Intl cannot read until it can', () => {
    expect(dayIn(LATE, 'zh-yue-HK')).toBe(dayIn(LATE, 'zh'));
    expect(dayIn(LATE, 'zh')).toBe('2026年12月3日');
  });

  it.each(['x-klingon', 'i-klingon', 'tlh', 'und', ''])(
    '%s: the ISO day, not the machine default locale',
    (language) => {
      expect(dayIn(LATE, language)).toBe('2026-12-03');
    },
  );

  it("writes the UTC day whatever the machine's time zone", () => {
    const zone = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati'; // UTC+14: 23:30 UTC is already the next day there
    try {
      expect(new Date(LATE).getDate()).toBe(4);
      expect(dayIn(LATE, 'en-AU')).toBe('3 December 2026');
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('gives the same text every time', () => {
    expect(dayIn(LATE, 'de')).toBe(dayIn(new Date(LATE), 'de'));
  });
});

describe('dates on pages', () => {
  const de = { ...site, language: 'de' };

  it('writes the article dates in the site language, the instants kept in datetime', () => {
    const html = renderArticlePage(article(), de);
    expect(html).toContain(
      'Veröffentlicht am <time datetime="2019-12-05T09:30:00.000Z">5. Dezember 2019</time>, aktualisiert am <time datetime="2019-12-05T11:00:00.000Z">5. Dezember 2019</time>',
    );
  });

  it('says which language the dates are in on a page in another language', () => {
    const html = renderArticlePage(article({ language: 'ja' }), { ...site, language: 'en-GB' });
    expect(html).toContain('<html lang="ja">');
    // The site's words and their dates, in the site's language.
    expect(html).toMatch(
      /<p class="meta" lang="en-GB">.*Published <time datetime="2019-12-05T09:30:00.000Z">5 December 2019<\/time>/,
    );
  });

  it('dates the withdrawal notice and the home page teasers in the site language', () => {
    const withdrawn = renderWithdrawnPage(
      article({ status: 'withdrawn', withdrawn: { at: '2019-12-08T10:00:00.000Z' } }),
      { ...site, language: 'ja' },
    );
    expect(withdrawn).toContain('<time datetime="2019-12-08T10:00:00.000Z">2019年12月8日</time>');
    const home = renderIndex(de, [article(), article({ id: 'b', language: 'fr' })], []);
    expect(home).toContain('<time datetime="2019-12-05T09:30:00.000Z">5. Dezember 2019</time>');
    expect(home).toContain('<article lang="fr">');
    expect(home).toContain(
      '<time datetime="2019-12-05T09:30:00.000Z" lang="de">5. Dezember 2019</time>',
    );
    // A story written right to left is marked so among left-to-right ones, its date back.
    const mixed = renderIndex(de, [article({ id: 'c', language: 'he' })], []);
    expect(mixed).toContain('<article lang="he" dir="rtl">');
    expect(mixed).toContain(
      '<time datetime="2019-12-05T09:30:00.000Z" lang="de" dir="ltr">5. Dezember 2019</time>',
    );
  });
});
