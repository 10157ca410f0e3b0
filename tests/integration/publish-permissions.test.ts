import { afterEach, describe, expect, it } from 'vitest';
import { PUBLISH_WRITES_PARTITIONS } from '../../shared/contract/table.ts';
import { sqsEvent } from '../support/harness.ts';
import { TEST_SITE } from '../support/pipeline.ts';
import { publishHarness } from '../support/publish-harness.ts';

/**
 * The deployed publish role may write only the partitions of PUBLISH_WRITES_PARTITIONS, with
 * PutItem, UpdateItem and DeleteItem (infra/feedpub-function.ts, `dynamodb:LeadingKeys`). The
 * local runtime checks no IAM, so this records every write publish's own client sends while it
 * does all it does (feeds with archive pages, day sitemaps, a withdrawal, a whole-site
 * republish) and holds each against the policy.
 */

const ALLOWED_ACTIONS = ['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand'];

/** IAM StringLike: `*` matches any run of characters. */
const matches = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(value);

type Attr = { S?: string };
const pkOf = (item: unknown) => String((item as { pk?: Attr } | undefined)?.pk?.S);

const md = (i: number, tags: string) =>
  `---\ntitle: Story ${i}\ntags: [${tags}]\nauthor: Writer ${i % 2}\ndate: 2026-0${1 + (i % 3)}-0${1 + (i % 7)}T10:00:${String(i % 60).padStart(2, '0')}Z\n---\n\nBody ${i}.\n`;

describe('what publish writes to the table, against its deployed role', () => {
  let h: Awaited<ReturnType<typeof publishHarness>> | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('writes only its own partitions, with the item actions its role allows', async () => {
    // A small item limit: stories below the first page start from the 10th newest on are
    // archived (archive pages and links), over several days (sitemaps).
    h = await publishHarness({ ...TEST_SITE, itemLimit: 10 });
    const harness = h;
    const keys = Array.from({ length: 70 }, (_, i) => `articles/p/s${i}.md`);
    for (let i = 0; i < keys.length; i += 10) {
      const batch = keys.slice(i, i + 10);
      await Promise.all(batch.map((key, j) => harness.inbox.put(key, md(i + j, 'city, port'))));
      await harness.handler(sqsEvent(...batch.map((key) => harness.event('created', key, '01'))));
    }
    await harness.inbox.remove('articles/p/s3.md');
    await harness.handler(sqsEvent(harness.event('removed', 'articles/p/s3.md', '02')));
    harness.dynamoCommands.length = 0;

    const published = await harness.publish({ Records: await harness.takeRecords() });
    expect(published.batchItemFailures).toEqual([]);
    await harness.publish({ feedpub: 'republish', all: true } as never);

    const writes = harness.dynamoCommands.filter((c) => !/^(Get|BatchGet|Query)/.test(c.command));
    const partitions = new Set(
      writes.flatMap((c) => [c.input.Item, c.input.Key].filter(Boolean).map(pkOf)),
    );
    // The run did write each kind of item publish keeps.
    for (const kind of ['FEEDMETA', 'SITEMAP', 'ARCHIVE', 'SITE'])
      expect([...partitions], kind).toContain(kind);
    expect([...partitions].some((pk) => pk.startsWith('RENDER#'))).toBe(true);
    expect(
      [...new Set(writes.map((c) => c.command))].filter((c) => !ALLOWED_ACTIONS.includes(c)),
    ).toEqual([]);
    expect(
      [...partitions].filter((pk) => !PUBLISH_WRITES_PARTITIONS.some((p) => matches(p, pk))),
    ).toEqual([]);
  });
});
