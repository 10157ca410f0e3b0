import { afterEach, describe, expect, it } from 'vitest';
import { PUBLISH_SITE_EVENT } from '../../shared/contract/event-sources.ts';
import { createPublishHandler } from '../../shared/lambda/publish-handler.ts';
import { quiet, sqsEvent } from '../support/harness.ts';
import { TEST_SITE } from '../support/pipeline.ts';
import { publishHarness } from '../support/publish-harness.ts';

type Harness = Awaited<ReturnType<typeof publishHarness>>;

const md = (title: string, tag: string) =>
  `---\ntitle: ${title}\ntags: [${tag}]\ndate: 2026-01-02T00:00:00Z\n---\n\nBody of ${title}.\n`;

/** Every object of the site bucket whose body holds `text`. */
async function holding(h: Harness, text: string): Promise<string[]> {
  const keys = await h.site.keys();
  const found = [];
  for (const key of keys) if ((await h.site.text(key))?.includes(text)) found.push(key);
  return found;
}

describe('republish through the real publish handler on DynamoDB Local and s3rver', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('re-renders the whole site on the tick after the title changed, then writes nothing', async () => {
    h = await publishHarness({ ...TEST_SITE, itemLimit: 3 });
    // One day, so in id order: r/a162 starts an archive page (publish/archive-pages.ts), and
    // r/a0 and r/a1 below it make the first one.
    const files: [string, string][] = [0, 1, 2, 3, 4, 5, 6, 162].map((i) => [
      `articles/r/a${i}.md`,
      md(`Story ${i}`, `topic ${i % 2}`),
    ]);
    for (const [key, body] of files) await h.inbox.put(key, body);
    await h.handler(sqsEvent(...files.map(([key]) => h.event('created', key, '01'))));
    await h.publish({ Records: await h.takeRecords() });
    await h.publish(PUBLISH_SITE_EVENT);
    const before = await holding(h, 'Example News');
    expect(before).toEqual(
      expect.arrayContaining([
        'rss.xml',
        'index.html',
        'tags/topic-1/atom.xml',
        'articles/r/a3.html',
        'archive/first/rss.xml',
      ]),
    );

    // The deploy: the same table and bucket, a new container with the new settings.
    const renamed = { ...TEST_SITE, itemLimit: 3, title: 'Renamed Daily' };
    const deployed = createPublishHandler(
      { feeds: h.feeds, ledger: h.ledger, bucket: h.bucket, config: renamed },
      quiet(),
    );
    await deployed(PUBLISH_SITE_EVENT);

    expect(await holding(h, 'Example News')).toEqual([]);
    expect(await holding(h, 'Renamed Daily')).toEqual(before);
    const puts = () => h.s3Commands.filter((c) => c.command === 'PutObjectCommand').length;
    const written = puts();
    await deployed(PUBLISH_SITE_EVENT);
    expect(puts()).toBe(written);

    const answer = await deployed({ feedpub: 'republish', ids: ['r/a1', 'r/none'] });
    expect(answer).toMatchObject({ articles: 1, written: 0, notFound: ['r/none'] });
  });
});
