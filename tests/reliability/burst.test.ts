import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { eachLimited } from '../../shared/concurrency/each-limited.ts';
import { TEST_SITE } from '../support/pipeline.ts';
import { articleFile, type Format, randomSpec } from '../support/reliability-articles.ts';
import { prng, SEED, scale } from '../support/reliability-config.ts';
import { reportProblems, siteProblems, tableProblems } from '../support/reliability-consistency.ts';
import { aliasKeys, type Rig, startRig } from '../support/reliability-pipeline.ts';
import { readBucket, readTable } from '../support/reliability-state.ts';

// 150 uploads 50 at a time keep ingest and publish overlapping all the way through; the
// soak's 1,500 add volume, not another kind of interleaving.
const UPLOADS = scale(150, 1500);
const PARALLEL = 50;
const KEYS = scale(10, 25);
const VERSIONS = scale(10, 20);

const FORMATS: Format[] = ['txt', 'md', 'json'];
const md5 = (body: string) => createHash('md5').update(body).digest('hex');
const titleOf = (state: Awaited<ReturnType<typeof readTable>>, key: string) =>
  [...state.articles.values()].find((a) => a.sourceKey === key)?.title;

/** Reads of the announced keys go to copies of their last announced bodies (see aliasKeys). */
async function linearizableRig() {
  const latest = new Map<string, string>();
  const rig = await startRig({ prepare: ({ s3 }) => aliasKeys(s3, latest) });
  const announced: { key: string; eTag: string }[] = [];
  rig.aws.onS3Event((record) => {
    const { key, eTag } = record.s3.object;
    if (record.s3.bucket.name !== rig.aws.names.inboxBucket || !key.startsWith('articles/')) return;
    announced.push({ key, eTag: eTag ?? '' });
    latest.set(key, `blobs/${eTag}`);
  });
  const keep = (bodies: readonly string[]) =>
    eachLimited(bodies, 20, (body) => rig.inbox.put(`blobs/${md5(body)}`, body));
  return { rig, announced, keep };
}

async function settled(rig: Rig) {
  await rig.pipeline.settle();
  const state = await readTable(rig.aws.dynamo, rig.aws.names.table);
  const site = await readBucket(rig.aws.s3, rig.aws.names.siteBucket);
  const reports = await readBucket(rig.aws.s3, rig.aws.names.inboxBucket, 'reports/');
  return { state, site, reports };
}

describe('bursts through the S3 API', () => {
  const rigs: Rig[] = [];
  afterEach(async () => {
    await Promise.all(rigs.splice(0).map((rig) => rig.stop()));
  });

  it(`${UPLOADS} concurrent uploads: every article present once, every feed what the table says`, async () => {
    const random = prng(SEED + 1);
    const uploads = Array.from({ length: UPLOADS }, (_, i) => {
      const format = FORMATS[i % 3] as Format;
      const spec = randomSpec(`Burst ${i}`, 1, random);
      return {
        key: `articles/burst/${i}-item.${format}`,
        title: spec.title,
        body: articleFile(format, spec),
      };
    });
    const { rig, keep } = await linearizableRig();
    rigs.push(rig);
    await keep(uploads.map((u) => u.body));

    await eachLimited(uploads, PARALLEL, (u) => rig.inbox.put(u.key, u.body));
    const { state, site, reports } = await settled(rig);

    console.info(
      `burst: ${UPLOADS} uploads, ${PARALLEL} at a time, ${rig.publishes.length} publish batches`,
    );
    expect(state.articles.size).toBe(UPLOADS);
    expect(uploads.filter((u) => titleOf(state, u.key) !== u.title).map((u) => u.key)).toEqual([]);
    expect(state.entries.get('all')?.size).toBe(UPLOADS);
    const statuses = [...reports.values()].map((r) => JSON.parse(r).status);
    expect(statuses.filter((s) => s !== 'published')).toEqual([]);
    expect(statuses).toHaveLength(UPLOADS);
    expect(tableProblems(state)).toEqual([]);
    expect(siteProblems(site, state, TEST_SITE)).toEqual([]);
    expect(reportProblems(reports, state)).toEqual([]);
    expect(rig.pipeline.queue.deadLetters).toEqual([]);
    expect(rig.streamFailures).toEqual([]);
  });

  it(`${KEYS * VERSIONS} concurrent overwrites of ${KEYS} keys: the last PUT of each key wins everywhere`, async () => {
    const random = prng(SEED + 2);
    const puts = Array.from({ length: KEYS * VERSIONS }, (_, i) => {
      const k = i % KEYS;
      const format = FORMATS[k % 3] as Format;
      const spec = randomSpec(`Key ${k}`, Math.floor(i / KEYS) + 1, random);
      return {
        key: `articles/hot/${k}-item.${format}`,
        title: spec.title,
        body: articleFile(format, spec),
      };
    });
    const { rig, announced, keep } = await linearizableRig();
    rigs.push(rig);
    await keep(puts.map((p) => p.body));

    await Promise.all(puts.map((p) => rig.inbox.put(p.key, p.body)));
    const { state, site, reports } = await settled(rig);

    // The last PUT of a key is the last one S3 announced: our sequencers follow that order.
    const lastTitle = new Map<string, string>();
    for (const { key, eTag } of announced) {
      lastTitle.set(key, puts.find((p) => p.key === key && md5(p.body) === eTag)?.title ?? '?');
    }
    expect([...lastTitle.keys()].sort()).toEqual([...new Set(puts.map((p) => p.key))].sort());
    const feed = JSON.parse(site.get('feed.json') ?? '{}') as { items: { title: string }[] };
    const page = (key: string) => {
      const id = [...state.articles.values()].find((a) => a.sourceKey === key)?.id;
      return site.get(`articles/${id}.html`) ?? '';
    };
    for (const [key, title] of lastTitle) {
      expect({ key, title: titleOf(state, key) }).toEqual({ key, title });
      expect(feed.items.filter((item) => item.title === title)).toHaveLength(1);
      expect(page(key)).toContain(title);
    }
    expect(state.articles.size).toBe(KEYS);
    expect(tableProblems(state)).toEqual([]);
    expect(siteProblems(site, state, TEST_SITE)).toEqual([]);
    expect(reportProblems(reports, state)).toEqual([]);
    expect(rig.pipeline.queue.deadLetters).toEqual([]);
    expect(rig.streamFailures).toEqual([]);
    console.info(
      `overwrites: ${puts.length} PUTs of ${KEYS} keys; outcomes ${JSON.stringify(kinds(rig))}`,
    );
  });
});

function kinds(rig: Rig): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of rig.outcomes) {
    const name = o.kind === 'applied' ? o.report.status : o.kind;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}
