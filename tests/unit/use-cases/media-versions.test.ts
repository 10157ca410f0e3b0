import { describe, expect, it } from 'vitest';
import { MAX_FORMER_MEDIA_VERSIONS } from '../../../shared/ingest/ingest-media.ts';
import { ingestObjectEvent } from '../../../shared/ingest/ingest-object.ts';
import type { ObjectEvent } from '../../../shared/ingest/object-event.ts';
import { MemorySiteMedia } from '../../../shared/stores/memory-site-media.ts';
import { memoryIngestDeps } from '../../support/fakes/inbox.ts';

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
  let sequence = 0;
  const event = (kind: 'created' | 'removed', versionId?: string): ObjectEvent => {
    sequence += 1;
    const sequencer = String(sequence).padStart(6, '0');
    const eventTime = '2026-01-05T10:00:00.000Z';
    return kind === 'created'
      ? { kind, bucket: 'inbox', key: KEY, versionId: versionId ?? '', sequencer, eventTime }
      : { kind, bucket: 'inbox', key: KEY, sequencer, eventTime };
  };
  const upload = async (n: number) => {
    const outcome = await ingestObjectEvent(event('created', inbox.put(KEY, mp3(n))), {
      ...deps,
      media,
    });
    return outcome.kind === 'applied' ? outcome.report.url : undefined;
  };
  const remove = () => ingestObjectEvent(event('removed'), { ...deps, media });
  return { media, upload, remove };
}

describe('a media file replaced again and again', () => {
  it(`keeps the last ${MAX_FORMER_MEDIA_VERSIONS} versions it replaced published, then the delete takes all`, async () => {
    const { media, upload, remove } = rig();
    const urls: string[] = [];
    for (let n = 1; n <= MAX_FORMER_MEDIA_VERSIONS + 3; n++) urls.push((await upload(n)) ?? '');
    expect(new Set(urls).size).toBe(MAX_FORMER_MEDIA_VERSIONS + 3);
    const path = (url: string) => decodeURI(new URL(url).pathname.slice(1));
    // The current one and the 20 before it; the two oldest went.
    expect(media.paths().sort()).toEqual(urls.slice(2).map(path).sort());

    await remove();
    expect(media.paths()).toEqual([]);
  });
});
