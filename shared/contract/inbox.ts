import { createHash } from 'node:crypto';

/**
 * The inbox bucket as editors, the ingest function and the tools see it: where uploads go,
 * where reports appear and what a report holds, and how often a message is tried.
 */

/** Object key prefixes inside the inbox bucket. */
export const INBOX_PREFIX = {
  articles: 'articles/',
  reports: 'reports/',
} as const;

/** Deliveries of one ingest message before it is parked in the dead-letter queue. */
export const INGEST_MAX_RECEIVES = 5;

export type IngestStatus =
  | 'published'
  | 'updated'
  | 'unchanged'
  | 'draft'
  | 'scheduled'
  /** Taken down (`status: withdrawn`, or its `expires` has passed). */
  | 'withdrawn'
  /** The same bytes as another key's story: that story, moved here (`movedFrom`). */
  | 'moved'
  /**
   * The same bytes as a story whose file is still in the inbox (`copyOf`): a copy, not a new
   * story. It waits, published nowhere, until it changes (then it is a story of its own) or
   * that file is deleted (then it is that story, moved here).
   */
  | 'held'
  | 'rejected'
  | 'deleted'
  /** Processing kept failing (not the file's fault); the message went to the dead-letter queue. */
  | 'failed';

/** Why an upload could not become an article; stable codes for reports and metrics. */
export type RejectionReason =
  | 'empty'
  | 'binary'
  | 'too-large'
  | 'unsupported-type'
  | 'bad-encoding'
  | 'bad-front-matter'
  | 'bad-json'
  | 'bad-markdown'
  | 'invalid-field'
  | 'no-title'
  | 'bad-id'
  | 'bad-key'
  | 'too-complex'
  /** A media upload whose bytes are not what its extension says. */
  | 'bad-media';

/** What happened to one upload: written to `reports/<key>.json` and printed by the CLI. */
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
  /** A rejection's code (`bad-id`, `invalid-field`, …: README "Rejections"). */
  code?: RejectionReason;
  /** A move: the key the story came from. */
  movedFrom?: string;
  /**
   * A move of a story readers saw under another id: its old page (a site path), which now
   * redirects to the new one. None for a draft or scheduled story, or a file that keeps its id.
   */
  redirectedFrom?: string;
  /** A held copy (status `held`): the key whose story it has the bytes of. */
  copyOf?: string;
  /** A media file: the URL it is published at. */
  url?: string;
  warnings: string[];
}

/** S3's limit on an object key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/**
 * Where the report of `objectKey` is written: `reports/<key>.json`, or, when that would pass
 * S3's key limit (an upload key over ~1,011 bytes), `reports/long-keys/<sha256 of the key>.json`;
 * the report names its key inside either way. No upload key can land on a long-keys name:
 * every upload is under `articles/`.
 */
export function reportKey(objectKey: string): string {
  const plain = `${INBOX_PREFIX.reports}${objectKey}.json`;
  if (Buffer.byteLength(plain, 'utf8') <= MAX_KEY_BYTES) return plain;
  const hash = createHash('sha256').update(objectKey, 'utf8').digest('hex');
  return `${INBOX_PREFIX.reports}long-keys/${hash}.json`;
}
