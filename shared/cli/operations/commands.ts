import type { RepublishEvent, RepublishSummary } from '../../contract/event-sources.ts';
import { CliError } from '../errors.ts';
import {
  ARTICLE_STATUSES,
  type Operations,
  type PublishDeadLetter,
  type QueueDepth,
  type StoredReport,
  type StreamRange,
} from './operations.ts';

/** `feedpub status`, `reports`, `redrive` and `republish` on the operations port. */

type Print = (line: string) => void;

const QUEUE_LABEL: Record<QueueDepth['role'], string> = {
  ingest: 'ingest queue',
  'ingest-dlq': 'ingest DLQ',
  'publish-dlq': 'publish DLQ',
  'hub-notice-dlq': 'hub notice DLQ',
};

export function formatAge(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${Math.round(seconds % 60)}s`;
  if (seconds < 86_400)
    return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86_400)}d ${Math.floor((seconds % 86_400) / 3600)}h`;
}

export interface StatusOptions {
  json: boolean;
  /** Article items scanned at most. */
  scanLimit: number;
  /** Newest reports read at most. */
  reportLimit: number;
  now?: Date;
}

export async function status(ops: Operations, o: StatusOptions, print: Print): Promise<number> {
  const [articles, reports, lastPublish, queues] = await Promise.all([
    ops.countArticles(o.scanLimit),
    ops.listReports(o.reportLimit),
    ops.lastPublish(),
    ops.queues(),
  ]);
  const rejected = reports.reports.filter((r) => r.status === 'rejected').length;
  const now = o.now ?? new Date();
  if (o.json) {
    print(
      JSON.stringify(
        {
          target: ops.target,
          articles: { ...articles.counts, scanned: articles.scanned, complete: articles.complete },
          rejected: {
            count: rejected,
            reportsRead: reports.reports.length,
            reports: reports.total,
          },
          lastPublish: lastPublish?.toISOString() ?? null,
          // Every field in every entry, null when unknown (a script need not test for absence).
          queues: queues.map((q) => ({ ...q, oldestAgeSeconds: q.oldestAgeSeconds ?? null })),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  const counts = ARTICLE_STATUSES.map((s) => `${s} ${articles.counts[s]}`).join('   ');
  const partial = articles.complete
    ? ''
    : ` (first ${articles.scanned} articles only: --scan-limit)`;
  const ofReports =
    reports.reports.length < reports.total
      ? ` (in the newest ${reports.reports.length} of ${reports.total} reports)`
      : '';
  const published = lastPublish
    ? `${lastPublish.toISOString()} (${formatAge((now.getTime() - lastPublish.getTime()) / 1000)} ago)`
    : 'never';
  print(`feedpub status: ${ops.target}`);
  print(`  articles      ${counts}${partial}`);
  print(`  rejected      ${rejected}${ofReports}`);
  print(`  last publish  ${published}`);
  print('');
  print(
    `  ${'queue'.padEnd(14)}${'waiting'.padStart(9)}${'in flight'.padStart(11)}${'oldest'.padStart(10)}`,
  );
  for (const q of queues)
    print(
      `  ${QUEUE_LABEL[q.role].padEnd(14)}${String(q.waiting).padStart(9)}${String(q.inFlight).padStart(11)}${formatAge(q.oldestAgeSeconds).padStart(10)}`,
    );
  return 0;
}

export interface ReportsOptions {
  json: boolean;
  rejected: boolean;
  limit: number;
}

export async function reports(ops: Operations, o: ReportsOptions, print: Print): Promise<number> {
  const list = await ops.listReports(o.limit);
  const shown = o.rejected ? list.reports.filter((r) => r.status === 'rejected') : list.reports;
  if (o.json) {
    print(
      JSON.stringify(
        shown.map((r) => ({ ...r, written: r.written.toISOString() })),
        null,
        2,
      ),
    );
    return 0;
  }
  if (shown.length === 0) {
    print(o.rejected ? 'No rejected uploads.' : 'No reports yet.');
    return 0;
  }
  for (const r of shown) print(describeReport(r));
  if (list.reports.length < list.total)
    print(`(the newest ${list.reports.length} of ${list.total} reports; more with --limit)`);
  return 0;
}

function describeReport(r: StoredReport): string {
  const lines = [`${r.written.toISOString()}  ${r.status.padEnd(9)}  ${r.key}`];
  if (r.reason) lines.push(`    reason: ${r.reason}`);
  for (const w of r.warnings) lines.push(`    warning: ${w}`);
  return lines.join('\n');
}

export async function republish(
  ops: Operations,
  o: { all: boolean; ids: readonly string[] },
  print: Print,
): Promise<number> {
  if (o.all && o.ids.length > 0)
    throw new CliError('name the articles to republish (ids…) or pass --all, not both');
  if (!o.all && o.ids.length === 0)
    throw new CliError('name the articles to republish (ids…), or pass --all for every one');
  const event: RepublishEvent = o.all
    ? { feedpub: 'republish', all: true }
    : { feedpub: 'republish', ids: [...new Set(o.ids)] };
  const summary = await republishToTheEnd(ops, event);
  const missing = new Set(summary.notFound);
  const found = (event.ids ?? []).filter((id) => !missing.has(id));
  if (event.all) print(`Republished every article: ${describeRepublished(summary)}.`);
  else if (found.length > 0)
    print(
      `Republished ${found.length} article(s): ${found.join(', ')} (${describeRepublished(summary)}).`,
    );
  if (summary.notFound.length > 0)
    print(`Not in the table, nothing republished: ${summary.notFound.join(', ')}`);
  if (summary.pending) print(pendingNote(summary.pending));
  return summary.notFound.length > 0 ? 1 : 0;
}

/**
 * The republish request, and again with the ids it had no time for (RepublishSummary.remaining)
 * until none is left: one invocation renders what fits in its timeout. The counts add up.
 */
async function republishToTheEnd(
  ops: Operations,
  event: RepublishEvent,
): Promise<RepublishSummary> {
  let summary = await ops.republish(event);
  while (summary.pending === 'out of time' && summary.remaining?.length) {
    const next = await ops.republish({ feedpub: 'republish', ids: summary.remaining });
    summary = {
      ...next,
      articles: summary.articles + next.articles,
      written: summary.written + next.written,
      deleted: summary.deleted + next.deleted,
      unchanged: summary.unchanged + next.unchanged,
      notFound: [...summary.notFound, ...next.notFound],
    };
  }
  return summary;
}

/** `3 articles rendered, 12 files written, 0 removed, 40 unchanged`. */
function describeRepublished(s: RepublishSummary): string {
  const n = (count: number, one: string, many = `${one}s`) =>
    `${count} ${count === 1 ? one : many}`;
  return `${n(s.articles, 'article')} rendered, ${n(s.written, 'file')} written, ${s.deleted} removed, ${s.unchanged} unchanged`;
}

function pendingNote(pending: NonNullable<RepublishSummary['pending']>): string {
  return pending === 'another publisher'
    ? 'Another publisher is republishing the site: it renders everything (nothing more to do).'
    : `Not finished (${pending}): the schedule's next tick goes on from where this stopped.`;
}

/** The stream range a publish dead letter names (Lambda's on-failure record), if it is one. */
export function streamRangeOf(body: string): StreamRange | undefined {
  try {
    const info = (JSON.parse(body) as { DDBStreamBatchInfo?: Partial<StreamRange> })
      .DDBStreamBatchInfo;
    if (info?.streamArn && info.shardId && info.startSequenceNumber && info.endSequenceNumber)
      return info as StreamRange;
  } catch {
    // Not JSON: not Lambda's record.
  }
  return undefined;
}

export async function redrive(
  ops: Operations,
  o: { dryRun: boolean },
  print: Print,
): Promise<number> {
  const moved = await ops.redriveIngest(o.dryRun);
  print(
    o.dryRun
      ? `ingest DLQ: ${moved} message(s) would go back to the ingest queue`
      : `ingest DLQ: ${moved} message(s) sent back to the ingest queue`,
  );
  const letters = await ops.receivePublishDeadLetters();
  if (letters.length === 0) {
    print('publish DLQ: empty');
    return 0;
  }
  const { event, used, unknown } = await republishEventOf(ops, letters);
  for (const letter of unknown)
    print(`publish DLQ: left a message that names no stream batch: ${letter.body.slice(0, 200)}`);
  if (!event) return unknown.length > 0 ? 1 : 0;
  const what = event.all
    ? 'every article (the stream records have expired)'
    : `${event.ids?.length} article(s): ${event.ids?.join(', ')}`;
  if (o.dryRun) {
    print(`publish DLQ: ${used.length} batch(es) would be republished as ${what}`);
    return 0;
  }
  const summary = await republishToTheEnd(ops, event);
  await ops.deletePublishDeadLetters(used);
  print(
    `publish DLQ: ${used.length} batch(es) republished as ${what} (${describeRepublished(summary)}), and deleted`,
  );
  if (summary.pending) print(pendingNote(summary.pending));
  return unknown.length > 0 ? 1 : 0;
}

/**
 * One RepublishEvent for every batch the letters name: their article ids read back from the
 * stream, or every article once any batch's records are gone (kept 24 h).
 */
async function republishEventOf(ops: Operations, letters: readonly PublishDeadLetter[]) {
  const used: PublishDeadLetter[] = [];
  const unknown: PublishDeadLetter[] = [];
  const ids = new Set<string>();
  let expired = false;
  for (const letter of letters) {
    const range = streamRangeOf(letter.body);
    if (!range) {
      unknown.push(letter);
      continue;
    }
    used.push(letter);
    const found = await ops.idsInStreamRange(range);
    if (found === undefined) expired = true;
    else for (const id of found) ids.add(id);
  }
  let event: RepublishEvent | undefined;
  if (expired) event = { feedpub: 'republish', all: true };
  else if (used.length > 0) event = { feedpub: 'republish', ids: [...ids].sort() };
  return { event, used, unknown };
}
