import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isIgnoredName } from '../local/inbox-files.ts';
import type { DeadLetter } from '../local/local-queue.ts';
import { CliError } from './errors.ts';
import { overlap, realPath } from './folder-paths.ts';
import { isAlive } from './shutdown.ts';

/** The two folders `feedpub dev` works in: the data folder (state) and the inbox folder. */

/** One sample of each format, copied into a new inbox under these names. */
const SAMPLES: Record<string, URL> = {
  'libya-ratifies-turkey-deal.txt': new URL('./sample-article.txt', import.meta.url),
  'harbour-works.md': new URL('./sample-article.md', import.meta.url),
  'night-trains.json': new URL('./sample-article.json', import.meta.url),
};
export const MIRROR_MANIFEST = 'inbox-mirror.json';
const SITE_FILE = 'site.json';
/** The process id of the `feedpub dev` using a data folder, while it runs. */
export const DEV_PID_FILE = 'dev.pid';
/** Where a running `feedpub dev` takes operator commands (operations/dev-control.ts). */
export const DEV_CONTROL_FILE = 'dev-control.json';
/** The ingest queue, kept between runs as SQS keeps one (see keepQueue in dev.ts). */
export const QUEUE_FILE = 'ingest-queue.json';
/** What feedpub writes into a data folder; --fresh deletes nothing else. */
const OWN_ENTRIES = new Set([
  's3',
  'dynamodb',
  MIRROR_MANIFEST,
  `${MIRROR_MANIFEST}.tmp`,
  SITE_FILE,
  DEV_PID_FILE,
  DEV_CONTROL_FILE,
  QUEUE_FILE,
  `${QUEUE_FILE}.tmp`,
]);

function fsProblem(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

/**
 * The inbox and the data folder may not overlap: the mirror would upload the database, and
 * --fresh would delete the articles. Checked on real paths, before anything starts. One
 * exception: a data folder inside the inbox under a hidden name (`--inbox .` with the default
 * `./.feedpub`), which the mirror never reads.
 */
export function checkFoldersApart(inbox: string, dataDir: string): void {
  const shown = (option: string, path: string) => {
    const real = realPath(path);
    return `${option} ${path}${real === path ? '' : ` (really ${real})`}`;
  };
  const how = overlap(inbox, dataDir);
  if (!how) return;
  if (
    how === 'b-in-a' &&
    relative(realPath(inbox), realPath(dataDir)).split(sep).some(isIgnoredName)
  )
    return;
  const [a, b] = [shown('--inbox', inbox), shown('--data-dir', dataDir)];
  const relation = {
    same: `${a} and ${b} are the same folder`,
    'a-in-b': `${a} is inside ${b}`,
    'b-in-a': `${b} is inside ${a}`,
  }[how];
  throw new CliError(
    `${relation}: keep the inbox and the data folder apart (neither inside the other)`,
  );
}

/** Creates the data folder; with `fresh`, deletes it first (only if feedpub wrote all of it). */
export function prepareDataDir(dir: string, fresh: boolean): void {
  if (fresh && existsSync(dir)) {
    const foreign = readdirSync(dir).filter((name) => !OWN_ENTRIES.has(name));
    if (foreign.length > 0) {
      throw new CliError(
        `--fresh would delete ${dir}, which holds ${foreign.slice(0, 3).join(', ')} that feedpub did not write: point --data-dir at a folder of feedpub's own, or empty it yourself`,
      );
    }
    rmSync(dir, { recursive: true, force: true });
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new CliError(
      `cannot create the data folder ${dir} (${fsProblem(error)}): choose another with --data-dir`,
      { cause: error },
    );
  }
}

/** Creates a missing inbox folder with a sample article of each format; returns true if it did. */
export function ensureInbox(dir: string): boolean {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory())
      throw new CliError(`the inbox ${dir} is a file, not a folder: choose a folder with --inbox`);
    return false;
  }
  try {
    mkdirSync(dir, { recursive: true });
    for (const [name, source] of Object.entries(SAMPLES)) copyFileSync(source, join(dir, name));
  } catch (error) {
    throw new CliError(
      `cannot create the inbox folder ${dir} (${fsProblem(error)}): choose another with --inbox`,
      { cause: error },
    );
  }
  return true;
}

