import { parseFeed } from '@rowanmanning/feed-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_CACHE_CONTROL } from '../../shared/contract/media.ts';
import { startTestPipeline, TEST_SITE } from '../support/pipeline.ts';
import { bucketHelpers } from '../support/site.ts';

/**
 * Media uploads through the real handlers on s3rver and DynamoDB Local: copied to the site
 * bucket with their type and caching, referenced from articles, and the feeds right whichever
 * arrives first, after a replacement and after a delete.
 */

const jpeg = (fill: number, size: number) => {
  const bytes = new Uint8Array(size).fill(fill);
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  return bytes;
};
const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

const story = (slug: string) =>
  `---\ntitle: Story ${slug}\ndate: 2026-11-30T10:00:00Z\nimage: ${slug}/lead.jpg\nimage_alt: The quay at dawn\n---\n\n![The quay](${slug}/lead.jpg)\n\n![Gone](../../../x.jpg) ![Later](missing.png)\n`;

let t: Awaited<ReturnType<typeof startTestPipeline>>;
let inbox: ReturnType<typeof bucketHelpers>;
let site: ReturnType<typeof bucketHelpers>;

beforeAll(async () => {
  t = await startTestPipeline();
  inbox = bucketHelpers(t.aws.s3, t.aws.names.inboxBucket);
  site = bucketHelpers(t.aws.s3, t.aws.names.siteBucket);
}, 60_000);
afterAll(() => t?.stop());

const report = async (key: string) => JSON.parse((await inbox.text(`reports/${key}.json`)) ?? '{}');

async function itemOf(title: string) {
  const rss = (await site.text('rss.xml')) ?? '';
  const atom = (await site.text('atom.xml')) ?? '';
  const json = JSON.parse((await site.text('feed.json')) ?? '{"items":[]}');
  return {
    rss: parseFeed(rss).items.find((i) => i.title === title),
    atom: parseFeed(atom).items.find((i) => i.title === title),
    json: json.items.find((i: { title: string }) => i.title === title),
  };
}

async function mediaPaths(prefix: string) {
  return (await site.keys(`media/${prefix}`)).sort();
}

