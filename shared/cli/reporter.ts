import type { IngestOutcome } from '../ingest/outcome.ts';
import type { PublishResult } from '../publish/publish-changes.ts';

/** What `feedpub dev` and `feedpub build` print about the pipeline, one line per event. */

const LISTED_FILES = 6;

function stamp(now = new Date()): string {
  return now.toTimeString().slice(0, 8);
}

function line(status: string, text: string): string {
  return `${stamp()} ${status.padEnd(9)} ${printable(text)}`;
}

/**
 * Text from a file name or an upload (an S3 key may hold any character) as a terminal line:
 * control characters, line and paragraph separators and direction overrides written as
 * escapes (`\n`, `\u202e`), so a name cannot start a line of its own or turn a line around.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) =>
    c === '\n'
      ? '\\n'
      : c === '\t'
        ? '\\t'
        : c === '\r'
          ? '\\r'
          : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const UNPRINTABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Lines for one ingest outcome; stale and duplicate deliveries change nothing and print nothing. */
export function describeOutcome(outcome: IngestOutcome): string[] {
  if (outcome.kind === 'ignored') return [line('ignored', `${outcome.key}: ${outcome.why}`)];
  if (outcome.kind !== 'applied') return [];
  const r = outcome.report;
  const title = r.title ? `  "${r.title}"` : '';
  // A delete that made a held copy the story (a move whose copy came first): said as a move.
  const movedOn = outcome.also?.find((a) => a.status === 'moved' && a.movedFrom === r.key);
  const main = {
    published: `${r.key} → ${r.id ?? r.url}${title}`,
    updated: `${r.key} → ${r.id ?? r.url}${title}`,
    unchanged: `${r.key} (same content as before)`,
    draft: `${r.key} → ${r.id}${title} (draft: not published)`,
    scheduled: `${r.key} → ${r.id}${title} (published when its date comes)`,
    withdrawn: `${r.key} → ${r.id}${title} (withdrawn: out of every feed and listing)`,
    moved: `${r.key} → ${r.id}${title} (${r.movedFrom ? `moved from ${r.movedFrom}` : 'its id changed'}: same story${r.redirectedFrom ? `; ${r.redirectedFrom} redirects here` : ''})`,
    held: `${r.key}${title} (a copy of ${r.copyOf ?? 'another file'}: published when it changes, or as that story moved here when ${r.copyOf ?? 'that file'} is deleted)`,
    rejected: `${r.key}: ${r.reason ?? 'no reason given'}`,
    deleted: movedOn
      ? `${r.key} (its story moved to ${movedOn.key} → ${movedOn.id})`
      : `${r.key}${r.id ? ` (story ${r.id} deleted)` : ''}`,
    failed: `${r.key}: ${r.reason ?? 'processing failed'}`,
  }[r.status];
  return [line(r.status, main), ...r.warnings.map((w) => `${' '.repeat(19)}warning: ${w}`)];
}

/**
 * An upload at `articles/articles/…`: most likely the S3 layout copied into the inbox folder,
 * which stands for `articles/` already (its files are published a folder deeper than meant).
 */
export function nestedArticlesNote(outcome: IngestOutcome): string | undefined {
  if (outcome.kind !== 'applied' || !outcome.report.key.startsWith('articles/articles/'))
    return undefined;
  return `feedpub: note: ${outcome.report.key} is published a folder deep (the inbox folder is articles/ already): to publish it at ${outcome.report.key.slice('articles/'.length)}, move the files of inbox/articles/ up a level`;
}

function listed(paths: readonly string[]): string {
  const shown = paths.slice(0, LISTED_FILES).join(' ');
  const more = paths.length - LISTED_FILES;
  return more > 0 ? `${shown} … and ${more} more` : shown;
}

/** Lines for one publish batch; a batch that changed no file prints nothing. */
/** Lines for a run of the release schedule: each story released on its date, or expired. */
export function describeRelease(due: { released: string[]; expired: string[] }): string[] {
  return [
    ...due.released.map((id) => line('released', `${id} (its date came: published)`)),
    ...due.expired.map((id) => line('expired', `${id} (its expires date came: withdrawn)`)),
  ];
}

export function describePublish(result: PublishResult): string[] {
  const lines: string[] = [];
  const count = (n: number) => `${n} file${n === 1 ? '' : 's'}`;
  if (result.written.length > 0)
    lines.push(line('wrote', `${count(result.written.length)}: ${listed(result.written)}`));
  if (result.deleted.length > 0)
    lines.push(line('removed', `${count(result.deleted.length)}: ${listed(result.deleted)}`));
  for (const failure of result.failures) {
    const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
    const text = message.startsWith(failure.unit) ? message : `${failure.unit}: ${message}`;
    // The stream mapping retries the batch; a lasting failure is reported by onStreamFailure.
    lines.push(line('retrying', text));
  }
  return lines;
}

/**
 * "ingested 120/500" while a burst of uploads is being ingested: printed at most once a
 * second, and once when the burst is done. Bursts smaller than `minBurst` print nothing.
 */
export class Progress {
  private total = 0;
  private done = 0;
  private lastPrint = 0;

  constructor(
    private readonly print: (text: string) => void,
    private readonly options: { minBurst: number; everyMs: number } = {
      minBurst: 10,
      everyMs: 1000,
    },
  ) {}

  expect(count = 1): void {
    this.total += count;
  }

  complete(count = 1): void {
    this.done = Math.min(this.total, this.done + count);
    const finished = this.done >= this.total;
    const due = Date.now() - this.lastPrint >= this.options.everyMs;
    if (this.total >= this.options.minBurst && (finished || due)) {
      this.lastPrint = Date.now();
      this.print(line('progress', `ingested ${this.done}/${this.total}`));
    }
    if (finished) {
      this.total = 0;
      this.done = 0;
    }
  }
}
