import { describe, expect, it } from 'vitest';
import { MAX_FORMER_MEDIA_VERSIONS } from '../../../shared/ingest/ingest-media.ts';
import { ingestObjectEvent } from '../../../shared/ingest/ingest-object.ts';
import type { ObjectEvent } from '../../../shared/ingest/object-event.ts';
import { MemorySiteMedia } from '../../../shared/stores/memory-site-media.ts';
import { memoryIngestDeps, objectEvents } from '../../support/fakes/inbox.ts';

/**
 * A replaced media file's earlier versions stay published (a podcast app downloads the episode
 * a feed named hours after fetching it), the oldest going past a bound; a delete takes every
 * version down.
 */
const KEY = 'articles/show/episode.mp3';
/** An MP3 (ID3 header) of its own bytes. */
const mp3 = (n: number) =>
  Uint8Array.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0, n & 0xff, n >> 8]);

function rig() {
  const { inbox, deps } = memoryIngestDeps();
  const media = new MemorySiteMedia({ inbox });
  /** Removals that fail (a Lambda dying after its commit): set to fail the next ones. */
  const failing = { removals: 0 };
  const remove = media.remove.bind(media);
  media.remove = async (path) => {
    if (failing.removals > 0) {
      failing.removals -= 1;
      throw new Error('the function died here');
    }
    await remove(path);
  };
  const events = objectEvents();
  const event = (kind: 'created' | 'removed', key = KEY, versionId?: string) =>
    events(kind, key, versionId);
  const deliver = (e: ObjectEvent) => ingestObjectEvent(e, { ...deps, media });
  const upload = async (n: number) => {
    const outcome = await deliver(event('created', KEY, inbox.put(KEY, mp3(n))));
    return outcome.kind === 'applied' ? outcome.report.url : undefined;
  };
  const story = () =>
    deliver(
      event(
        'created',
        'articles/show/ep1.md',
        inbox.put(
          'articles/show/ep1.md',
          '---\ntitle: Episode 1\nimage: episode.mp3\nimage_alt: x\n---\n\nShow notes.\n',
        ),
      ),
    );
  return { inbox, deps, media, upload, event, deliver, story, failing };
}

const path = (url: string | undefined) => decodeURI(new URL(url ?? '').pathname.slice(1));

describe('a media file replaced again and again', () => {
  it(`keeps the last ${MAX_FORMER_MEDIA_VERSIONS} versions it replaced published, then the delete takes all`, async () => {
    const { media, upload, event, deliver } = rig();
    const urls: string[] = [];
    for (let n = 1; n <= MAX_FORMER_MEDIA_VERSIONS + 3; n++) urls.push((await upload(n)) ?? '');
    expect(new Set(urls).size).toBe(MAX_FORMER_MEDIA_VERSIONS + 3);
    // The current one and the 20 before it; the two oldest went.
    expect(media.paths().sort()).toEqual(urls.slice(2).map(path).sort());

    await deliver(event('removed'));
    expect(media.paths()).toEqual([]);
  });

  it('keeps them through a story that starts using the file, and its delete takes them all', async () => {
    const { media, upload, event, deliver, story } = rig();
    const first = await upload(1);
    const second = await upload(2);
    await story();
    expect(media.paths().sort()).toEqual([path(first), path(second)].sort());
    await deliver(event('removed'));
    expect(media.paths()).toEqual([]);
  });

  it('a delete whose removals died is finished when its event is delivered again', async () => {
    const { media, upload, event, deliver, failing } = rig();
    await upload(1);
    await upload(2);
    const removed = event('removed');
    failing.removals = 1;
    await expect(deliver(removed)).rejects.toThrow('the function died here');
    expect(media.paths()).toHaveLength(2);
    await deliver(removed);
    expect(media.paths()).toEqual([]);
  });

  it('a replacement whose removal died is finished by the next write of the file', async () => {
    const { media, upload, failing } = rig();
    const urls: string[] = [];
    for (let n = 1; n <= MAX_FORMER_MEDIA_VERSIONS + 1; n++) urls.push((await upload(n)) ?? '');
    failing.removals = 1;
    await expect(upload(MAX_FORMER_MEDIA_VERSIONS + 2)).rejects.toThrow('the function died here');
    // The oldest version is still there, and listed to go.
    expect(media.paths()).toContain(path(urls[0]));
    urls.push((await upload(MAX_FORMER_MEDIA_VERSIONS + 3)) ?? '');
    expect(media.paths()).not.toContain(path(urls[0]));
    expect(media.paths()).not.toContain(path(urls[1]));
  });
});

