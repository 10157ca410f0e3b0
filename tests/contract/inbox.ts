import { describe, expect, it } from 'vitest';
import { MAX_ARTICLE_BYTES } from '../../shared/articles/decode.ts';
import { ArticleRejectedError } from '../../shared/articles/errors.ts';
import { type IngestReport, reportKey } from '../../shared/contract/inbox.ts';
import type { Inbox } from '../../shared/ports/inbox.ts';

/** An Inbox, and what editors do to the bucket behind it (the port only reads). */
export interface InboxHarness {
  inbox: Inbox;
  /** Uploads a new version of the key; returns its version id. */
  upload(key: string, body: string | Uint8Array): Promise<string>;
  remove(key: string): Promise<void>;
}

const text = (bytes: Uint8Array | undefined) =>
  bytes === undefined ? undefined : new TextDecoder().decode(bytes);

/** What ingest relies on from the inbox bucket, for any Inbox. */
export function inboxContract(name: string, makeInbox: () => Promise<InboxHarness>) {
  describe(`${name} as an Inbox`, () => {
    it('inspects an upload: size, an ETag that follows the content, and its first bytes', async () => {
      const { inbox, upload } = await makeInbox();
      expect(await inbox.inspect('articles/none.jpg', undefined, 4)).toBeUndefined();
      const big = new Uint8Array(3 * 1024 * 1024).fill(7);
      big.set([0xff, 0xd8, 0xff]);
      await upload('articles/a.jpg', big);
      const first = await inbox.inspect('articles/a.jpg', undefined, 4);
      expect(first?.size).toBe(big.length);
      expect([...(first?.head ?? [])]).toEqual([0xff, 0xd8, 0xff, 7]);
      const versionId = await upload('articles/a.jpg', 'GIF89a');
      const second = await inbox.inspect('articles/a.jpg', versionId, 32);
      expect(second?.size).toBe(6);
      expect(new TextDecoder().decode(second?.head)).toBe('GIF89a');
      expect(second?.etag).not.toBe(first?.etag);
      expect(second?.etag).not.toBe('');
      await upload('articles/empty.png', '');
      expect(await inbox.inspect('articles/empty.png', undefined, 4)).toMatchObject({ size: 0 });
      // No bytes asked for: whether it exists, and its size (a HEAD alone on S3).
      const exists = await inbox.inspect('articles/a.jpg', undefined, 0);
      expect(exists?.size).toBe(6);
      expect(exists?.head).toHaveLength(0);
      expect(await inbox.inspect('articles/none.jpg', undefined, 0)).toBeUndefined();
    });

    it('reads nothing for a key never uploaded, with or without a version', async () => {
      const { inbox } = await makeInbox();
      expect(await inbox.read('articles/none.md')).toBeUndefined();
      expect(await inbox.read('articles/none.md', 'v-none')).toBeUndefined();
    });

    it('reads the newest upload, an empty one as no bytes, and nothing once deleted', async () => {
      const { inbox, upload, remove } = await makeInbox();
      await upload('articles/a.md', 'first');
      await upload('articles/a.md', 'second');
      await upload('articles/empty.md', '');
      expect(text(await inbox.read('articles/a.md'))).toBe('second');
      expect(await inbox.read('articles/empty.md')).toEqual(new Uint8Array());

      await remove('articles/a.md');
      expect(await inbox.read('articles/a.md')).toBeUndefined();
    });

    it('reads the version an event names, even after a newer upload or a delete', async () => {
      const { inbox, upload, remove } = await makeInbox();
      const first = await upload('articles/a.md', 'first');
      await upload('articles/a.md', 'second');
      expect(text(await inbox.read('articles/a.md', first))).toBe('first');
      await remove('articles/a.md');
      expect(text(await inbox.read('articles/a.md', first))).toBe('first');
      expect(await inbox.read('articles/a.md', 'v-unknown')).toBeUndefined();
    });

    it('refuses to read an upload over 1 MiB', async () => {
      const { inbox, upload } = await makeInbox();
      await upload('articles/big.md', new Uint8Array(MAX_ARTICLE_BYTES + 1));
      await upload('articles/fits.md', new Uint8Array(MAX_ARTICLE_BYTES));
      await expect(inbox.read('articles/big.md')).rejects.toMatchObject({
        name: ArticleRejectedError.name,
        reason: 'too-large',
      });
      expect((await inbox.read('articles/fits.md'))?.length).toBe(MAX_ARTICLE_BYTES);
    });

    it('writes a report beside the upload as JSON, the newest replacing the last', async () => {
      const { inbox } = await makeInbox();
      const report: IngestReport = {
        key: 'articles/Café a.md',
        versionId: 'v1',
        sequencer: '01',
        eventTime: '2026-01-01T00:00:00.000Z',
        status: 'rejected',
        reason: 'front matter line 3: bad',
        warnings: [],
      };
      await inbox.writeReport(report);
      const newer = { ...report, sequencer: '02', status: 'published' as const, id: 'cafe-a' };
      await inbox.writeReport({ ...newer, reason: undefined });

      const stored = text(await inbox.read(reportKey(report.key)));
      expect(stored?.endsWith('\n')).toBe(true);
      expect(JSON.parse(stored ?? '')).toEqual({ ...newer, reason: undefined });
      expect(JSON.parse(stored ?? '')).not.toHaveProperty('reason');
    });

    it("writes a key's first report only while the key has none", async () => {
      const { inbox, upload } = await makeInbox();
      const report: IngestReport = {
        key: 'articles/first.md',
        sequencer: '01',
        eventTime: '2026-01-01T00:00:00.000Z',
        status: 'published',
        warnings: [],
      };
      const stored = async () => JSON.parse(text(await inbox.read(reportKey(report.key))) ?? '');
      expect(await inbox.writeFirstReport(report)).toBe(true);
      expect(await stored()).toEqual(report);
      // One is there (a newer event's, or an older table's): refused, and left as it was.
      expect(await inbox.writeFirstReport({ ...report, sequencer: '02' })).toBe(false);
      expect(await stored()).toEqual(report);
      await inbox.writeReport({ ...report, sequencer: '03' });
      expect(await inbox.writeFirstReport({ ...report, sequencer: '04' })).toBe(false);
      expect((await stored()).sequencer).toBe('03');
      // Other keys' reports and uploads are not in the way.
      await upload('articles/other.md', 'x');
      expect(await inbox.writeFirstReport({ ...report, key: 'articles/other.md' })).toBe(true);
    });
  });
}
