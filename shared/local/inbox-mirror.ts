import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import {
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { eachLimited } from '../concurrency/each-limited.ts';
import { INBOX_PREFIX } from '../contract/inbox.ts';
import { isMediaKey, mediaFormatOf } from '../contract/media.ts';
import {
  type InboxFile,
  keyForPath,
  listInbox,
  readInboxFile,
  type SkippedEntry,
} from './inbox-files.ts';

/**
 * Mirrors an inbox folder into the inbox bucket: new and changed files are uploaded as
 * `articles/<relative path>`, deleted files are deleted. A periodic scan (size + mtime, then
 * MD5 when they move) rather than fs.watch, which misses events on many file systems; a file
 * is uploaded once it has looked the same for two scans, so half-written files are not sent
 * (a media file once it has also been left alone for seconds: quietLongEnough).
 *
 * A manifest in the data folder remembers which objects came from the folder: on start, only
 * those whose file is gone are deleted, so uploads made with other S3 clients survive.
 */

export interface InboxMirrorOptions {
  dir: string;
  s3: S3Client;
  bucket: string;
  manifestPath: string;
  /** Scan period (default 400 ms). */
  intervalMs?: number;
  onError?: (error: unknown, path: string) => void;
  /** Called once for each symbolic link or special file that appears (see `listInbox`). */
  onSkipped?: (entry: SkippedEntry) => void;
}

export interface ReconcileSummary {
  uploaded: number;
  deleted: number;
  unchanged: number;
  /**
   * Keys another S3 client replaced in the bucket since the folder's file was last sent, the
   * file unchanged since: left as that client left them (the file is sent again when it
   * changes).
   */
  keptFromOthers: string[];
}

export interface InboxMirror {
  /** What the start-up reconciliation did. */
  reconciled: ReconcileSummary;
  stop(): Promise<void>;
}

interface Synced {
  size: number;
  mtimeMs: number;
  md5: string;
}

const sameStat = (a: { size: number; mtimeMs: number } | undefined, b: InboxFile) =>
  a !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs;

/**
 * How long a media file must have been left alone before it is sent: an encoder or an audio
 * editor exporting into the folder writes for seconds, with pauses longer than two scans
 * (an empty file, as an export starts, longer still). An article is sent after two scans.
 */
const MEDIA_QUIET_MS = 3_000;
const EMPTY_MEDIA_QUIET_MS = 10_000;

/** A modification time this far ahead is a clock's error (a camera's card), not a write. */
const CLOCK_SKEW_MS = 10 * 60_000;

function quietLongEnough(file: InboxFile, now = Date.now()): boolean {
  if (!isMediaKey(keyForPath(file.path))) return true;
  if (file.mtimeMs - now > CLOCK_SKEW_MS) return true;
  return now - file.mtimeMs >= (file.size === 0 ? EMPTY_MEDIA_QUIET_MS : MEDIA_QUIET_MS);
}

/** How many scans a vanished file's delete waits for a new file of its size to be uploaded. */
const MOVE_WAIT_SCANS = 5;

export async function startInboxMirror(options: InboxMirrorOptions): Promise<InboxMirror> {
  const { dir, s3, bucket } = options;
  const interval = options.intervalMs ?? 400;
  const synced = readManifest(options.manifestPath);
  const pending = new Map<string, InboxFile>();
  /** Scans each vanished file has been waited on (a move's delete waits for its upload). */
  const goneFor = new Map<string, number>();
  const report = options.onError ?? (() => {});
  // Reported when they appear, not on every scan; one that goes and comes back is new again.
  let skippedBefore = new Set<string>();
  const noteSkipped = (skipped: readonly SkippedEntry[]) => {
    const seen = new Set<string>();
    for (const entry of skipped) {
      const id = `${entry.reason}\0${entry.path}`;
      if (!skippedBefore.has(id)) options.onSkipped?.(entry);
      seen.add(id);
    }
    skippedBefore = seen;
  };

  const upload = async (file: InboxFile, knownMd5?: string) => {
    const body = await readInboxFile(dir, file);
    const md5 = md5Hex(body);
    if (md5 !== knownMd5) await putInboxObject(s3, bucket, keyForPath(file.path), body);
    synced.set(file.path, { size: file.size, mtimeMs: file.mtimeMs, md5 });
    return md5 !== knownMd5;
  };
  const remove = async (path: string) => {
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: keyForPath(path) }));
    synced.delete(path);
  };
  const guarded = (path: string, task: () => Promise<unknown>) =>
    task().catch((error) => report(error, path));

  const reconciled: ReconcileSummary = {
    uploaded: 0,
    deleted: 0,
    unchanged: 0,
    keptFromOthers: [],
  };
  const objects = await listEtags(s3, bucket);
  const { files, skipped } = await listInbox(dir);
  noteSkipped(skipped);
  const present = new Set(files.map((f) => f.path));
  await eachLimited(files, 8, async (file) => {
    const known = synced.get(file.path);
    const etag = objects.get(keyForPath(file.path));
    if (sameStat(known, file) && known?.md5 === etag) {
      reconciled.unchanged++;
      return;
    }
    // The file is as the folder last sent it, the object another: another S3 client replaced
    // it since, and its upload is the newer one (README: left alone). A missing one is sent.
    if (sameStat(known, file) && etag !== undefined) {
      reconciled.keptFromOthers.push(keyForPath(file.path));
      return;
    }
    await guarded(file.path, async () => {
      if (await upload(file, etag)) reconciled.uploaded++;
      else reconciled.unchanged++;
    });
  });
  for (const path of [...synced.keys()].filter((p) => !present.has(p))) {
    if (!objects.has(keyForPath(path))) synced.delete(path);
    else
      await guarded(path, async () => {
        await remove(path);
        reconciled.deleted++;
      });
  }
  await writeManifest(options.manifestPath, synced);

  // A manifest that cannot be written (the data folder removed or full) is reported and
  // written again by the next scan. A failed scan never ends the loop or escapes from stop().
  let manifestDirty = false;
  const saveManifest = () =>
    guarded(options.manifestPath, async () => {
      await writeManifest(options.manifestPath, synced);
      manifestDirty = false;
    });

  const scan = async () => {
    let current: InboxFile[];
    try {
      const listing = await listInbox(dir);
      current = listing.files;
      noteSkipped(listing.skipped);
    } catch (error) {
      // The folder itself is gone or unreadable: deleting every article would be a surprise.
      report(error, dir);
      return;
    }
    const seen = new Set(current.map((f) => f.path));
    const stable = current.filter((file) => {
      if (sameStat(synced.get(file.path), file)) {
        pending.delete(file.path);
        return false;
      }
      const previous = pending.get(file.path);
      pending.set(file.path, file);
      return sameStat(previous, file) && quietLongEnough(file);
    });
    await eachLimited(stable, 8, async (file) => {
      pending.delete(file.path);
      await guarded(file.path, () => upload(file, synced.get(file.path)?.md5));
    });
    // A file gone while a new one of its size waits to be uploaded is most likely moved there
    // (`mv` keeps the bytes): its delete waits for that upload (a few scans at most), so ingest
    // sees the copy before the delete, as S3 clients do a move, and readers never see the
    // story withdrawn between the two.
    const waiting = new Set([...pending.values()].map((file) => file.size));
    const gone = [...synced.keys()].filter((p) => {
      if (seen.has(p)) {
        goneFor.delete(p);
        return false;
      }
      const scans = (goneFor.get(p) ?? 0) + 1;
      goneFor.set(p, scans);
      // A media file's copy (`cp` gives it a new time) waits out its quiet time first.
      const wait = isMediaKey(keyForPath(p))
        ? MOVE_WAIT_SCANS + Math.ceil(MEDIA_QUIET_MS / interval)
        : MOVE_WAIT_SCANS;
      return scans > wait || !waiting.has(synced.get(p)?.size ?? -1);
    });
    for (const path of gone) {
      goneFor.delete(path);
      await guarded(path, () => remove(path));
    }
    for (const path of [...pending.keys()]) if (!seen.has(path)) pending.delete(path);
    if (stable.length > 0 || gone.length > 0) manifestDirty = true;
    if (manifestDirty) await saveManifest();
  };

  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const loop = () => {
    timer = setTimeout(() => {
      running = scan()
        .catch((error) => report(error, dir))
        .finally(() => {
          if (!stopped) loop();
        });
    }, interval);
  };
  loop();

  return {
    reconciled,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

async function listEtags(s3: S3Client, bucket: string): Promise<Map<string, string>> {
  const etags = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: INBOX_PREFIX.articles,
        ContinuationToken: token,
      }),
    );
    for (const object of page.Contents ?? [])
      if (object.Key) etags.set(object.Key, (object.ETag ?? '').replace(/"/g, ''));
    token = page.NextContinuationToken;
  } while (token);
  return etags;
}

