import { parseFeed } from '@rowanmanning/feed-parser';
import { describe, expect, it } from 'vitest';
import { renderFeed } from '../../../shared/feeds/render-feed.ts';
import { site as SITE } from '../../fixtures/feeds/articles.ts';
import { testArticle } from '../../support/fakes/articles.ts';

/** What a reader shows of each item, per format: id → content. */
function contents(documents: ReturnType<typeof renderFeed>) {
  const xml = (text: string) =>
    Object.fromEntries(parseFeed(text).items.map((i) => [i.id ?? '', i.content ?? '']));
  const json = JSON.parse(documents.json) as { items: { id: string; content_html: string }[] };
  return {
    rss: xml(documents.rss),
    atom: xml(documents.atom),
    json: Object.fromEntries(json.items.map((i) => [i.id, i.content_html])),
  };
}

describe('feedContent: full stories or summaries in feeds', () => {
  const articles = [
    testArticle('default', { contentHtml: '<p>The whole default story.</p>' }),
    testArticle('teaser', {
      contentHtml: '<p>The whole teaser story.</p>',
      summary: 'Just the summary.',
      feedContent: 'summary',
      corrections: [{ date: '2026-01-02T00:00:00.000Z', text: 'A name was wrong.' }],
    }),
    testArticle('whole', { contentHtml: '<p>The whole story, always.</p>', feedContent: 'full' }),
  ];

  it("follows each article's own setting, else the site's, in every format", () => {
    for (const [mode, expected] of [
      ['full', { default: 'whole', teaser: 'summary', whole: 'whole' }],
      ['summary', { default: 'summary', teaser: 'summary', whole: 'whole' }],
    ] as const) {
      const seen = contents(
        renderFeed({ feed: { kind: 'all' }, site: { ...SITE, feedContent: mode }, articles }),
      );
      for (const format of ['rss', 'atom', 'json'] as const) {
        for (const [id, kind] of Object.entries(expected)) {
          const content = seen[format][`urn:uuid:test-${id}`] ?? '';
          if (kind === 'whole') expect(content, `${mode} ${format} ${id}`).toContain('The whole');
          else {
            expect(content, `${mode} ${format} ${id}`).not.toContain('The whole');
            expect(content).toContain(
              `<a href="https://news.example.com/articles/${id}.html">Read the full story</a>`,
            );
          }
        }
        // A summary item still carries its correction log.
        expect(seen[format]['urn:uuid:test-teaser']).toContain('A name was wrong.');
        expect(seen[format]['urn:uuid:test-teaser']).toContain('Just the summary.');
      }
    }
  });
});
