import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  type Dirent,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { INBOX_PREFIX } from '../contract/inbox.ts';

/**
 * An inbox folder as the bucket sees it: which files count as uploads, the object key of each
 * (`articles/<path relative to the folder>`), and how one is uploaded.
 */

export interface InboxFile {
  /** Path relative to the inbox folder, `/`-separated. */
  path: string;
  size: number;
  mtimeMs: number;
  /** Identity of the listed file: what is read must still be this file. */
  dev: number;
  ino: number;
}

const TEMP_SUFFIXES = ['~', '.swp', '.swo', '.swx', '.tmp', '.part', '.crdownload'];
const SYSTEM_FILES = new Set(['thumbs.db', 'desktop.ini', '4913']);

/**
 * Editor and system droppings that are never articles: hidden files and folders (`.DS_Store`,
 * `.#lock`, `.git/`), backups and swap files (`x~`, `.x.swp`), Emacs autosaves (`#x#`), vim's
 * `4913` probe, `Thumbs.db`.
 */
export function isIgnoredName(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    name.startsWith('.') ||
    (name.startsWith('#') && name.endsWith('#')) ||
    SYSTEM_FILES.has(lower) ||
    TEMP_SUFFIXES.some((suffix) => lower.endsWith(suffix))
  );
}

/** The inbox bucket key of a file at `path` (relative, `/`-separated) in the inbox folder. */
export function keyForPath(path: string): string {
  return `${INBOX_PREFIX.articles}${path}`;
}

/** An entry of the inbox folder that is never read, and why. */
export interface SkippedEntry {
  /** Path relative to the inbox folder, `/`-separated. */
  path: string;
  reason: string;
}

export interface InboxListing {
  /** Sorted by path. */
  files: InboxFile[];
  /** Sorted by path. */
  skipped: SkippedEntry[];
}

/** Windows has no O_NOFOLLOW (nor, without privileges, symbolic links). */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/** A file that changed into something else between listing and reading: it is not read. */
export class InboxEntryChangedError extends Error {
  constructor(path: string) {
    super(`${path} was replaced after it was listed (by a link or another file): not read`);
    this.name = 'InboxEntryChangedError';
  }
}

/** A path named by the user that is a FIFO, socket or device: opening it could block. */
export class NotRegularFileError extends Error {
  constructor(readonly kind: string) {
    super(`not a regular file: ${kind}`);
    this.name = 'NotRegularFileError';
  }
}

function specialKind(info: Stats): string {
  if (info.isFIFO()) return 'FIFO';
  if (info.isSocket()) return 'socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'device';
  return 'special file';
}

const skipReason = (info: Stats) =>
  info.isSymbolicLink()
    ? 'symbolic link (not followed)'
    : `${specialKind(info)} (not a regular file)`;

/** Why a file or folder whose name is not UTF-8 is skipped, with what to do. */
export const NOT_UTF8_NAME =
  'its name is not valid UTF-8 (shown with � for the bytes that are not): rename it to publish it';

const byPath = (a: { path: string }, b: { path: string }) =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : 0;

/**
 * Every article candidate below `dir`, and what was skipped. Symbolic links are never
 * followed, not even to a place inside the folder (a link out would publish whatever it points
 * at; a link in would publish one file under two keys), and FIFOs, sockets and devices are
 * never opened (reading a FIFO blocks). Ignored names are left out of both lists.
 */