describe('media uploads', () => {
  it('article first, then its image, a replacement and a delete: the feeds follow', async () => {
    await inbox.put('articles/2026/12/a.md', story('a'));
    await t.pipeline.settle();
    const before = await itemOf('Story a');
    const placeholder = `${TEST_SITE.url}media/2026/12/a/lead.jpg`;
    // No lead while its file is not published: no enclosure a podcast app would fetch a 404 of.
    expect(before.json.image).toBeUndefined();
    expect(before.json.attachments).toBeUndefined();
    expect(before.rss?.media).toEqual([]);
    expect(await site.text('articles/2026/12/a.html')).not.toContain(
      `<figure><img src="${placeholder}"`,
    );
    expect((await report('articles/2026/12/a.md')).warnings).toEqual([
      'image "../../../x.jpg" points outside articles/ (to "x.jpg"): put the file under articles/',
      'media "articles/2026/12/a/lead.jpg" is not in the inbox (yet): its reference works once the file is uploaded',
      'media "articles/2026/12/missing.png" is not in the inbox (yet): its reference works once the file is uploaded',
    ]);

    await inbox.put('articles/2026/12/a/lead.jpg', jpeg(1, 5000));
    await t.pipeline.settle();
    const [first] = await mediaPaths('2026/12/a/');
    expect(first).toMatch(/^media\/2026\/12\/a\/lead\.[0-9a-f]{12}\.jpg$/);
    const head = await site.head(first ?? '');
    expect(head.ContentType).toBe('image/jpeg');
    expect(head.CacheControl).toBe(MEDIA_CACHE_CONTROL);
    expect(head.ContentLength).toBe(5000);
    const mediaReport = await report('articles/2026/12/a/lead.jpg');
    expect(mediaReport).toMatchObject({ status: 'published', url: `${TEST_SITE.url}${first}` });
    const url = `${TEST_SITE.url}${first}`;
    const after = await itemOf('Story a');
    expect(after.rss?.media[0]).toMatchObject({ url, mimeType: 'image/jpeg', length: 5000 });
    expect(after.atom?.media[0]).toMatchObject({ url, mimeType: 'image/jpeg', length: 5000 });
    expect(after.json.attachments).toEqual([{ url, mime_type: 'image/jpeg', size_in_bytes: 5000 }]);
    expect(after.json.content_html).toContain(`<img src="${url}" alt="The quay" />`);
    expect(await site.text('articles/2026/12/a.html')).toContain(`src="${url}"`);
    // The story's report no longer says its lead is missing; the others still are.
    expect((await report('articles/2026/12/a.md')).warnings).toEqual([
      'image "../../../x.jpg" points outside articles/ (to "x.jpg"): put the file under articles/',
      'media "articles/2026/12/missing.png" is not in the inbox (yet): its reference works once the file is uploaded',
    ]);

    await inbox.put('articles/2026/12/a/lead.jpg', jpeg(2, 7000));
    await t.pipeline.settle();
    const versions = await mediaPaths('2026/12/a/');
    const second = versions.find((path) => path !== first);
    expect(second).toMatch(/^media\/2026\/12\/a\/lead\.[0-9a-f]{12}\.jpg$/);
    // The replaced version still answers: a podcast app or reader that fetched the feed before
    // downloads the file it named later.
    expect(versions).toEqual([first, second].sort());
    expect((await site.head(first ?? '')).ContentLength).toBe(5000);
    const replaced = await itemOf('Story a');
    expect(replaced.json.attachments).toEqual([
      { url: `${TEST_SITE.url}${second}`, mime_type: 'image/jpeg', size_in_bytes: 7000 },
    ]);
    expect(replaced.rss?.media[0]?.length).toBe(7000);
    expect((await report('articles/2026/12/a/lead.jpg')).status).toBe('updated');

    // Bytes replaced back: that version is the current one again, kept once.
    await inbox.put('articles/2026/12/a/lead.jpg', jpeg(1, 5000));
    await t.pipeline.settle();
    expect(await mediaPaths('2026/12/a/')).toEqual([first, second].sort());
    expect((await itemOf('Story a')).json.attachments?.[0]?.url).toBe(`${TEST_SITE.url}${first}`);

    // Deleting the upload takes down every version still published.
    await inbox.remove('articles/2026/12/a/lead.jpg');
    await t.pipeline.settle();
    expect(await mediaPaths('2026/12/a/')).toEqual([]);
    const removed = await itemOf('Story a');
    expect(removed.json.attachments).toBeUndefined();
    expect(removed.rss?.media).toEqual([]);
    // Its image in the text points at the placeholder again (404 until uploaded again).
    expect(removed.json.content_html).toContain(`<img src="${placeholder}" alt="The quay" />`);
    // The story's report says its lead is missing again.
    expect((await report('articles/2026/12/a.md')).warnings).toEqual([
      'image "../../../x.jpg" points outside articles/ (to "x.jpg"): put the file under articles/',
      'media "articles/2026/12/missing.png" is not in the inbox (yet): its reference works once the file is uploaded',
      'media "articles/2026/12/a/lead.jpg" is not in the inbox (yet): its reference works once the file is uploaded',
    ]);
    // The delete's report names the story that still shows the file.
    expect(await report('articles/2026/12/a/lead.jpg')).toMatchObject({
      status: 'deleted',
      warnings: [
        'still used by 1 story (2026/12/a): its links there answer 404 until the file is uploaded again or they stop using it',
      ],
    });
  }, 60_000);

  it('image first, then the article: the article links it at once', async () => {
    await inbox.put('articles/2026/12/b/lead.jpg', jpeg(3, 4321));
    await t.pipeline.settle();
    await inbox.put('articles/2026/12/b.md', story('b'));
    await t.pipeline.settle();
    const [path] = await mediaPaths('2026/12/b/');
    const item = await itemOf('Story b');
    expect(item.json.attachments).toEqual([
      { url: `${TEST_SITE.url}${path}`, mime_type: 'image/jpeg', size_in_bytes: 4321 },
    ]);
    expect(item.atom?.media[0]?.length).toBe(4321);
  }, 60_000);

  it('reports a file whose bytes are not its type, and SVG, publishes neither, and tells the articles that name them', async () => {
    await inbox.put('articles/2026/12/c/fake.jpg', png);
    await inbox.put('articles/2026/12/c/logo.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await t.pipeline.settle();
    expect(await report('articles/2026/12/c/fake.jpg')).toMatchObject({
      status: 'rejected',
      reason:
        '"fake.jpg" is named .jpg but its bytes are not image/jpeg (they look like image/png): save it in that format or rename it',
    });
    const svg = await report('articles/2026/12/c/logo.svg');
    expect(svg.status).toBe('rejected');
    expect(svg.reason).toContain('script');
    expect(await mediaPaths('2026/12/c/')).toEqual([]);

    // An article that names them is told they were rejected, and why, not that they are missing.
    await inbox.put(
      'articles/2026/12/c.md',
      '---\ntitle: Story c\nimage: c/fake.jpg\nimage_alt: A fake\n---\n\n![Logo](c/logo.svg)\n',
    );
    await t.pipeline.settle();
    expect((await report('articles/2026/12/c.md')).warnings).toEqual([
      `media "articles/2026/12/c/logo.svg" is in the inbox but was rejected (${svg.reason}): its reference works once a file that passes is uploaded`,
      'media "articles/2026/12/c/fake.jpg" is in the inbox but was rejected ("fake.jpg" is named .jpg but its bytes are not image/jpeg (they look like image/png): save it in that format or rename it): its reference works once a file that passes is uploaded',
    ]);
  }, 60_000);
});
