import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../shared/contract/content-hash.ts';
import { type FeedListing, sortFeedListings } from '../../../shared/feeds/feed-listing.ts';
import { renderOpml } from '../../../shared/feeds/opml.ts';
import { site } from '../../fixtures/feeds/articles.ts';
import { writeTemp, xmllintProblems, xpathCount, xpathString } from './xml-tools.ts';

const listings: FeedListing[] = [
  { feed: { kind: 'author', slug: 'sam-lee', name: 'Sam Lee' }, count: 1 },
  { feed: { kind: 'tag', slug: 'weather', name: 'Weather' }, count: 1 },
  { feed: { kind: 'tag', slug: 'amp', name: 'R&D <lab> "x"' }, count: 4 },
  { feed: { kind: 'tag', slug: 'libya', name: 'Libya' }, count: 2 },
];

describe('renderOpml', () => {
  const opml = renderOpml(site, listings);

  it('matches the snapshot and is well-formed', async () => {
    await expect(opml).toMatchFileSnapshot('../../fixtures/feeds/snapshots/feeds.opml');
    const { file } = writeTemp({ file: opml });
    expect(xmllintProblems([file ?? ''])).toEqual(new Map([[file, []]]));
  });

  it('lists every feed once by its RSS URL: site first, then tag and author folders', () => {
    expect(xpathString(opml, '/opml/@version')).toBe('2.0');
    expect(xpathString(opml, '/opml/head/title')).toBe('Example News feeds');
    expect(xpathCount(opml, "//outline[@type='rss']")).toBe(5);
    expect(xpathString(opml, '/opml/body/outline[1]/@xmlUrl')).toBe(
      'https://news.example.com/rss.xml',
    );
    expect(xpathString(opml, "/opml/body/outline[@text='Tags']/outline[1]/@text")).toBe(
      'Example News — tag Libya',
    );
    expect(xpathString(opml, "/opml/body/outline[@text='Tags']/outline[2]/@xmlUrl")).toBe(
      'https://news.example.com/tags/amp/rss.xml',
    );
    expect(xpathString(opml, "/opml/body/outline[@text='Tags']/outline[2]/@text")).toBe(
      'Example News — tag R&D <lab> "x"',
    );
    expect(xpathString(opml, "/opml/body/outline[@text='Authors']/outline/@htmlUrl")).toBe(
      'https://news.example.com/authors/sam-lee/',
    );
  });

  it('still lists the site feed when there is nothing else', () => {
    expect(xpathCount(renderOpml(site, []), '//outline')).toBe(1);
  });
});

/** Tag names as sortFeedListings orders them. */
const sortedNames = (names: readonly string[]) =>
  sortFeedListings(
    names.map((name, index) => ({ feed: { kind: 'tag', slug: `t${index}`, name } as const })),
  ).map((listing) => (listing.feed.kind === 'tag' ? listing.feed.name : ''));

describe('sortFeedListings', () => {
  it('orders site, tags, authors, each by name then slug, once per feed', () => {
    const sorted = sortFeedListings([
      ...listings,
      { feed: { kind: 'all' }, count: 9 },
      { feed: { kind: 'tag', slug: 'libya', name: 'Libya' }, count: 2 },
      { feed: { kind: 'tag', slug: 'libya-2', name: 'libya' }, count: 1 },
    ]);
    expect(
      sorted.map((l) => (l.feed.kind === 'all' ? 'all' : `${l.feed.kind}/${l.feed.slug}`)),
    ).toEqual(['all', 'tag/libya', 'tag/libya-2', 'tag/amp', 'tag/weather', 'author/sam-lee']);
  });

  it('sorts a name by its letters without their accents, as readers look for it', () => {
    const names = [
      'Zoll',
      'Ökonomie',
      'Ärzte',
      'Çevre',
      'Straße',
      'Sık',
      'Sicht',
      'ＡＩ',
      'Banken',
    ];
    expect(sortedNames(names)).toEqual([
      'ＡＩ',
      'Ärzte',
      'Banken',
      'Çevre',
      'Ökonomie',
      'Sicht',
      'Sık',
      'Straße',
      'Zoll',
    ]);
    // Other scripts' marks are letters of theirs: Hindi keeps its order.
    expect(sortedNames(['कुत्ता', 'किताब', 'काम', 'कमल'])).toEqual(['कमल', 'काम', 'किताब', 'कुत्ता']);
  });
});

describe('sha256', () => {
  it('hashes strings as UTF-8 and bytes as given', () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256(new TextEncoder().encode('é'))).toBe(sha256('é'));
  });
});