export async function listInbox(dir: string): Promise<InboxListing> {
  const files: InboxFile[] = [];
  const skipped: SkippedEntry[] = [];
  // A bind mount can make a folder its own descendant; a folder seen before is not walked again.
  const folders = new Set<string>();
  const root = statSync(dir);
  folders.add(`${root.dev}:${root.ino}`);
  const walk = async (relative: string[]): Promise<void> => {
    let entries: Dirent<Buffer>[];
    try {
      entries = readdirSync(join(dir, ...relative), { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      // A subfolder deleted while we walk it simply has no files any more.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && relative.length > 0) return;
      throw error;
    }
    for (const entry of entries) {
      const name = entry.name.toString('utf8');
      if (isIgnoredName(name)) continue;
      const parts = [...relative, name];
      const path = parts.join('/');
      // A name that is not UTF-8 (Latin-1 from an old archive, say) can be neither opened by
      // its decoded name nor be an S3 key: listed, never lost without a word.
      if (!Buffer.from(name, 'utf8').equals(entry.name)) {
        skipped.push({ path, reason: NOT_UTF8_NAME });
        continue;
      }
      const info = lstatOrUndefined(join(dir, ...parts));
      if (!info) continue;
      if (info.isDirectory()) {
        const id = `${info.dev}:${info.ino}`;
        if (folders.has(id)) skipped.push({ path, reason: 'folder listed before (a loop)' });
        else {
          folders.add(id);
          await walk(parts);
        }
      } else if (info.isFile())
        files.push({ path, size: info.size, mtimeMs: info.mtimeMs, dev: info.dev, ino: info.ino });
      else skipped.push({ path, reason: skipReason(info) });
    }
  };
  await walk([]);
  return { files: files.sort(byPath), skipped: skipped.sort(byPath) };
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** The path the kernel opened `fd` at, where the system says (Linux); else undefined. */
function openedPath(fd: number): string | undefined {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

/** A file's size and its first bytes: all a media file's check reads of it. */
export interface FileHead {
  size: number;
  head: Uint8Array;
}

/**
 * Opens a listed file only if it is still the file that was listed: the last component is
 * opened without following a link and without blocking (a FIFO put in its place), and the
 * opened file must be the same regular file, at the same real path where the system can tell
 * (a parent folder swapped for a link). `read` gets it open.
 */
function withListedFile<T>(dir: string, file: InboxFile, read: (fd: number, info: Stats) => T): T {
  const path = join(dir, ...file.path.split('/'));
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | NO_FOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP')
      throw new InboxEntryChangedError(file.path);
    throw error;
  }
  // Synchronous calls on a local file: each takes microseconds, where the promise API's
  // round trips through the thread pool cost over a millisecond per file (a 1,000-file build).
  try {
    const info = fstatSync(fd);
    const real = openedPath(fd);
    const expected =
      real === undefined ? undefined : join(realpathSync(dir), ...file.path.split('/'));
    if (!info.isFile() || info.dev !== file.dev || info.ino !== file.ino || real !== expected)
      throw new InboxEntryChangedError(file.path);
    return read(fd, info);
  } finally {
    closeSync(fd);
  }
}

/** Opens a file named by the user (links followed), refused unless it is a regular file. */
function withRegularFile<T>(path: string, read: (fd: number, info: Stats) => T): T {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new NotRegularFileError(specialKind(info));
    return read(fd, info);
  } finally {
    closeSync(fd);
  }
}

/** The first `bytes` bytes of the open file: a large video is not read whole. */
function headOf(fd: number, info: Stats, bytes: number): FileHead {
  const head = Buffer.alloc(Math.min(bytes, info.size));
  let filled = 0;
  while (filled < head.length) {
    const read = readSync(fd, head, filled, head.length - filled, filled);
    if (read === 0) break;
    filled += read;
  }
  return { size: info.size, head: head.subarray(0, filled) };
}

/** A media file as S3 would describe it, read a chunk at a time: its size, first bytes, ETag. */
export interface MediaFileSummary extends FileHead {
  /** The MD5 of its bytes, as S3's ETag of a single-part upload (quoted). */
  etag: string;
}

const CHUNK_BYTES = 1024 * 1024;

/**
 * Feeds the open file's first `size` bytes (its size when listed or opened) to `take`, in
 * order, a megabyte at a time: bytes written to it meanwhile are not taken, and a file cut
 * shorter meanwhile is an error.
 */
function eachChunk(fd: number, size: number, path: string, take: (chunk: Uint8Array) => void) {
  const buffer = Buffer.alloc(CHUNK_BYTES);
  for (let at = 0; at < size; ) {
    const read = readSync(fd, buffer, 0, Math.min(buffer.length, size - at), at);
    if (read === 0) throw new Error(`${path} got shorter while it was read: build again`);
    take(buffer.subarray(0, read));
    at += read;
  }
}

/**
 * The size, first bytes and ETag of a listed media file, read a megabyte at a time: `feedpub
 * build` never holds a whole video in memory (a podcast archive can be larger than it).
 */
export async function summarizeInboxFile(
  dir: string,
  file: InboxFile,
  headBytes: number,
): Promise<MediaFileSummary> {
  return withListedFile(dir, file, (fd, info) => {
    const md5 = createHash('md5');
    eachChunk(fd, info.size, file.path, (chunk) => md5.update(chunk));
    return { ...headOf(fd, info, headBytes), etag: `"${md5.digest('hex')}"` };
  });
}

/**
 * Copies a listed file to `target` a megabyte at a time, if it is still the file listed and
 * still has the bytes `etag` names (it was summarized before): else it throws, naming it.
 */
export function copyInboxFile(dir: string, file: InboxFile, etag: string, target: string): void {
  // Written beside its place and renamed into it once whole and checked: a failed copy leaves
  // no file that looks published.
  const partial = `${target}.partial`;
  try {
    withListedFile(dir, file, (fd, info) => {
      const out = openSync(partial, 'w');
      const md5 = createHash('md5');
      try {
        eachChunk(fd, info.size, file.path, (chunk) => {
          md5.update(chunk);
          writeSync(out, chunk);
        });
      } finally {
        closeSync(out);
      }
      if (`"${md5.digest('hex')}"` !== etag)
        throw new Error(`${file.path} changed while the site was being built: build again`);
    });
    renameSync(partial, target);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

/** The bytes of a listed file, read only if it is still the file that was listed. */
export async function readInboxFile(dir: string, file: InboxFile): Promise<Uint8Array> {
  return withListedFile(dir, file, (fd) => readFileSync(fd));
}

/** The size and first `bytes` bytes of a listed file, checked as readInboxFile checks it. */
export async function readInboxFileHead(
  dir: string,
  file: InboxFile,
  bytes: number,
): Promise<FileHead> {
  return withListedFile(dir, file, (fd, info) => headOf(fd, info, bytes));
}

/** A file named by the user (links followed), refused unless it is a regular file. */
export async function readRegularFile(path: string): Promise<Uint8Array> {
  return withRegularFile(path, (fd) => readFileSync(fd));
}

/** The size and first `bytes` bytes of a file named by the user, as readRegularFile reads it. */
export async function readRegularFileHead(path: string, bytes: number): Promise<FileHead> {
  return withRegularFile(path, (fd, info) => headOf(fd, info, bytes));
}
