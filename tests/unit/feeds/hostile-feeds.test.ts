import { beforeAll, describe, expect, it } from 'vitest';
import { type FeedFormat, feedPath, siteUrlOf } from '../../../shared/contract/site-layout.ts';
import { renderFeed } from '../../../shared/feeds/render-feed.ts';
import { site } from '../../fixtures/feeds/articles.ts';
import { type HostileCase, hostileCases } from '../../fixtures/feeds/hostile-articles.ts';
import { jsonFeedProblems, rssProblems } from './feed-checks.ts';
import {
  a,
  hasForbiddenCharacters,
  jingProblems,
  writeTemp,
  xmllintProblems,
  xpathCount,
  xpathString,
} from './xml-tools.ts';

const render = (c: HostileCase) =>
  renderFeed({ feed: c.feed, site: { ...site, ...c.site }, articles: c.articles });
const outputs = new Map(hostileCases.map((c) => [c.name, render(c)]));
const out = (name: string) => outputs.get(name) as Record<FeedFormat, string>;
const entry = `/${a('feed')}/${a('entry')}[1]`;

/** The fixture's lead image, which leads each item's content. */
const LEAD_IMAGE = '<figure><img src="https://news.example.com/media/tripoli.jpg" alt=""></figure>';

describe('hostile articles still give valid feeds', () => {
  const files = writeTemp(
    Object.fromEntries(
      hostileCases.flatMap((c, i) => [
        [`${i}.rss.xml`, out(c.name).rss],
        [`${i}.atom.xml`, out(c.name).atom],
      ]),
    ),
  );
  let lint: Map<string, string[]>;
  let jing: Map<string, string[]>;
  beforeAll(() => {
    lint = xmllintProblems(Object.values(files));
    jing = jingProblems(hostileCases.map((_, i) => files[`${i}.atom.xml`] ?? ''));
  });

  it.each(hostileCases.map((c, i) => [c.name, i, c] as const))('%s', (_name, i, c) => {
    const { rss, atom, json } = out(c.name);
    const self = (format: FeedFormat) => siteUrlOf(site.url, feedPath(c.feed, format));
    expect(lint.get(files[`${i}.rss.xml`] ?? '')).toEqual([]);
    expect(lint.get(files[`${i}.atom.xml`] ?? '')).toEqual([]);
    expect(jing.get(files[`${i}.atom.xml`] ?? '')).toEqual([]);
    expect(rssProblems(rss, self('rss'))).toEqual([]);
    expect(jsonFeedProblems(json, self('json'))).toEqual([]);
    for (const text of [rss, atom, json]) expect(hasForbiddenCharacters(text)).toBe(false);
    expect(xpathCount(atom, `//${a('category')}[not(@term) or normalize-space(@term)='']`)).toBe(0);
  });
});

