import { createHash } from 'node:crypto';
import { MAX_ARTICLE_BYTES } from '../articles/decode.ts';
import { ArticleRejectedError } from '../articles/errors.ts';
import { type IngestReport, reportKey } from '../contract/inbox.ts';
import type { Inbox, ObjectSummary } from '../ports/inbox.ts';

/** One version of a key; a delete marker has no body. */
interface Version {
  versionId: string;
  body?: Uint8Array;
  /** The object's size when `body` is only its first bytes (put's `size`). */
  size?: number;
  /** A version whose bytes were let go (forget): it still exists, with this size and ETag. */
  kept?: { size: number; etag: string };
  /** The whole object's ETag when `body` is only its first bytes and the caller knew it. */
  etag?: string;
}

const etagOf = (body: Uint8Array) => `"${createHash('md5').update(body).digest('hex')}"`;

/** What S3 answers for a GET naming a delete marker's version: S3Inbox does not catch it. */
export class MethodNotAllowedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MethodNotAllowed';
  }
}

/**
 * The inbox bucket in memory, versioned as the real one is: a delete leaves a marker, older
 * versions stay readable by id. Reports are objects of the same bucket, as S3Inbox writes
 * them.
 */
export class MemoryInbox implements Inbox {
  private readonly objects = new Map<string, Version[]>();
  private versionCount = 0;

  /**
   * Uploads a new version of `key`; returns its version id. With `size` (more than the body's
   * length), `body` is only the object's first bytes: what `inspect` shows of a media file that
   * is refused on them and its size, whose other bytes nobody reads (`feedpub build` does not
   * read a 2 GiB video to refuse it). With `etag` too, the whole object's: a media file
   * `feedpub build` summarized a chunk at a time, published from its file (MemorySiteMedia).
   */
  put(key: string, body: string | Uint8Array, size?: number, etag?: string): string {
    this.versionCount += 1;
    const versionId = `v${this.versionCount}`;
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body.slice();
    const partial =
      size !== undefined && size > bytes.length ? { size, ...(etag ? { etag } : {}) } : {};
    this.objects.set(key, [
      ...(this.objects.get(key) ?? []),
      { versionId, body: bytes, ...partial },
    ]);
    return versionId;
  }

  /**
   * Deletes `key` as a versioned bucket does: a delete marker on top, versions kept. Returns
   * the marker's version id.
   */
  remove(key: string): string {
    this.versionCount += 1;
    const marker = { versionId: `v${this.versionCount}` };
    this.objects.set(key, [...(this.objects.get(key) ?? []), marker]);
    return marker.versionId;
  }

  /**
   * Deletes one version for good (`delete-object --version-id`): an old version, the current
   * one (the one below comes back), or a delete marker (the delete is undone).
   */
  removeVersion(key: string, versionId: string): void {
    this.objects.set(
      key,
      (this.objects.get(key) ?? []).filter((version) => version.versionId !== versionId),
    );
  }

  async read(key: string, versionId?: string): Promise<Uint8Array | undefined> {
    return this.bytes(key, versionId);
  }

  private bytes(key: string, versionId?: string): Uint8Array | undefined {
    const version = this.version(key, versionId);
    if (!version || version.kept) return undefined;
    if (!version.body) {
      if (versionId) throw new MethodNotAllowedError('The specified method is not allowed');
      return undefined;
    }
    if (version.body.length > MAX_ARTICLE_BYTES) {
      const mib = (version.body.length / MAX_ARTICLE_BYTES).toFixed(2);
      throw new ArticleRejectedError('too-large', `file is ${mib} MiB; the limit is 1 MiB`);
    }
    return version.body.slice();
  }

  async inspect(
    key: string,
    versionId: string | undefined,
    headBytes: number,
  ): Promise<ObjectSummary | undefined> {
    const kept = this.version(key, versionId)?.kept;
    if (kept) return { ...kept, head: new Uint8Array(0) };
    const body = this.object(key, versionId);
    if (!body) return undefined;
    const version = this.version(key, versionId);
    const size = version?.size ?? body.length;
    return { size, etag: version?.etag ?? etagOf(body), head: body.slice(0, headBytes) };
  }

  private version(key: string, versionId?: string): Version | undefined {
    const versions = this.objects.get(key) ?? [];
    return versionId ? versions.find((v) => v.versionId === versionId) : versions.at(-1);
  }

  /** The bytes of that version (the current one without `versionId`), whatever their size. */
  object(key: string, versionId?: string): Uint8Array | undefined {
    return this.version(key, versionId)?.body?.slice();
  }

  async writeReport(report: IngestReport): Promise<void> {
    this.put(reportKey(report.key), `${JSON.stringify(report, null, 2)}\n`);
  }

  async writeFirstReport(report: IngestReport): Promise<boolean> {
    // As S3's `If-None-Match: *`: refused while a current version exists (not a delete marker).
    if (this.version(reportKey(report.key))?.body !== undefined) return false;
    await this.writeReport(report);
    return true;
  }

  /**
   * Lets go of a key's bytes, every version's, and its report: a one-shot build is done with an
   * upload once it is ingested. The file is still in the inbox, as the folder still holds it:
   * `inspect` answers for it (size and ETag, no bytes), so a later upload of the same bytes is
   * a copy of it, not the arriving half of a move.
   */
  forget(key: string): void {
    const versions = this.objects.get(key) ?? [];
    this.objects.set(
      key,
      versions.map(({ versionId, body, size, kept, etag }) => ({
        versionId,
        ...(body
          ? { kept: { size: size ?? body.length, etag: etag ?? etagOf(body) } }
          : kept
            ? { kept }
            : {}),
      })),
    );
    this.objects.delete(reportKey(key));
  }

  /** The report in the bucket for an object key, as an editor would read it. */
  report(key: string): IngestReport | undefined {
    const body = this.bytes(reportKey(key));
    return body ? JSON.parse(new TextDecoder().decode(body)) : undefined;
  }
}
