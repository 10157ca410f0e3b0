import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ArticleRejectedError } from '../articles/errors.ts';
import { checkMedia, MEDIA_SNIFF_BYTES } from '../articles/media.ts';
import { eachLimited } from '../concurrency/each-limited.ts';
import { isMediaKey } from '../contract/media.ts';
import type { IngestOutcome } from '../ingest/outcome.ts';
import {
  copyInboxFile,
  type FileHead,
  type InboxFile,
  keyForPath,
  listInbox,
  type MediaFileSummary,
  readInboxFile,
  readInboxFileHead,
  type SkippedEntry,
  summarizeInboxFile,
} from '../local/inbox-files.ts';
import { OneShotBuild } from '../local/one-shot.ts';
import { exportSite } from '../local/site-export.ts';
import { checkInbox, prepareJsonTarget, prepareOut } from './build-folders.ts';
import {
  type BuildInput,
  type BuildSummary,
  countVerdicts,
  describeSummary,
  summarize,
} from './build-summary.ts';
import { CliError } from './errors.ts';
import { PLACEHOLDER_SITE_URL, siteConfig } from './options.ts';
import { Progress, printable } from './reporter.ts';
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
}

/** The `--json` summary: `skipped` lists the links and special files that were not read. */
type BuildReport = BuildSummary & { skipped: { file: string; reason: string }[] };

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function describeSkipped(skipped: readonly SkippedEntry[]): string[] {
  if (skipped.length === 0) return [];
  return [
    `${plural(skipped.length, 'entry', 'entries')} skipped, not read:`,
    ...skipped.map(({ path, reason }) => `  skipped   ${printable(path)}: ${reason}`),
  ];
}

/** Exit codes: 0 built (rejections included), 1 `--strict` and something was rejected, 2 the pipeline failed. */
export const EXIT = { ok: 0, rejected: 1, pipelineFailed: 2 } as const;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * `feedpub build`: every file of the inbox folder through ingest and publish, in this process
 * (OneShotBuild), the site written to `out`, a summary with one entry per file.
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
    const now = buildTime();
    const run = new OneShotBuild({
      site: siteConfig(options.siteUrl, options.itemLimit, options.hub),
      now: () => now,
    });
    resources.add(() => run.close());
    startupDone();
    const outcomes = new Map<string, IngestOutcome>();
    const progress = new Progress((text) => console.log(text));
    progress.expect(files.length);
    const inputs: (BuildInput & { source: InboxFile })[] = files.map((f) => ({
      file: f.path,
      key: keyForPath(f.path),
      source: f,
    }));
    const ingest = async (input: (typeof inputs)[number], after?: Promise<unknown>) => {
      try {
        const refused = isMediaKey(input.key) && (await refusedByItsHead(inbox, input));
        const media = isMediaKey(input.key) && !refused && (await summarizedMedia(inbox, input));
        const outcome = refused
          ? await run.ingest(input.key, refused.head, after, refused.size)
          : media
            ? await run.ingest(input.key, media.head, after, media.size, undefined, {
                etag: media.etag,
                copy: (target) => copyInboxFile(inbox, input.source, media.etag, target),
              })
            : await run.ingest(
                input.key,
                await readInboxFile(inbox, input.source),
                after,
                undefined,
                // Uploaded when last modified: a story without a `date` keeps one from build to
                // build, and so do its archive pages.
                new Date(input.source.mtimeMs),
              );
        outcomes.set(input.key, outcome);
      } catch (error) {
        input.error = messageOf(error);
      }
      progress.complete();
    };
    // Media first, so that each article finds the files it names published, or rejected and why.
    await eachLimited(
      inputs.filter((input) => isMediaKey(input.key)),
      16,
      (input) => ingest(input),
    );
    // Then the articles, uploaded in path order: a file with the same bytes as one before it is
    // a copy of that one, held, as the lifecycle says of a copy whose original is still there;
    // a file whose id (its path's, `quay.md` and `quay.txt`, or its own `id`) one before it has
    // is refused it. Up to 16 are read and parsed at once, and each is decided after the ones
    // before it, so which is which never depends on timing.
    let before: Promise<unknown> = Promise.resolve();
    await eachLimited(
      inputs.filter((input) => !isMediaKey(input.key)),
      16,
      (input) => {
        const after = before;
        const done = ingest(input, after);
        before = Promise.all([after, done]);
        return done;
      },
    );
    const published = await run.publish();
    const publishFailures = published.failures.map(
      ({ unit, error }) => `${unit}: ${messageOf(error)}`,
    );

    const verdicts = summarize(inputs, outcomes);
    let written: string[];
    try {
      written = exportSite(run.bucket, out, run.media);
    } catch (error) {
      // A media file changed or went while the site was built (it is copied at the end).
      console.error(`feedpub: writing the site to ${out} failed: ${messageOf(error)}`);
      return EXIT.pipelineFailed;
    }
    const summary: BuildReport = {
      files: verdicts,
      skipped: skipped.map(({ path, reason }) => ({ file: path, reason })),
      ...countVerdicts(verdicts),
      written,
    };
    if (json) await writeFile(json, `${JSON.stringify(summary, null, 2)}\n`);

    for (const text of describeSummary(summary.files)) console.log(text);
    for (const text of describeSkipped(skipped)) console.log(text);
    console.log(`Wrote ${summary.written.length} site files to ${out}`);
    if (json) console.log(`Summary: ${json}`);
    for (const failure of publishFailures) console.error(`feedpub: publishing failed: ${failure}`);

    const failed = publishFailures.length > 0 || summary.failed > 0;
    if (failed) {
      console.error('feedpub: the pipeline failed for some files (see "error" above)');
      return EXIT.pipelineFailed;
    }
    if (options.strict && summary.rejected > 0) {
      console.error('feedpub: --strict: some articles were rejected');
      return EXIT.rejected;
    }
    return EXIT.ok;
  } finally {
    startupDone();
    await resources.stopAll();
  }
}

/**
 * A media file to publish, read a megabyte at a time for its ETag and kept as its first bytes
 * and where it is: its copy into the site is made from the file (exportSite), so a video
 * archive larger than memory builds. Files of a few bytes past the sniffed head are the
 * same either way.
 */
async function summarizedMedia(
  inbox: string,
  input: { key: string; source: InboxFile },
): Promise<MediaFileSummary | false> {
  const summary = await summarizeInboxFile(inbox, input.source, MEDIA_SNIFF_BYTES);
  return summary.size > summary.head.length ? summary : false;
}

/**
 * A media file's size and first bytes when ingest refuses it on those alone (too large for its
 * kind, not its type, a type never published): it is ingested from them, and its other bytes
 * (up to gigabytes of video) are never read. Else none: it is read whole.
 */
async function refusedByItsHead(
  inbox: string,
  input: { key: string; source: InboxFile },
): Promise<FileHead | false> {
  const head = await readInboxFileHead(inbox, input.source, MEDIA_SNIFF_BYTES);
  try {
    checkMedia(input.key, head.size, head.head);
    return false;
  } catch (error) {
    if (error instanceof ArticleRejectedError) return head;
    throw error;
  }
}

/**
 * The build's clock: SOURCE_DATE_EPOCH (seconds, the reproducible-builds convention) when set,
 * so the same files and that time give the same site byte for byte; else the current time.
 */
function buildTime(): Date {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === '') return new Date();
  if (!/^\d{1,12}$/.test(epoch))
    throw new CliError(`SOURCE_DATE_EPOCH must be whole seconds since 1970, not "${epoch}"`);
  return new Date(Number(epoch) * 1000);
}
