import type { IngestReport } from '../contract/inbox.ts';

/** What the handler logs and counts for one event; `stale` and `duplicate` write nothing. */
export type IngestOutcome =
  | { kind: 'applied'; report: IngestReport }
  | { kind: 'stale'; key: string; sequencer: string }
  | { kind: 'duplicate'; key: string; sequencer: string; report?: IngestReport }
  | { kind: 'ignored'; key: string; why: string };
