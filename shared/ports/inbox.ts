import type { IngestReport } from '../contract/inbox.ts';

export interface ObjectSummary {
  size: number;
  /** Changes with the content (S3's ETag). */
  etag: string;
  head: Uint8Array;
}

/** The inbox bucket: the uploads, and the reports written beside them. */
export interface Inbox {
  /** The bytes of that version, or undefined when it no longer exists. */
  read(key: string, versionId?: string): Promise<Uint8Array | undefined>;
  writeReport(report: IngestReport): Promise<void>;
  /**
   * Writes the report only if the key has none yet (S3: `If-None-Match: *`), in one request;
   * false, writing nothing, when it has one.
   */
  writeFirstReport(report: IngestReport): Promise<boolean>;
  /**
   * A media upload's size, ETag and first `headBytes` bytes, without reading the rest; undefined
   * when that version no longer exists. `headBytes` 0 asks only whether it exists, and its size.
   */
  inspect(
    key: string,
    versionId: string | undefined,
    headBytes: number,
  ): Promise<ObjectSummary | undefined>;
}
