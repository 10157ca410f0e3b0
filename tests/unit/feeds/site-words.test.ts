import { describe, expect, it } from 'vitest';
import {
  renderArticlePage,
  renderMovedPage,
  renderWithdrawnPage,
} from '../../../shared/feeds/article-page.ts';
import { renderIndex } from '../../../shared/feeds/index-page.ts';
import { renderListingPage } from '../../../shared/feeds/listing-page.ts';
import { renderNotFound } from '../../../shared/feeds/not-found-page.ts';
import { renderOpml } from '../../../shared/feeds/opml.ts';
import { renderFeed } from '../../../shared/feeds/render-feed.ts';
import { SITE_WORD_LANGUAGES, wordsFor } from '../../../shared/feeds/site-words.ts';
import { renderTagsPage } from '../../../shared/feeds/tags-page.ts';
import { article, site } from '../../fixtures/feeds/articles.ts';

const ENGLISH =
  /\b(?:By|Published|updated|Follow|Tag|Author|Home|Subscribe|Latest|Tags|Stories|Older|Newer|Untitled|Photo|Read the full story|Correction|Withdrawn|Moved|Page not found|articles?)\b/;
const arabic = { ...site, title: 'أخبار المدينة', language: 'ar' };
const japanese = { ...site, title: '東京ニュース', language: 'ja' };
const tag = { kind: 'tag', slug: 'libya', name: 'Libya' } as const;
const listings = [
  { feed: { kind: 'all' } as const },
  { feed: tag, count: 3 },
  { feed: { kind: 'author', slug: 'ayse-demir', name: 'Ayşe Demir' } as const, count: 1 },
];

