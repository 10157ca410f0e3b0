import type { IngestReport } from '../../../shared/contract/inbox.ts';
import type { ObjectEvent } from '../../../shared/ingest/object-event.ts';
import { MemoryInbox } from '../../../shared/stores/memory-inbox.ts';
import { InMemoryArticleTable } from './article-store.ts';

export { MethodNotAllowedError } from '../../../shared/stores/memory-inbox.ts';

/**
 * The product's in-memory inbox (shared/stores/memory-inbox.ts) with a hook on reads, and every
 * report written kept in `reports` for assertions.
 */
export class InMemoryInbox extends MemoryInbox {
  readonly reports: IngestReport[] = [];

  /** Runs before each read: it may throw (S3 down) or change the bucket. */
  beforeRead?: (key: string, versionId: string | undefined) => void | Promise<void>;

  override async read(key: string, versionId?: string): Promise<Uint8Array | undefined> {
    await this.beforeRead?.(key, versionId);
    return super.read(key, versionId);
  }

  override async writeReport(report: IngestReport): Promise<void> {
    await super.writeReport(report);
    this.reports.push(JSON.parse(JSON.stringify(report)));
  }
}

/**
 * What ingest needs, in memory: the test table and inbox, the site URL, and a fixed clock
 * (2026-06-01) deciding scheduled or live.
 */
export function memoryIngestDeps() {
  const store = new InMemoryArticleTable();
  const inbox = new InMemoryInbox();
  const deps = {
    store,
    inbox,
    siteUrl: 'https://news.example.com/',
    now: () => new Date('2026-06-01T00:00:00.000Z'),
  };
  return { store, inbox, deps };
}

/**
 * S3 events of the inbox in the order they are made: each a sequencer after the last (one
 * bucket, one clock), as S3 would give a key's creates and deletes.
 */
export function objectEvents() {
  let sequence = 0;
  return (kind: 'created' | 'removed', key: string, versionId?: string): ObjectEvent => {
    sequence += 1;
    const sequencer = String(sequence).padStart(6, '0');
    const eventTime = '2026-01-05T10:00:00.000Z';
    return kind === 'created'
      ? { kind, bucket: 'inbox', key, versionId: versionId ?? '', sequencer, eventTime }
      : { kind, bucket: 'inbox', key, sequencer, eventTime };
  };
}
