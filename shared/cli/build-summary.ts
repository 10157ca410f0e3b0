import type { IngestStatus, RejectionReason } from '../contract/inbox.ts';
import type { IngestOutcome } from '../ingest/outcome.ts';
import { printable } from './reporter.ts';

/** The JSON summary `feedpub build --json` writes, and its short human form. */

export interface SummaryEntry {
  /** Path relative to the inbox folder. */
  file: string;
  key: string;
  /** `error`: the pipeline produced no report for this file (see `reason`). */
  status: IngestStatus | 'error';
  id: string | null;
  title: string | null;
  /** Rejected (or `error`): what was wrong and where, as the upload's report says it. */
  reason: string | null;
  /** A rejection's code (`bad-id`, `invalid-field`, …), as the report carries it. */
  code: RejectionReason | null;
  /** `held`: the key whose story this file is a copy of. */
  copyOf: string | null;
  /** `moved`: the key the story came from. */
  movedFrom: string | null;
  warnings: string[];
}

/**
 * What `--json` writes. Named as `feedpub validate --json` names its answer: `files` holds one
 * verdict per input file, `accepted` and `rejected` count them; `written` is the built site.
 */
export interface BuildSummary {
  files: SummaryEntry[];
  /** Input files taken in (published, draft, scheduled, held, …), and refused (see `reason`). */
  accepted: number;
  rejected: number;
  /** Files the pipeline could not read or ingest (status `error`). */
  failed: number;
  /** Every file of the built site, relative to the output folder. */
  written: string[];
}

/** `accepted`, `rejected` and `failed` of a build's verdicts. */
export function countVerdicts(
  entries: readonly SummaryEntry[],
): Pick<BuildSummary, 'accepted' | 'rejected' | 'failed'> {
  const rejected = entries.filter((entry) => entry.status === 'rejected').length;
  const failed = entries.filter((entry) => entry.status === 'error').length;
  return { accepted: entries.length - rejected - failed, rejected, failed };
}

export interface BuildInput {
  file: string;
  key: string;
  /** Why the file could not be read or ingested (not a rejection: those have a report). */
  error?: string;
}

/** One entry per input file, from the last outcome seen for its key. */
export function summarize(
  inputs: readonly BuildInput[],
  outcomes: ReadonlyMap<string, IngestOutcome>,
): SummaryEntry[] {
  return inputs.map(({ file, key, error }) => {
    const outcome = outcomes.get(key);
    const report =
      outcome?.kind === 'applied' || outcome?.kind === 'duplicate' ? outcome.report : undefined;
    if (report) {
      return {
        file,
        key,
        status: report.status,
        id: report.id ?? null,
        title: report.title ?? null,
        reason: report.reason ?? null,
        code: report.code ?? null,
        copyOf: report.copyOf ?? null,
        movedFrom: report.movedFrom ?? null,
        warnings: report.warnings,
      };
    }
    const reason = error
      ? `could not be ingested: ${error}`
      : outcome?.kind === 'ignored'
        ? `ignored by ingest: ${outcome.why}`
        : 'the pipeline produced no report for this file';
    return {
      file,
      key,
      status: 'error',
      id: null,
      title: null,
      reason,
      code: null,
      copyOf: null,
      movedFrom: null,
      warnings: [],
    };
  });
}

const STATUS_ORDER: readonly SummaryEntry['status'][] = [
  'published',
  'updated',
  'unchanged',
  'draft',
  'scheduled',
  'withdrawn',
  'moved',
  'held',
  'deleted',
  'rejected',
  'error',
];

/** "7 files: 5 published, 2 rejected", then one line per rejected or failed file. */
export function describeSummary(entries: readonly SummaryEntry[]): string[] {
  const tally = STATUS_ORDER.map((status) => {
    const n = entries.filter((e) => e.status === status).length;
    return n > 0 ? `${n} ${status}` : '';
  })
    .filter(Boolean)
    .join(', ');
  const lines = [`${entries.length} file${entries.length === 1 ? '' : 's'}: ${tally}`];
  for (const entry of entries) {
    if (entry.status === 'rejected' || entry.status === 'error')
      lines.push(`  ${entry.status.padEnd(8)}  ${printable(entry.file)}: ${entry.reason}`);
  }
  // What was published with a problem (a media file it names that is not there, a field it
  // ignored), as validate says it: a build of thousands names the first WARNINGS_SHOWN.
  const warnings = entries.flatMap((entry) =>
    entry.warnings.map((warning) => `  warning   ${printable(entry.file)}: ${warning}`),
  );
  lines.push(...warnings.slice(0, WARNINGS_SHOWN));
  if (warnings.length > WARNINGS_SHOWN)
    lines.push(
      `  … and ${warnings.length - WARNINGS_SHOWN} more warnings (--json lists every file's)`,
    );
  return lines;
}

/** Warning lines a build prints at most; `--json` has them all. */
export const WARNINGS_SHOWN = 50;
