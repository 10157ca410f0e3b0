import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SITE_TOP_LEVEL_NAMES } from '../../shared/contract/site-layout.ts';
import type { IngestOutcome } from '../../shared/ingest/outcome.ts';
import { OneShotBuild } from '../../shared/local/one-shot.ts';
import { bodyText } from '../support/fakes/site-bucket.ts';
import { startTestPipeline, TEST_SITE } from '../support/pipeline.ts';
import { bucketHelpers } from '../support/site.ts';

// `feedpub build` runs ingest and publish on the in-memory adapters (OneShotBuild); `feedpub
// dev` and production on DynamoDB and S3. The same uploads must give the same site, byte for
// byte, whichever runs them.

const CORPUS = new URL('../fixtures/articles/corpus/', import.meta.url);
const TAGS = ['energy', 'trade', 'Health Policy', 'climate', 'élections'];
const AUTHORS = ['Ana Silva <ana@news.example.com>', 'Bilal Haddad', 'Chen Wei'];

/** Dated articles (an undated one is dated by its upload time, which differs between runs). */
function generated(): [string, string][] {
  return Array.from({ length: 24 }, (_, i) => {
    const tags = TAGS.filter((_, t) => (i + t) % 3 === 0);
    const front = [
      `title: "Story ${i}: ${i % 4 === 0 ? 'Prices & <wages>' : 'Harbour works'}"`,
      // Story 6 is scheduled: dated far ahead.
      `date: ${i === 6 ? '2099-01-01' : `2026-11-${String(1 + i).padStart(2, '0')}`}T08:00:00Z`,
      `author: "${AUTHORS[i % AUTHORS.length]}"`,
      `tags: ${JSON.stringify(tags)}`,
      ...(i === 5 ? ['draft: true'] : []),
    ];
    return [`articles/gen/story-${i}.md`, `---\n${front.join('\n')}\n---\n\nParagraph ${i}.\n`];
  });
}

/** The corpus fixtures that carry their own date, rejected ones included. */
function datedFixtures(): [string, string][] {
  return readdirSync(CORPUS)
    .filter((name) => /\.(md|json)$/.test(name))
    .map((name) => [name, readFileSync(new URL(name, CORPUS), 'utf8')] as const)
    .filter(([, text]) => /"?date"?\s*:/.test(text))
    .map(([name, text]) => [`articles/corpus/${name}`, text]);
}

const uploads = [...generated(), ...datedFixtures()];

describe('feedpub build (in process) and the Lambda-like runtime on the emulators', () => {
  const viaEmulators = new Map<string, string>();
  const viaOneShot = new Map<string, string>();
  const oneShotOutcomes: IngestOutcome[] = [];

  beforeAll(async () => {
    const t = await startTestPipeline();
    try {
      const inbox = bucketHelpers(t.aws.s3, t.aws.names.inboxBucket);
      const site = bucketHelpers(t.aws.s3, t.aws.names.siteBucket);
      for (const [key, body] of uploads) await inbox.put(key, body);
      await t.pipeline.settle();
      for (const path of await site.keys()) viaEmulators.set(path, (await site.text(path)) ?? '');
    } finally {
      await t.stop();
    }

    const run = new OneShotBuild({ site: TEST_SITE });
    try {
      for (const [key, body] of uploads)
        oneShotOutcomes.push(await run.ingest(key, new TextEncoder().encode(body)));
      const published = await run.publish();
      expect(published.failures).toEqual([]);
      for (const path of run.bucket.paths())
        viaOneShot.set(path, bodyText(run.bucket.file(path)?.body ?? ''));
    } finally {
      await run.close();
    }
  });

  afterAll(() => {
    viaEmulators.clear();
    viaOneShot.clear();
  });

  it('ingests every upload, rejecting the bad ones with their reasons', () => {
    const statuses = oneShotOutcomes.map((o) => (o.kind === 'applied' ? o.report.status : o.kind));
    expect(statuses).toContain('published');
    expect(statuses).toContain('draft');
    expect(statuses).toContain('scheduled');
    expect(statuses).toContain('rejected');
    expect(
      statuses.filter((s) => !['published', 'draft', 'scheduled', 'rejected'].includes(s)),
    ).toEqual([]);
  });

  it("writes under the site's own first segments only, which no redirect rule may take", () => {
    const firsts = new Set([...viaEmulators.keys()].map((path) => path.split('/')[0] ?? ''));
    expect([...firsts].filter((first) => !SITE_TOP_LEVEL_NAMES.includes(first))).toEqual([]);
    // The corpus reaches the folders: tags, authors, sitemaps, articles.
    expect([...firsts]).toEqual(
      expect.arrayContaining(['articles', 'tags', 'authors', 'sitemaps']),
    );
  });

  it('writes the same files with the same bytes', () => {
    expect(viaEmulators.size).toBeGreaterThan(uploads.length);
    expect([...viaOneShot.keys()].sort()).toEqual([...viaEmulators.keys()].sort());
    const differing = [...viaEmulators].filter(([path, body]) => viaOneShot.get(path) !== body);
    expect(differing.map(([path]) => path)).toEqual([]);
  });
});

describe('feedpub build with nothing to publish', () => {
  it('still writes the home page, the listings and valid, empty feeds', async () => {
    const run = new OneShotBuild({ site: TEST_SITE });
    try {
      const outcome = await run.ingest('articles/empty.md', new TextEncoder().encode('---\n---\n'));
      expect(outcome).toMatchObject({ kind: 'applied', report: { status: 'rejected' } });
      const published = await run.publish();
      expect(published.failures).toEqual([]);
      expect(run.bucket.paths()).toEqual(
        expect.arrayContaining(['index.html', 'rss.xml', 'atom.xml', 'feed.json', 'feeds.opml']),
      );
      const rss = bodyText(run.bucket.file('rss.xml')?.body ?? '');
      expect(rss).toContain('<channel>');
      expect(rss).not.toContain('<item>');
    } finally {
      await run.close();
    }
  });
});
