import { describe, expect, it } from 'vitest';
import { ingestObjectEvent } from '../../../shared/ingest/ingest-object.ts';
import { MemorySiteMedia } from '../../../shared/stores/memory-site-media.ts';
import { memoryIngestDeps, objectEvents } from '../../support/fakes/inbox.ts';

/**
 * A media file's name spelled two ways: macOS saves `café.jpg` decomposed (e + U+0301) and the
 * Markdown that names it was typed composed (U+00E9). Both are one file to the story, whichever
 * is uploaded first, and a record kept under the decomposed key (as ingest wrote it before
 * names were composed) is still the file's record.
 */

const COMPOSED = 'articles/caf\u00e9.jpg';
const DECOMPOSED = 'articles/cafe\u0301.jpg';
const STORY = 'articles/story.md';
const SITE = 'https://news.example.com/';
const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
const story = `---\ntitle: Café\nimage: caf\u00e9.jpg\nimage_alt: The café at dawn\n---\n\n![The café](caf\u00e9.jpg)\n`;

function rig() {
  const { store, inbox, deps } = memoryIngestDeps();
  const media = new MemorySiteMedia({ inbox });
  const event = objectEvents();
  const upload = (key: string, body: string | Uint8Array) =>
    ingestObjectEvent(event('created', key, inbox.put(key, body)), { ...deps, media });
  const remove = (key: string) => ingestObjectEvent(event('removed', key), { ...deps, media });
  const published = async () => (await store.getArticle('story'))?.article;
  return { store, inbox, media, upload, remove, published };
}

describe('a media file named with letters that decompose', () => {
  it('is the file a story names composed, uploaded after the story', async () => {
    const { media, upload, published } = rig();
    await upload(STORY, story);
    expect((await published())?.media).toEqual([
      { key: COMPOSED, url: `${SITE}media/caf%C3%A9.jpg` },
    ]);

    const outcome = await upload(DECOMPOSED, jpeg);

    expect(outcome.kind === 'applied' && outcome.report.status).toBe('published');
    const [path] = media.paths();
    // Published under the composed name, whichever spelling was uploaded.
    expect(path).toMatch(/^media\/caf\u00e9\.[0-9a-f]{12}\.jpg$/);
    const article = await published();
    expect(article?.media).toEqual([
      {
        key: COMPOSED,
        url: `${SITE}${encodeURI(path ?? '')}`,
        type: 'image/jpeg',
        size: jpeg.length,
      },
    ]);
    expect(article?.image).toBe(`${SITE}${encodeURI(path ?? '')}`);
    expect(article?.contentHtml).toContain(`<img src="${SITE}${encodeURI(path ?? '')}"`);
  });

  it('is the file a story names composed, uploaded before it; its delete names the story', async () => {
    const { upload, remove, published } = rig();
    await upload(DECOMPOSED, jpeg);

    const outcome = await upload(STORY, story);

    expect(outcome.kind === 'applied' && (outcome.report.warnings ?? [])).toEqual([]);
    expect((await published())?.media?.[0]).toMatchObject({ key: COMPOSED, type: 'image/jpeg' });

    const deleted = await remove(DECOMPOSED);

    expect(deleted.kind === 'applied' && deleted.report.warnings).toEqual([
      'still used by 1 story (story): its links there answer 404 until the file is uploaded again or they stop using it',
    ]);
    expect((await published())?.media).toEqual([
      { key: COMPOSED, url: `${SITE}media/caf%C3%A9.jpg` },
    ]);
  });

  it('says a rejected file uploaded decomposed was rejected, not missing', async () => {
    const { upload } = rig();
    await upload(DECOMPOSED, 'not a JPEG at all');

    const outcome = await upload(STORY, story);

    expect(outcome.kind === 'applied' && outcome.report.warnings?.[0]).toMatch(
      /^media "articles\/caf\u00e9\.jpg" is in the inbox but was rejected \(/,
    );
  });

  it('keeps using a record ingest wrote under the decomposed key before names were composed', async () => {
    const { store, media, upload, published } = rig();
    const legacy = { path: 'media/cafe\u0301.0123456789ab.jpg', type: 'image/jpeg', size: 8 };
    await store.commit({
      articles: [],
      media: [{ record: { key: DECOMPOSED, revision: 1, usedBy: [], published: legacy } }],
    });

    await upload(STORY, story);

    expect((await published())?.media).toEqual([
      {
        key: DECOMPOSED,
        url: `${SITE}media/cafe%CC%81.0123456789ab.jpg`,
        type: 'image/jpeg',
        size: 8,
      },
    ]);
    expect((await store.getMedia(DECOMPOSED))?.usedBy).toEqual(['story']);
    expect(await store.getMedia(COMPOSED)).toBeUndefined();

    // The file uploaded again: its record is updated where it is, and the story follows.
    await upload(DECOMPOSED, Uint8Array.from([...jpeg, 9]));

    const [path] = media.paths();
    expect((await store.getMedia(DECOMPOSED))?.published?.path).toBe(path);
    expect(await store.getMedia(COMPOSED)).toBeUndefined();
    expect((await published())?.media?.[0]).toMatchObject({
      key: DECOMPOSED,
      url: `${SITE}${encodeURI(path ?? '')}`,
      size: 9,
    });

    // Uploaded composed this time (a CI copy of the Mac folder): still that record.
    await upload(COMPOSED, Uint8Array.from([...jpeg, 9, 9]));

    expect(await store.getMedia(COMPOSED)).toBeUndefined();
    expect((await store.getMedia(DECOMPOSED))?.published?.size).toBe(10);
    expect((await published())?.media?.[0]).toMatchObject({ key: DECOMPOSED, size: 10 });
  });

  it('prefers the published record when an older version kept an unpublished one under the composed name too', async () => {
    const { store, media, upload, published } = rig();
    // As 3f3dc0d left them: a story typing the name composed before the file came (a record
    // under the composed name, unpublished, naming it), and the file's record under its
    // decomposed key (published, naming the story that typed it so).
    const menu = `---\ntitle: Menu\n---\n\n![x](caf\u00e9.jpg)\n`;
    await upload('articles/menu.md', menu);
    expect(await store.getMedia(COMPOSED)).toMatchObject({ usedBy: ['menu'] });
    const legacy = { path: 'media/cafe\u0301.0123456789ab.jpg', type: 'image/jpeg', size: 8 };
    await store.commit({
      articles: [],
      media: [{ record: { key: DECOMPOSED, revision: 1, usedBy: ['story'], published: legacy } }],
    });

    // The story's edit keeps the published file (the unpublished record is found first).
    await upload(STORY, `${story}\nEdited.\n`);
    expect((await published())?.media?.[0]).toMatchObject({ key: DECOMPOSED, type: 'image/jpeg' });

    // A new version reaches both stories, each named in either record.
    await upload(COMPOSED, Uint8Array.from([...jpeg, 7, 7, 7]));
    const [path] = media.paths();
    for (const id of ['story', 'menu'])
      expect((await store.getArticle(id))?.article.media?.[0], id).toMatchObject({
        url: `${SITE}${encodeURI(path ?? '')}`,
        size: 11,
      });
  });
});