/** The page's text a reader sees: its body without tags, the stories' own words left out. */
const bodyText = (html: string) =>
  (html.split('<body>')[1] ?? '')
    .replace(/<h1>[^<]*<\/h1>|<h3>.*?<\/h3>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ');

describe('the site’s words', () => {
  it.each(SITE_WORD_LANGUAGES)(
    '%s: every word, and every phrase around what it is given',
    (lang) => {
      const words = wordsFor(lang);
      for (const [key, value] of Object.entries(words)) {
        if (typeof value === 'string') expect(value.trim(), key).not.toBe('');
      }
      expect(words.by('NAMES')).toContain('NAMES');
      expect(words.published('DATE')).toContain('DATE');
      expect(words.updated('DATE')).toContain('DATE');
      expect(words.storiesFromTo('FROM', 'TO')).toMatch(/FROM.*TO/);
      expect(words.notFound('LINK')).toContain('LINK');
      expect(words.withdrawn('DATE')).toContain('DATE');
      expect(words.withdrawn(undefined)).not.toContain('undefined');
      expect(words.storyMoved('LINK')).toContain('LINK');
      expect(words.pageMoved('NAME', 'LINK')).toMatch(/NAME.*LINK/);
      expect(words.tagFeed('SITE', 'NAME')).toMatch(/SITE.*NAME/);
      expect(words.articlesTagged('NAME')).toContain('NAME');
      expect(words.articlesBy('NAME')).toContain('NAME');
      expect(words.opmlTitle('SITE')).toContain('SITE');
      expect(words.sentences('ONE', 'TWO')).toMatch(/ONE.+TWO/);
      for (const count of [0, 3, 11, 100]) {
        const digits = new Intl.NumberFormat(words.lang).format(count);
        expect(words.articles(count), `${count}`).toContain(digits);
      }
    },
  );

  it.each([
    ['ar', 'ar', 'الرئيسية'],
    ['ar-EG', 'ar-EG', 'الرئيسية'],
    ['pt-BR', 'pt-BR', 'Início'],
    ['ja', 'ja', 'ホーム'],
    ['zh-CN', 'zh-CN', '首页'],
    ['zh-TW', 'zh-TW', '首頁'],
    ['zh-Hant-HK', 'zh-Hant-HK', '首頁'],
    ['zh-Hans-HK', 'zh-Hans-HK', '首页'],
    ['en-GB', 'en-GB', 'Home'],
    // No words of its own here: English, and they say so.
    ['ko', 'en', 'Home'],
    ['sv-SE', 'en', 'Home'],
  ])('%s: words in %s (%s)', (language, lang, home) => {
    expect(wordsFor(language).lang).toBe(lang);
    expect(wordsFor(language).home).toBe(home);
  });

  it('counts in the language’s plural forms', () => {
    expect([1, 2, 5].map(wordsFor('en').articles)).toEqual([
      '1 article',
      '2 articles',
      '5 articles',
    ]);
    expect([1, 2, 3, 11, 100].map(wordsFor('ar').articles)).toEqual([
      'مقال واحد',
      'مقالان',
      '3 مقالات',
      '11 مقالًا',
      '100 مقال',
    ]);
    expect([1, 3, 5, 21].map(wordsFor('ru').articles)).toEqual([
      '1 статья',
      '3 статьи',
      '5 статей',
      '21 статья',
    ]);
    expect(wordsFor('ja').articles(3)).toBe('3件の記事');
    expect(wordsFor('pt').articles(0)).toBe('0 artigos');
  });

  it('never writes a stop after a date that ends with one (Russian `г.`)', () => {
    const html = renderWithdrawnPage(
      article({ status: 'withdrawn', withdrawn: { at: '2026-12-08T10:00:00.000Z' } }),
      { ...site, language: 'ru' },
    );
    expect(html).toMatch(/Эта статья отозвана \(<time [^>]+>8 декабря 2026 г\.<\/time>\)\./);
    expect(html).not.toMatch(/г\.<\/time>\./);
  });
});

describe('pages of a site in Arabic', () => {
  it('a story page says the byline, dates and Follow list in Arabic, as the page is', () => {
    const html = renderArticlePage(article(), arabic);
    expect(html).toContain('<html lang="ar" dir="rtl">');
    expect(html).toMatch(/<p class="meta">بقلم <bdi>Ayşe Demir<\/bdi> · نُشر في <time /);
    expect(html).toContain('<footer><h2>تابِع</h2>');
    expect(html).toContain('<footer><p><a href="https://news.example.com/">الرئيسية</a>');
    expect(bodyText(html)).not.toMatch(ENGLISH);
  });

  it('a story in Japanese on it: the site’s words say they are Arabic, right to left', () => {
    const html = renderArticlePage(article({ language: 'ja' }), arabic);
    expect(html).toContain('<html lang="ja">');
    expect(html).toMatch(/<p class="meta" lang="ar" dir="rtl">بقلم /);
    expect(html).toContain('<footer lang="ar" dir="rtl"><p>');
  });

  it('the home, tags, listing and 404 pages, and the withdrawn and moved notices', () => {
    for (const html of [
      renderIndex(arabic, [article()], listings),
      renderTagsPage(arabic, listings),
      renderListingPage(arabic, tag, [article()], { page: 'p1' }),
      renderNotFound(arabic),
      renderMovedPage(article(), 'https://news.example.com/articles/x.html', arabic),
    ])
      expect(bodyText(html)).not.toMatch(ENGLISH);
    expect(renderTagsPage(arabic, listings)).toContain('(3 مقالات)');
    expect(renderNotFound(arabic)).toContain('<h1>الصفحة غير موجودة</h1>');
  });

  it('a withdrawn story’s page is in its own language, the notice in the site’s', () => {
    const html = renderWithdrawnPage(
      article({
        language: 'ja',
        title: 'ガス料金の値上げ',
        status: 'withdrawn',
        withdrawn: { at: '2026-12-06T10:00:00.000Z', note: '記事を取り下げました。' },
      }),
      arabic,
    );
    expect(html).toContain('<html lang="ja">');
    expect(html).toContain('<h1>سُحب: ガス料金の値上げ</h1>');
    expect(html).toMatch(/<p class="meta" lang="ar" dir="rtl">سُحب هذا المقال في <time /);
    expect(html).toContain('<p>記事を取り下げました。</p>');
  });
});

describe('a site whose language has no words here (Korean)', () => {
  it('says them in English, marked English', () => {
    const korean = { ...site, language: 'ko' };
    const html = renderArticlePage(article(), korean);
    expect(html).toContain('<html lang="ko">');
    // The names among them are in the page's.
    expect(html).toMatch(/<p class="meta" lang="en">By <bdi lang="ko">Ayşe Demir<\/bdi>/);
    expect(renderIndex(korean, [article()], listings)).toMatch(/<bdi lang="ko">Libya<\/bdi>/);
    expect(html).toContain('<footer lang="en"><p>');
    expect(renderNotFound(korean)).toContain('<html lang="en">');
  });
});

describe('feeds and OPML of a site in Japanese', () => {
  it('title a tag’s feed and the OPML in Japanese', () => {
    const feed = renderFeed({ feed: tag, site: japanese, articles: [article()] });
    expect(feed.rss).toContain('<title>東京ニュース — タグ「Libya」</title>');
    expect(feed.rss).toMatch(/<description>タグ「Libya」の記事。/);
    const opml = renderOpml(japanese, listings);
    expect(opml).toContain('<title>東京ニュースのフィード</title>');
    expect(opml).toContain('<outline text="タグ" title="タグ">');
    expect(opml).toContain('<outline text="著者" title="著者">');
  });

  it('and an English site’s exactly as before', () => {
    const feed = renderFeed({ feed: tag, site, articles: [article()] });
    expect(feed.rss).toContain(`<title>${site.title} — tag Libya</title>`);
    expect(renderOpml(site, listings)).toContain(`<title>${site.title} feeds</title>`);
  });
});

describe('the language a feed declares', () => {
  it('is its stories’ when a tag’s feed holds stories of one language only; the site’s otherwise', () => {
    // Distinct guids: a feed lists one item per guid.
    const story = (id: string, language?: string) =>
      article({ id, guid: `urn:x:${id}`, ...(language ? { language } : {}) });
    const japaneseOnly = [story('a', 'ja'), story('b', 'ja')];
    const tagged = renderFeed({ feed: tag, site: arabic, articles: japaneseOnly });
    expect(tagged.rss).toContain('<language>ja</language>');
    expect(tagged.atom).toMatch(/<feed [^>]*xml:lang="ja"/);
    expect(JSON.parse(tagged.json).language).toBe('ja');
    const mixed = renderFeed({
      feed: tag,
      site: arabic,
      articles: [...japaneseOnly, story('c')],
    });
    expect(mixed.rss).toContain('<language>ar</language>');
    // The site's feed says the site's language whatever its stories are in.
    const site = renderFeed({ feed: { kind: 'all' }, site: arabic, articles: japaneseOnly });
    expect(site.rss).toContain('<language>ar</language>');
  });
});
