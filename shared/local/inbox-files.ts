import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
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

/** Every article candidate below `dir`, sorted by path; ignored names are skipped. */
export async function listInboxFiles(dir: string): Promise<InboxFile[]> {
  const files: InboxFile[] = [];
  const walk = async (relative: string[]): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(join(dir, ...relative), { withFileTypes: true });
    } catch (error) {
      // A subfolder deleted while we walk it simply has no files any more.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && relative.length > 0) return;
      throw error;
    }
    for (const entry of entries) {
      if (isIgnoredName(entry.name)) continue;
      const parts = [...relative, entry.name];
      const info = await stat(join(dir, ...parts)).catch(() => undefined);
      if (info?.isDirectory()) await walk(parts);
      else if (info?.isFile())
        files.push({ path: parts.join('/'), size: info.size, mtimeMs: info.mtimeMs });
    }
  };
  await walk([]);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Hex MD5 of the bytes: what S3 reports as the ETag of a single-part upload. */
export function md5Hex(body: Uint8Array): string {
  return createHash('md5').update(body).digest('hex');
}

const CONTENT_TYPES: Record<string, string> = {
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.markdown': 'text/markdown; charset=utf-8',
  '.json': 'application/json',
};

export async function putInboxObject(
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
      ContentType: CONTENT_TYPES[extname(key).toLowerCase()] ?? 'application/octet-stream',
    }),
  );
}