function readManifest(path: string): Map<string, Synced> {
  if (!existsSync(path)) return new Map();
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as { files?: Record<string, Synced> };
    return new Map(Object.entries(data.files ?? {}));
  } catch {
    // A damaged manifest only costs re-uploads of unchanged files (which ingest as unchanged).
    return new Map();
  }
}

let manifestWrites = 0;

async function writeManifest(path: string, synced: Map<string, Synced>): Promise<void> {
  // A temp name of this write's own: two writers never rename each other's file away.
  manifestWrites += 1;
  const temp = `${path}.${process.pid}.${manifestWrites}.tmp`;
  await writeFile(temp, `${JSON.stringify({ files: Object.fromEntries(synced) }, null, 1)}\n`);
  await rename(temp, path);
}

/** Hex MD5 of the bytes: what S3 reports as the ETag of a single-part upload. */
function md5Hex(body: Uint8Array): string {
  return createHash('md5').update(body).digest('hex');
}

const CONTENT_TYPES: Record<string, string> = {
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.markdown': 'text/markdown; charset=utf-8',
  '.json': 'application/json',
};

async function putInboxObject(
  s3: S3Client,
  bucket: string,
  key: string,
  body: Uint8Array,
): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentType:
        CONTENT_TYPES[extname(key).toLowerCase()] ??
        mediaFormatOf(key)?.type ??
        'application/octet-stream',
    }),
  );
}
