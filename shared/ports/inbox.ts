import type { IngestReport } from '../contract/inbox.ts';

/** The inbox bucket: the uploads, and the reports written beside them. */
export interface Inbox {
  /** The bytes of that version, or undefined when it no longer exists. */
  read(key: string, versionId?: string): Promise<Uint8Array | undefined>;
  writeReport(report: IngestReport): Promise<void>;
}