describe('a media file a story names, refused after the story', () => {
  it('changes the story\'s report from "not in the inbox (yet)" to why it was refused', async () => {
    const { inbox, deps, event, deliver } = rig();
    const story = 'articles/show/ep2.md';
    await deliver(
      event(
        'created',
        story,
        inbox.put(story, '---\ntitle: Episode 2\nimage: ep2.wav\nimage_alt: x\n---\n\nNotes.\n'),
      ),
    );
    const warningsOf = async () =>
      ((await deps.store.getSource(story))?.report.warnings ?? []).filter((w) =>
        w.startsWith('media '),
      );
    expect(await warningsOf()).toEqual([
      'media "articles/show/ep2.wav" is not in the inbox (yet): its reference works once the file is uploaded',
    ]);
    const wav = 'articles/show/ep2.wav';
    const refused = await deliver(
      event('created', wav, inbox.put(wav, Uint8Array.from([0x52, 0x49, 0x46, 0x46]))),
    );
    expect(refused.kind === 'applied' && refused.report.status).toBe('rejected');
    const [warning] = await warningsOf();
    expect(warning).toMatch(
      /^media "articles\/show\/ep2\.wav" is in the inbox but was rejected \("ep2\.wav": this audio format .* convert it to \.mp3, \.m4a or \.ogg\): its reference works once a file that passes is uploaded$/,
    );
    // The bucket's copy of the report says the same.
    expect(inbox.reports.at(-1)?.warnings.filter((w) => w.startsWith('media '))).toEqual([warning]);
    // The refused file deleted: not in the inbox again, as its story's report says.
    await deliver(event('removed', wav));
    expect(await warningsOf()).toEqual([
      'media "articles/show/ep2.wav" is not in the inbox (yet): its reference works once the file is uploaded',
    ]);
  });

  it('tells the story on the redelivery when the first delivery died after the rejection', async () => {
    const { inbox, deps, event, deliver } = rig();
    const story = 'articles/show/ep3.md';
    await deliver(
      event(
        'created',
        story,
        inbox.put(story, '---\ntitle: E3\nimage: ep3.mov\nimage_alt: x\n---\n\nNotes.\n'),
      ),
    );
    const mov = 'articles/show/ep3.mov';
    const refused = event('created', mov, inbox.put(mov, Uint8Array.from([0, 0, 0, 20])));
    // The rejection's report cannot be written: the delivery dies after its commit.
    const write = inbox.writeReport.bind(inbox);
    let failOnce = true;
    inbox.writeReport = async (report) => {
      if (report.key === mov && failOnce) {
        failOnce = false;
        throw new Error('S3 down');
      }
      await write(report);
    };
    await expect(deliver(refused)).rejects.toThrow('S3 down');
    await deliver(refused);
    const warnings = (await deps.store.getSource(story))?.report.warnings ?? [];
    expect(warnings.find((w) => w.startsWith('media '))).toMatch(
      /is in the inbox but was rejected/,
    );
  });
});

describe('two uploads of a media file whose ingests overlap', () => {
  it('never leave a story on the older version (a newer upload done between commit and republish)', async () => {
    const { inbox, deps, event, deliver } = rig();
    const { store } = deps;
    const story = 'articles/show/ep1.md';
    await deliver(event('created', KEY, inbox.put(KEY, mp3(1))));
    await deliver(
      event(
        'created',
        story,
        inbox.put(story, '---\ntitle: E1\nimage: episode.mp3\nimage_alt: x\n---\n\nNotes.\n'),
      ),
    );
    const second = event('created', KEY, inbox.put(KEY, mp3(2)));
    const third = event('created', KEY, inbox.put(KEY, mp3(3)));
    // The second upload's commit returns; before it republishes the story, the third runs whole.
    const commit = store.commit.bind(store);
    let interleaved = false;
    store.commit = async (change) => {
      await commit(change);
      if (!interleaved && change.media?.length) {
        interleaved = true;
        await deliver(third);
      }
    };
    await deliver(second);
    expect(interleaved).toBe(true);
    const record = await store.getMedia(KEY);
    const lead = (await store.getArticle('show/ep1'))?.article.image ?? '';
    expect(lead.endsWith(record?.published?.path ?? 'none')).toBe(true);
  });
});
