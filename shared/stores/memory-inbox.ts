import { createHash } from 'node:crypto';
import { MAX_ARTICLE_BYTES } from '../articles/decode.ts';
import { ArticleRejectedError } from '../articles/errors.ts';
import { type IngestReport, reportKey } from '../contract/inbox.ts';
import type { Inbox, ObjectSummary } from '../ports/inbox.ts';

/** One version of a key; a delete marker has no body. */
interface Version {
  versionId: string;
  body?: Uint8Array;
}

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

  /** Uploads a new version of `key`; returns its version id. */
  put(key: string, body: string | Uint8Array): string {
    this.versionCount += 1;
    const versionId = `v${this.versionCount}`;
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body.slice();
    this.objects.set(key, [...(this.objects.get(key) ?? []), { versionId, body: bytes }]);
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
    const versions = this.objects.get(key) ?? [];
    const version = versionId ? versions.find((v) => v.versionId === versionId) : versions.at(-1);
    if (!version) return undefined;
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
    const body = this.object(key, versionId);
    if (!body) return undefined;
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    return { size: body.length, etag, head: body.slice(0, headBytes) };
  }

  /** The bytes of that version (the current one without `versionId`), whatever their size. */
  object(key: string, versionId?: string): Uint8Array | undefined {
    const versions = this.objects.get(key) ?? [];
    const version = versionId ? versions.find((v) => v.versionId === versionId) : versions.at(-1);
    return version?.body?.slice();
  }

  async writeReport(report: IngestReport): Promise<void> {
    this.put(reportKey(report.key), `${JSON.stringify(report, null, 2)}\n`);
  }

  /** Drops a key and its report, every version: a one-shot build is done with an upload once it is ingested. */
  forget(key: string): void {
    this.objects.delete(key);
    this.objects.delete(reportKey(key));
  }

  /** The report in the bucket for an object key, as an editor would read it. */
  report(key: string): IngestReport | undefined {
    const body = this.bytes(reportKey(key));
    return body ? JSON.parse(new TextDecoder().decode(body)) : undefined;
  }
}
