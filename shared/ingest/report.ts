/** What happened to one upload: written to `reports/<key>.json` and printed by the CLI. */

export type IngestStatus =
  | 'published'
  | 'updated'
  | 'unchanged'
  | 'draft'
  | 'scheduled'
  | 'rejected'
  | 'deleted'
  /** Processing kept failing (not the file's fault); the message went to the dead-letter queue. */
  | 'failed';

export interface IngestReport {
  key: string;
  versionId?: string;
  sequencer: string;
  eventTime: string;
  status: IngestStatus;
  id?: string;
  title?: string;
  /** Why it was rejected: what was wrong and where. */
  reason?: string;
  warnings: string[];
}

/** What the handler logs and counts for one event; `stale` and `duplicate` write nothing. */
export type IngestOutcome =
  | { kind: 'applied'; report: IngestReport }
  | { kind: 'stale'; key: string; sequencer: string }
  | { kind: 'duplicate'; key: string; sequencer: string; report?: IngestReport }
  | { kind: 'ignored'; key: string; why: string };

export function reportKey(objectKey: string): string {
  return `reports/${objectKey}.json`;
}
