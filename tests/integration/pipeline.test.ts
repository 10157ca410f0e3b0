import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestPipeline } from '../support/pipeline.ts';
import { bucketHelpers } from '../support/site.ts';

const sample = readFileSync(
  new URL('../fixtures/articles/libya-ratifies-turkey-deal.txt', import.meta.url),
);

describe('upload → ingest → publish through s3rver and DynamoDB Local', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('publishes the sample article to every feed, page and listing, and removes it again', async () => {
    const t = await startTestPipeline();
    stop = t.stop;
    const inbox = bucketHelpers(t.aws.s3, t.aws.names.inboxBucket);
    const site = bucketHelpers(t.aws.s3, t.aws.names.siteBucket);

    await inbox.put('articles/2019/12/Libya ratifies.txt', sample);
    await t.pipeline.settle();

    const id = '2019/12/libya-ratifies-';
    const keys = await site.keys();
    expect(keys).toEqual(
      expect.arrayContaining([
        'rss.xml',
        'atom.xml',
        'feed.json',
        'index.html',
        'feeds.opml',
        'tags/security-deal/rss.xml',
        'tags/security-deal/atom.xml',
        'tags/security-deal/feed.json',
      ]),
    );
    const page = keys.find((k) => k.startsWith(`articles/${id}`));
    expect(page).toBeDefined();
    const rss = await site.text('rss.xml');
    expect(rss).toContain(
      'Libya&apos;s internationally recognized gov&apos;t ratifies Turkey security deal'.replaceAll(
        '&apos;',
        "'",
      ),
    );
    const report = JSON.parse(
      (await inbox.text('reports/articles/2019/12/Libya ratifies.txt.json')) ?? '{}',
    );
    expect(report.status).toBe('published');

    await inbox.remove('articles/2019/12/Libya ratifies.txt');
    await t.pipeline.settle();
    const after = await site.keys();
    expect(after.filter((k) => k.startsWith('tags/') && k !== 'tags/index.html')).toEqual([]);
    expect(after.filter((k) => k.startsWith('articles/'))).toEqual([]);
    expect(await site.text('rss.xml')).toContain('<channel>');
    expect(await site.text('rss.xml')).not.toContain('Libya');
  });
});