/**
 * Records the site URL the stored articles were rendered with; returns the previous one when
 * it differs (their links keep the old URL until they are ingested again).
 */
export function rememberSiteUrl(dataDir: string, url: string): string | undefined {
  const path = join(dataDir, SITE_FILE);
  let previous: string | undefined;
  try {
    previous = (JSON.parse(readFileSync(path, 'utf8')) as { url?: string }).url;
  } catch {
    previous = undefined;
  }
  writeFileSync(path, `${JSON.stringify({ url })}\n`);
  return previous && previous !== url ? previous : undefined;
}

/**
 * Refuses a data folder another live `feedpub dev` uses: two would share one DynamoDB Local
 * file and one S3 folder, render the site with each other's URL, and (`--fresh`) delete the
 * table from under the first.
 */
export function refuseIfInUse(dataDir: string): void {
  const pid = runningDev(dataDir);
  if (pid !== undefined)
    throw new CliError(
      `feedpub dev is already running on ${dataDir} (process ${pid}): stop it first (Ctrl-C in its terminal), or give this one another --data-dir`,
    );
}

/**
 * Marks the data folder as used by this process (refused if another live one took it
 * meanwhile); returns the function that unmarks it, if the mark is still its own.
 */
export function claimDataDir(dataDir: string): () => void {
  const path = join(dataDir, DEV_PID_FILE);
  const mark = `${process.pid}\n`;
  try {
    writeFileSync(path, mark, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A mark left by a dev that is gone (killed): taken over; a live one's: refused.
    refuseIfInUse(dataDir);
    writeFileSync(path, mark);
  }
  return () => {
    if (ownMark(path)) rmSync(path, { force: true });
  };
}

function ownMark(path: string): boolean {
  try {
    return Number(readFileSync(path, 'utf8').trim()) === process.pid;
  } catch {
    return false;
  }
}

/** The pid of a live `feedpub dev` on this data folder, if one is running. */
export function runningDev(dataDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDir, DEV_PID_FILE), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  return isAlive(pid) ? pid : undefined;
}

/** A message as the file keeps it: SQS's body, and when it was first sent (ms). */
export interface KeptMessage {
  body: string;
  sentAt: number;
}

/** What a stopped run's ingest queue held: messages not yet ingested, and the parked ones. */
export interface KeptQueue {
  undelivered: KeptMessage[];
  deadLetters: DeadLetter[];
}

/** The queue the last run left in the data folder (empty if none, or a damaged file). */
export function readQueue(dataDir: string): KeptQueue {
  const isMessage = (m: unknown): m is KeptMessage =>
    typeof (m as KeptMessage)?.body === 'string' && typeof (m as KeptMessage).sentAt === 'number';
  try {
    const kept = JSON.parse(readFileSync(join(dataDir, QUEUE_FILE), 'utf8')) as Partial<KeptQueue>;
    const list = (value: unknown) => (Array.isArray(value) ? value.filter(isMessage) : []);
    return {
      undelivered: list(kept.undelivered),
      deadLetters: list(kept.deadLetters).filter(
        (d): d is DeadLetter => typeof (d as DeadLetter).receiveCount === 'number',
      ),
    };
  } catch {
    return { undelivered: [], deadLetters: [] };
  }
}

/** Writes the queue as it is now (a temp file renamed: never half a list). */
export function writeQueue(dataDir: string, queue: KeptQueue): void {
  const path = join(dataDir, QUEUE_FILE);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(queue)}\n`);
  renameSync(`${path}.tmp`, path);
}
