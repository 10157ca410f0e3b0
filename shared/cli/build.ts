import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { eachLimited } from '../concurrency/each-limited.ts';
import type { IngestOutcome } from '../ingest/outcome.ts';
import { startEmbeddedAws } from '../local/embedded-aws.ts';
import {
  type InboxFile,
  keyForPath,
  listInbox,
  putInboxObject,
  readInboxFile,
  type SkippedEntry,
} from '../local/inbox-files.ts';
import { startPipeline } from '../local/pipeline.ts';
import { exportSite } from '../local/site-export.ts';
import { checkInbox, prepareJsonTarget, prepareOut } from './build-folders.ts';
import { type BuildInput, type BuildSummary, describeSummary, summarize } from './build-summary.ts';
import { deadLetterKeys } from './dead-letters.ts';
import { CliError } from './errors.ts';
import { PLACEHOLDER_SITE_URL, siteConfig } from './options.ts';
import { Progress } from './reporter.ts';
import { Resources, stopOnSignals } from './shutdown.ts';

export interface BuildOptions {
  inbox: string;
  out: string;
  json?: string;
  siteUrl: string;
  itemLimit?: number;
  hub?: readonly string[];
  strict: boolean;
  clean: boolean;
  s3Port?: number;
  dynamoPort?: number;
}

/** The `--json` summary: `skipped` lists the links and special files that were not read. */
type BuildReport = BuildSummary & { skipped: { file: string; reason: string }[] };

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function describeSkipped(skipped: readonly SkippedEntry[]): string[] {
  if (skipped.length === 0) return [];
  return [
    `${plural(skipped.length, 'entry', 'entries')} skipped, not read:`,
    ...skipped.map(({ path, reason }) => `  skipped   ${path}: ${reason}`),
  ];
}

/** Exit codes: 0 built (rejections included), 1 `--strict` and something was rejected, 2 the pipeline failed. */
export const EXIT = { ok: 0, rejected: 1, pipelineFailed: 2 } as const;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * `feedpub build`: every file of the inbox folder through the real pipeline on throwaway
 * emulators, the site bucket copied to `out`, a summary with one entry per file.
 */
export async function build(options: BuildOptions): Promise<number> {
  const inbox = resolve(options.inbox);
  const out = resolve(options.out);
  const json = options.json ? resolve(options.json) : undefined;
  checkInbox(inbox);
  prepareOut(out, inbox, options.clean);
  if (json) prepareJsonTarget(json);
  const { files, skipped } = await listInbox(inbox);
  if (files.length === 0) {
    const only = skipped.length > 0 ? ` (only links or special files, which are skipped)` : '';
    throw new CliError(
      `the inbox folder ${inbox} holds no files${only}: add .txt, .md or .json articles`,
    );
  }

  const resources = new Resources();
  let startupDone = () => {};
  const started = new Promise<void>((done) => {
    startupDone = done;
  });
  stopOnSignals({ started: () => started, stop: () => resources.stopAll(), exitCode: 130 });
  const skips = skipped.length > 0 ? ` (${skipped.length} skipped, listed at the end)` : '';
  console.log(`feedpub build: ${plural(files.length, 'file', 'files')} from ${inbox}${skips}`);
  if (options.siteUrl === PLACEHOLDER_SITE_URL)
    console.log(`note: links use the placeholder ${PLACEHOLDER_SITE_URL}; pass --site-url`);
  try {
    const aws = await startEmbeddedAws({
      s3Port: options.s3Port,
      dynamoPort: options.dynamoPort,
      handleSignals: false,
    });
    resources.add(aws.stop);
    const outcomes = new Map<string, IngestOutcome>();
    const streamFailures: string[] = [];
    const progress = new Progress((text) => console.log(text));
    progress.expect(files.length);
    const pipeline = await startPipeline({
      aws,
      site: siteConfig(options.siteUrl, options.itemLimit, options.hub),
      releaseIntervalMs: 0,
      onIngest: (outcome) => {
        if (outcome.kind === 'applied') outcomes.set(outcome.report.key, outcome);
        else if (outcome.kind !== 'stale') outcomes.set(outcome.key, outcome);
        progress.complete();
      },
      onStreamFailure: (records, error) => {
        if (records.length > 0) streamFailures.push(messageOf(error));
      },
    });
    resources.add(pipeline.stop);
    startupDone();

    const inputs: (BuildInput & { source: InboxFile })[] = files.map((f) => ({
      file: f.path,
      key: keyForPath(f.path),
      source: f,
    }));
    await eachLimited(inputs, 8, async (input) => {
      try {
        const body = await readInboxFile(inbox, input.source);
        await putInboxObject(aws.s3, aws.names.inboxBucket, input.key, body);
      } catch (error) {
        input.uploadError = messageOf(error);
        progress.complete();
      }
    });
    await pipeline.settle();

    const deadKeys = deadLetterKeys(pipeline.queue.deadLetters.map((d) => d.body));
    const summary: BuildReport = {
      articles: summarize(inputs, outcomes, deadKeys),
      skipped: skipped.map(({ path, reason }) => ({ file: path, reason })),
      files: await exportSite(aws.s3, aws.names.siteBucket, out),
    };
    if (json) await writeFile(json, `${JSON.stringify(summary, null, 2)}\n`);

    for (const text of describeSummary(summary.articles)) console.log(text);
    for (const text of describeSkipped(skipped)) console.log(text);
    console.log(`Wrote ${summary.files.length} site files to ${out}`);
    if (json) console.log(`Summary: ${json}`);
    for (const failure of streamFailures) console.error(`feedpub: publishing failed: ${failure}`);

    const failed =
      streamFailures.length > 0 ||
      deadKeys.size > 0 ||
      summary.articles.some((a) => a.status === 'error');
    if (failed) {
      console.error('feedpub: the pipeline failed for some files (see "error" above)');
      return EXIT.pipelineFailed;
    }
    if (options.strict && summary.articles.some((a) => a.status === 'rejected')) {
      console.error('feedpub: --strict: some articles were rejected');
      return EXIT.rejected;
    }
    return EXIT.ok;
  } finally {
    startupDone();
    await resources.stopAll();
  }
}
