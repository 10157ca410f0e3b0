import type { IngestReport } from '../contract/inbox.ts';

/** What the handler logs and counts for one event; `stale` and `duplicate` write nothing. */
export type IngestOutcome =
  | {
      kind: 'applied';
      report: IngestReport;
      /**
       * Reports of other keys this event settled: a deleted story's held copy that became it,
       * moved (its report rewritten). Logged and shown as their own outcomes.
       */
      also?: IngestReport[];
    }
  | { kind: 'stale'; key: string; sequencer: string }
  | { kind: 'duplicate'; key: string; sequencer: string; report?: IngestReport }
  | { kind: 'ignored'; key: string; why: string };
