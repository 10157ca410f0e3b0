import { afterEach, describe, expect, it } from 'vitest';
import { eachLimited } from '../../shared/concurrency/each-limited.ts';
import { toS3EventRecord } from '../../shared/local/s3-notifications.ts';
import { TEST_SITE } from '../support/pipeline.ts';
import { siteProblems, tableProblems } from '../support/reliability-consistency.ts';
import { aliasKeys, type Rig, startRig } from '../support/reliability-pipeline.ts';
import { layoutProblems, siteSafetyProblems } from '../support/reliability-safety.ts';
import { readBucket, readTable } from '../support/reliability-state.ts';
import { jingProblems, writeTemp, xmllintProblems } from '../unit/feeds/xml-tools.ts';

/**
 * A key of about `bytes` bytes (S3 allows 1,024). s3rver keeps objects as files, so no
 * segment may pass the file-name limit (255 bytes): long keys are made of several segments.
 */
const long = (unit: string, bytes: number, ext: string) => {
  const segments: string[] = [];
  let size = 'articles/long/'.length + ext.length;
  while (size + Buffer.byteLength(unit) <= bytes) {
    const last = segments.at(-1);
    if (last === undefined || Buffer.byteLength(last + unit) > 200) {
      segments.push(unit);
      size += Buffer.byteLength(unit) + 1;
    } else {
      segments[segments.length - 1] = last + unit;
      size += Buffer.byteLength(unit);
    }
  }
  return `articles/long/${segments.join('/')}${ext}`;
};

/** Keys S3 accepts that a careless id or path builder would turn into something else. */
const KEYS = [
  'articles/../x.txt',
  'articles/../../escape.md',
  'articles//x.txt',
  'articles/./x.txt',
  'articles/a/./b/../c.md',
  'articles/.hidden.md',
  'articles/....txt',
  'articles/..md',
  long('a', 1000, '.txt'),
  long('é', 1000, '.md'),
  long('😀', 1000, '.md'),
  `articles/${Array(300).fill('d').join('/')}.md`,
  'articles/100% sure.md',
  'articles/%41%2F%2e%2e.md',
  'articles/a+b plus.md',
  'articles/with  two  spaces .txt',
  'articles/café/naïve résumé.md',
  'articles/日本語/記事.md',
  'articles/Новости/статья.txt',
  'articles/😀🎉.md',
  'articles/hash#tag.md',
  'articles/what?x=1.md',
  'articles/amp&lt;script&gt;.md',
  'articles/<script>alert(1)</script>.md',
  'articles/"quoted" \'single\'.md',
  'articles/back\\slash.md',
  'articles/semi;colon=equals.md',
  'articles/UPPER/Case.TXT',
  'articles/trailing.dot.',
  'articles/folder/',
  'articles/A b.txt',
  'articles/a-b.txt',
  'articles/a_b.txt',
];

const body = (key: string, i: number) =>
  key.endsWith('.txt') || key.endsWith('.TXT')
    ? `Hostile key number ${i}\n\nBody of ${i}.\n\nkeys,\n`
    : `---\ntitle: Hostile key number ${i}\ntags: [keys]\n---\n\nBody of ${i}.\n`;

describe('hostile object keys', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.stop();
  });

  it('nothing escapes the site layout, and keys that slugify alike get distinct ids', async () => {
    const stand = new Map<string, string>();
    rig = await startRig({ prepare: ({ s3 }) => aliasKeys(s3, stand) });
    const { inbox, aws, pipeline } = rig;
    const refused: string[] = [];
    await eachLimited(KEYS, 6, async (key, i) => {
      try {
        await inbox.put(key, body(key, i));
      } catch {
        // s3rver cannot store this key (S3 can): keep the body elsewhere, and send the event
        // S3 would have sent.
        refused.push(key);
        stand.set(key, `blobs/${i}`);
        stand.set(`reports/${key}.json`, `blobs/report-${i}`);
        await inbox.put(`blobs/${i}`, body(key, i));
        const eventTime = new Date().toISOString();
        const object = { key, size: body(key, i).length };
        const record = {
          eventName: 'ObjectCreated:Put',
          eventTime,
          s3: { bucket: { name: aws.names.inboxBucket }, object },
        };
        pipeline.queue.send(JSON.stringify({ Records: [toS3EventRecord(record)] }));
      }
    });
    await rig.pipeline.settle();

    // By exact key: s3rver files `reports/articles/../x.txt.json` elsewhere than a listing shows.
    const reports = new Map<string, { status: string; id?: string; reason?: string }>();
    for (const key of KEYS) {
      const raw = await inbox.text(stand.get(`reports/${key}.json`) ?? `reports/${key}.json`);
      if (raw) reports.set(key, JSON.parse(raw));
    }
    const state = await readTable(rig.aws.dynamo, rig.aws.names.table);
    const site = await readBucket(rig.aws.s3, rig.aws.names.siteBucket);
    const announced = [...state.sources.keys()];
    console.info(
      `hostile keys: ${KEYS.length} keys (${refused.length} refused by s3rver, their events sent by hand: ${JSON.stringify(refused)}), ${state.articles.size} published`,
    );

    // `//` (s3rver), and the `.` and `..` segments the embedded S3 refuses (they would leave
    // the bucket's folder): the rest go through the S3 API.
    expect(refused.sort()).toEqual(
      [
        'articles//x.txt',
        'articles/../x.txt',
        'articles/../../escape.md',
        'articles/./x.txt',
        'articles/a/./b/../c.md',
      ].sort(),
    );
    expect(announced.sort()).toEqual([...KEYS].sort());
    for (const key of announced) {
      const report = reports.get(key);
      expect({ key, status: report?.status }).toEqual({
        key,
        status: expect.stringMatching(/^(published|rejected)$/),
      });
      if (report?.status === 'published') {
        expect(report.id).toBeTruthy();
        expect(state.articles.get(report.id ?? '')?.sourceKey).toBe(key);
        expect(site.has(`articles/${report.id}.html`)).toBe(true);
      } else expect(report?.reason).toBeTruthy();
    }
    const ids = announced.map((key) => reports.get(key)?.id).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
    const alike = ['articles/A b.txt', 'articles/a-b.txt', 'articles/a_b.txt'].map(
      (k) => reports.get(k)?.id,
    );
    expect(alike[1]).toBe('a-b');
    expect(new Set(alike).size).toBe(3);
    expect(alike.every((id) => id?.startsWith('a-b'))).toBe(true);

    expect(layoutProblems(site.keys())).toEqual([]);
    expect(siteSafetyProblems(site)).toEqual([]);
    expect(tableProblems(state)).toEqual([]);
    expect(siteProblems(site, state, TEST_SITE)).toEqual([]);
    const xml = [...site.keys()].filter((k) => k.endsWith('.xml') || k.endsWith('.opml'));
    const paths = writeTemp(
      Object.fromEntries(xml.map((k, i) => [`${i}-${k.split('/').pop()}`, site.get(k) ?? ''])),
    );
    expect([...xmllintProblems(Object.values(paths)).values()].flat()).toEqual([]);
    const atom = Object.values(paths).filter((p) => p.endsWith('atom.xml'));
    expect([...jingProblems(atom).values()].flat()).toEqual([]);
    expect(rig.pipeline.queue.deadLetters).toEqual([]);
  });
});