describe('hostile values come out meaning what they said', () => {
  it('keeps < and & in titles as plain text in every format', () => {
    const { rss, atom, json } = out('markup in title');
    const title = 'Fish & Chips <b>not bold</b> a<b && c>d';
    expect(xpathString(rss, '//item[1]/title')).toBe(title);
    expect(xpathString(atom, `${entry}/${a('title')}`)).toBe(title);
    expect(xpathString(atom, `${entry}/${a('title')}/@type`)).toBe('text');
    expect(JSON.parse(json).items[0].title).toBe(title);
  });

  it('keeps a script tag in plain-text fields as text, and out of the bytes of the JSON Feed', () => {
    const { json } = out('a script tag as text');
    const item = JSON.parse(json).items[0];
    expect(item.title).toBe('Wire <script>alert(1)</script> & <SCRIPT src=x></SCRIPT>');
    expect(item.authors[0].name).toBe('Evil <script>alert(2)</script>');
    expect(item.tags).toEqual(['</script><script>']);
    expect(json).not.toMatch(/<\/?script/i);
    expect(json).toContain('"Wire \\u003cscript>alert(1)\\u003c/script>');
  });

  it('splits every ]]> so CDATA fields survive intact', () => {
    const { rss, atom } = out('two CDATA ends in every field');
    expect(xpathString(rss, '//item[1]/title')).toBe('one ]]> two ]]>]]> end]]');
    expect(xpathString(atom, `${entry}/${a('content')}`)).toBe(
      `${LEAD_IMAGE}\n<p>a ]]>]]> b</p><!-- ]]> -->`,
    );
    expect(xpathString(atom, `${entry}/${a('category')}/@label`)).toBe(']]>]]>');
  });

  it('drops forbidden characters and keeps the rest', () => {
    const { rss, atom } = out('XML-forbidden control characters');
    expect(xpathString(rss, '//item[1]/title')).toBe('title abcdefghij');
    expect(xpathString(atom, `${entry}/${a('author')}[2]/${a('email')}`)).toBe('ctl@example.com');
    expect(xpathString(out('lone surrogates').rss, '//item[1]/title')).toBe(
      'lone high and low, pair 😀 ok',
    );
  });

  it('keeps literal entity text literal (xml-js would decode &amp;)', () => {
    const { rss, atom, json } = out('literal entities stay literal');
    expect(xpathString(rss, '//item[1]/title')).toBe('Tom &amp; Jerry &lt;3');
    expect(xpathString(atom, `${entry}/${a('author')}/${a('name')}`)).toBe('A &amp; B');
    expect(xpathString(rss, '//item[1]/category')).toBe('R&amp;D');
    expect(JSON.parse(json).items[0].authors[0].name).toBe('A &amp; B');
  });

  it('gives name-only and slug-only categories both term and label, drops blank ones', () => {
    const { atom } = out('categories with only a name, only a slug, odd characters');
    const cat = (n: number, attr: string) =>
      xpathString(atom, `${entry}/${a('category')}[${n}]/@${attr}`);
    expect([cat(1, 'term'), cat(1, 'label')]).toEqual(['Only a name', 'Only a name']);
    expect([cat(2, 'term'), cat(2, 'label')]).toEqual(['only-a-slug', 'only-a-slug']);
    expect([cat(3, 'term'), cat(3, 'label')]).toEqual(['a"b<c&d\'e', '<script>&amp; "quoted"']);
    expect(xpathCount(atom, `${entry}/${a('category')}`)).toBe(3);
  });

  it('makes relative links absolute and replaces non-URLs with the article page', () => {
    const page = 'https://news.example.com/articles/2019/12/libya-ratifies-turkey-deal.html';
    expect(xpathString(out('relative link').rss, '//item[1]/link')).toBe(
      'https://news.example.com/relative/path?a=1&b=%3C2%3E',
    );
    expect(xpathString(out('link that is not a URL').atom, `${entry}/${a('link')}/@href`)).toBe(
      page,
    );
    expect(JSON.parse(out('javascript: link and image').json).items[0]).toMatchObject({
      url: page,
    });
    expect(out('javascript: link and image').json).not.toContain('javascript:');
  });

  it('turns a guid that is not a URI into a stable urn:uuid, the same in every format', () => {
    const { rss, atom, json } = out('guid that is not a URL');
    const id = xpathString(atom, `${entry}/${a('id')}`);
    expect(id).toMatch(
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(xpathString(rss, '//item[1]/guid')).toBe(id);
    expect(JSON.parse(json).items[0].id).toBe(id);
    expect(
      render(hostileCases.find((c) => c.name === 'guid that is not a URL') as HostileCase).atom,
    ).toBe(atom);
  });

  it('dates an empty feed 1970-01-01 and invalid item dates likewise', () => {
    expect(xpathString(out('empty feed').rss, '/rss/channel/lastBuildDate')).toBe(
      'Thu, 01 Jan 1970 00:00:00 GMT',
    );
    const { atom } = out('invalid and out-of-range dates');
    expect(xpathString(atom, `${entry}/${a('updated')}`)).toBe('1970-01-01T00:00:00.000Z');
  });

  it('keeps authors that have a name, email only when it is one', () => {
    const { rss, atom, json } = out('authors without email, with bad email and bad URL');
    expect(xpathCount(atom, `${entry}/${a('author')}`)).toBe(4);
    expect(xpathCount(atom, `//${a('email')}`)).toBe(0);
    expect(xpathCount(rss, '//item[1]/author')).toBe(0);
    expect(xpathString(rss, "//item[1]/*[local-name()='creator'][4]")).toBe('slug-only');
    expect(JSON.parse(json).items[0].authors).toEqual([
      { name: 'No Mail' },
      { name: 'Bad Mail' },
      { name: 'Bad Url' },
      { name: 'slug-only' },
    ]);
  });

  it('types images by extension; one it cannot tell is no enclosure in any format', () => {
    const odd = out('image URLs with odd paths');
    // As JSON Feed, which requires an attachment's type: a podcast app would download it.
    expect(xpathCount(odd.atom, `${entry}/${a('link')}[@rel='enclosure']`)).toBe(0);
    expect(xpathCount(odd.rss, '//item[1]/enclosure')).toBe(0);
    expect(JSON.parse(odd.json).items[0].attachments).toBeUndefined();
    // Still the item's image for readers that show one.
    expect(xpathCount(odd.rss, "//item[1]/*[local-name()='content']")).toBe(1);
    const amp = out('image with & in its path');
    expect(xpathString(amp.atom, `${entry}/${a('link')}[@rel='enclosure']/@type`)).toBe(
      'image/png',
    );
    expect(xpathString(amp.rss, '//item[1]/enclosure/@url')).toBe(
      'https://cdn.example.com/a&b/pic.PNG?x=1&y=2',
    );
  });

  it('titles untitled items and gives them content', () => {
    const { atom, json } = out('empty title, summary and content');
    expect(xpathString(atom, `${entry}/${a('title')}`)).toBe('Untitled');
    expect(JSON.parse(json).items[0].content_html).toBe(`${LEAD_IMAGE}\n<p>Untitled</p>`);
  });

  it('keeps one item per id', () => {
    expect(JSON.parse(out('duplicate guids').json).items).toHaveLength(1);
  });

  it('escapes site and feed names in channel titles', () => {
    const { rss, atom } = out('site title and description with markup and controls');
    expect(xpathString(rss, '/rss/channel/title')).toBe('News & <Views> ]]>]]> &amp; — X & Y ]]>');
    expect(xpathString(atom, `/${a('feed')}/${a('subtitle')}`)).toContain('desc abcdefghij');
  });
});
