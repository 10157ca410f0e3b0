import { afterEach, describe, expect, it } from 'vitest';
import { eachLimited } from '../../shared/concurrency/each-limited.ts';
import { siteUrlOf } from '../../shared/contract/site-layout.ts';
import { TEST_SITE } from '../support/pipeline.ts';
import { scale } from '../support/reliability-config.ts';
import { siteProblems, tableProblems } from '../support/reliability-consistency.ts';
import { hostileFiles } from '../support/reliability-hostile.ts';
import { type Rig, startRig } from '../support/reliability-pipeline.ts';
import {
  layoutProblems,
  markupProblems,
  siteSafetyProblems,
} from '../support/reliability-safety.ts';
import { readBucket, readTable } from '../support/reliability-state.ts';
import { jsonFeedProblems } from '../unit/feeds/feed-checks.ts';
import { jingProblems, writeTemp, xmllintProblems } from '../unit/feeds/xml-tools.ts';

const PREFIX = 'articles/hostile/';
const FUZZ = scale(30, 300);
const ACCOUNTED = new Set(['published', 'rejected', 'draft', 'scheduled']);

describe('hostile articles through the whole pipeline', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.stop();
  });

  it('the safety check lets a page hold its one JSON-LD data block, and nothing like it', () => {
    const data = '{"@type":"NewsArticle","headline":"a \\u003c/script\\u003e b"}';
    const block = `<script type="application/ld+json">${data}</script>`;
    const page = (head: string) => `<html><head>${head}</head><body><p>x</p></body></html>`;
    expect(markupProblems(page(block), 'page', true)).toEqual([]);
    const refused = [
      // Not a page: HTML a feed carries holds no data block.
      [page(block), false],
      [page(block + block), true],
      [page(`<script type="application/ld+json" onload="alert(1)">${data}</script>`), true],
      [page(`<script type="application/ld+json" src="https://x.test/a.js">${data}</script>`), true],
      [page(`<script type="text/javascript">${data}</script>`), true],
      [page(`<SCRIPT type="application/ld+json">${data}</SCRIPT>`), true],
      [page('<script type="application/ld+json">alert(1)</script>'), true],
      [
        page('<script type="application/ld+json">{"a":"</script><script>alert(1)//"}</script>'),
        true,
      ],
      [page(`<script type="application/ld+json">${data}`), true],
      [page(`${block}<script>alert(1)</script>`), true],
    ] as const;
    for (const [markup, isPage] of refused)
      expect(markupProblems(markup, 'page', isPage), markup).not.toEqual([]);
  });

  it('each is published or rejected with a reason; every feed is valid; nothing in the site runs script', async () => {
    rig = await startRig();
    const files = hostileFiles(FUZZ);
    const live = rig;
    await eachLimited(files, 8, (f) => live.inbox.put(`${PREFIX}${f.name}`, f.body));
    await rig.pipeline.settle();

    const reports = await readBucket(rig.aws.s3, rig.aws.names.inboxBucket, 'reports/');
    const state = await readTable(rig.aws.dynamo, rig.aws.names.table);
    const site = await readBucket(rig.aws.s3, rig.aws.names.siteBucket);
    const outcome = (name: string) => {
      const raw = reports.get(`reports/${PREFIX}${name}.json`);
      return raw
        ? (JSON.parse(raw) as { status: string; reason?: string; id?: string })
        : undefined;
    };
    const unaccounted = files.filter((f) => {
      const report = outcome(f.name);
      if (!report || !ACCOUNTED.has(report.status)) return true;
      if (report.status === 'rejected') return !report.reason || report.reason.length < 10;
      const article = report.id ? state.articles.get(report.id) : undefined;
      return article?.sourceKey !== `${PREFIX}${f.name}`;
    });
    const statuses = files.map((f) => outcome(f.name)?.status ?? 'missing');
    console.info(
      `hostile: ${files.length} files, ${statuses.filter((s) => s === 'published').length} published, ${statuses.filter((s) => s === 'rejected').length} rejected; ${site.size} site files checked`,
    );
    expect(files.length).toBeGreaterThanOrEqual(60 + FUZZ);
    expect(unaccounted.map((f) => `${f.name}: ${JSON.stringify(outcome(f.name))}`)).toEqual([]);
    expect(statuses.filter((s) => s === 'published').length).toBeGreaterThan(files.length / 2);
    expect(rig.pipeline.queue.deadLetters).toEqual([]);
    expect(rig.streamFailures).toEqual([]);

    expect(tableProblems(state)).toEqual([]);
    expect(siteProblems(site, state, TEST_SITE)).toEqual([]);
    expect(layoutProblems(site.keys())).toEqual([]);
    expect(siteSafetyProblems(site)).toEqual([]);

    const xml = [...site.keys()].filter((k) => k.endsWith('.xml') || k.endsWith('.opml'));
    const paths = writeTemp(
      Object.fromEntries(xml.map((k, i) => [`${i}-${k.split('/').pop()}`, site.get(k) ?? ''])),
    );
    const lint = xmllintProblems(Object.values(paths));
    expect([...lint.values()].flat()).toEqual([]);
    const atom = Object.values(paths).filter((p) => p.endsWith('atom.xml'));
    expect(atom.length).toBeGreaterThan(3);
    expect([...jingProblems(atom).values()].flat()).toEqual([]);
    const json = [...site.keys()].filter((k) => k.endsWith('feed.json'));
    // An archive page's feed_url is its feed's (RFC 5005 pages are one feed).
    const feedUrlOf = (k: string) => siteUrlOf(TEST_SITE.url, k.replace(/archive\/[^/]+\//, ''));
    expect(
      json.flatMap((k) =>
        jsonFeedProblems(site.get(k) ?? '', feedUrlOf(k)).map((p) => `${k}: ${p}`),
      ),
    ).toEqual([]);
  });
});
