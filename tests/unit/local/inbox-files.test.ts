import { execFileSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  copyInboxFile,
  InboxEntryChangedError,
  type InboxFile,
  listInbox,
  NotRegularFileError,
  readInboxFile,
  readInboxFileHead,
  readRegularFile,
  readRegularFileHead,
  summarizeInboxFile,
} from '../../../shared/local/inbox-files.ts';

/** Listing and reading an inbox folder: links are never followed, special files never opened. */

const SECRET = 'token=never-publish-me';

async function onlyFile(inbox: string): Promise<InboxFile> {
  const { files } = await listInbox(inbox);
  expect(files).toHaveLength(1);
  return files[0] as InboxFile;
}

describe('inbox folder listing and reading', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** `<tmp>/outside/secret.txt` and an empty `<tmp>/inbox`. */
  function setup() {
    const root = mkdtempSync(join(tmpdir(), 'feedpub-inbox-files-'));
    folders.push(root);
    mkdirSync(join(root, 'outside'));
    writeFileSync(join(root, 'outside', 'secret.txt'), SECRET);
    mkdirSync(join(root, 'inbox'));
    return { root, inbox: join(root, 'inbox'), secret: join(root, 'outside', 'secret.txt') };
  }

  it('lists regular files, and skips links (out, to the parent, inside) and FIFOs', async () => {
    const { inbox, secret } = setup();
    mkdirSync(join(inbox, 'sub'));
    writeFileSync(join(inbox, 'sub', 'real.md'), 'Real\n\nBody.');
    symlinkSync(secret, join(inbox, 'npmrc.txt'));
    symlinkSync('..', join(inbox, 'parent'));
    symlinkSync('sub/real.md', join(inbox, 'alias.md'));
    symlinkSync('sub', join(inbox, 'sub-alias'));
    execFileSync('mkfifo', [join(inbox, 'pipe.txt')]);
    symlinkSync(secret, join(inbox, '.hidden-link'));

    const listing = await listInbox(inbox);

    expect(listing.files.map((f) => f.path)).toEqual(['sub/real.md']);
    expect(listing.skipped).toEqual([
      { path: 'alias.md', reason: 'symbolic link (not followed)' },
      { path: 'npmrc.txt', reason: 'symbolic link (not followed)' },
      { path: 'parent', reason: 'symbolic link (not followed)' },
      { path: 'pipe.txt', reason: 'FIFO (not a regular file)' },
      { path: 'sub-alias', reason: 'symbolic link (not followed)' },
    ]);
  });

  it('reads a listed file', async () => {
    const { inbox } = setup();
    writeFileSync(join(inbox, 'a.txt'), 'A\n\nBody.');
    const file = await onlyFile(inbox);
    expect(Buffer.from(await readInboxFile(inbox, file)).toString()).toBe('A\n\nBody.');
  });

  it('reads the size and first bytes of a listed or named file, with the same checks', async () => {
    const { inbox, secret } = setup();
    writeFileSync(join(inbox, 'a.jpg'), 'ABCDEFGH');
    const file = await onlyFile(inbox);
    const head = await readInboxFileHead(inbox, file, 3);
    expect({ size: head.size, head: Buffer.from(head.head).toString() }).toEqual({
      size: 8,
      head: 'ABC',
    });
    expect(Buffer.from((await readRegularFileHead(secret, 100)).head).toString()).toBe(SECRET);

    rmSync(join(inbox, 'a.jpg'));
    symlinkSync(secret, join(inbox, 'a.jpg'));
    await expect(readInboxFileHead(inbox, file, 3)).rejects.toBeInstanceOf(InboxEntryChangedError);
  });

  it('does not read a file swapped for a link between listing and reading', async () => {
    const { inbox, secret } = setup();
    writeFileSync(join(inbox, 'a.txt'), 'A\n\nBody.');
    const file = await onlyFile(inbox);
    rmSync(join(inbox, 'a.txt'));
    symlinkSync(secret, join(inbox, 'a.txt'));

    await expect(readInboxFile(inbox, file)).rejects.toBeInstanceOf(InboxEntryChangedError);
  });

  it('does not read through a folder swapped for a link between listing and reading', async () => {
    const { root, inbox } = setup();
    mkdirSync(join(inbox, 'sub'));
    writeFileSync(join(inbox, 'sub', 'secret.txt'), 'Harmless\n\nBody.');
    const file = await onlyFile(inbox);
    renameSync(join(inbox, 'sub'), join(root, 'moved'));
    symlinkSync(join(root, 'outside'), join(inbox, 'sub'));

    await expect(readInboxFile(inbox, file)).rejects.toBeInstanceOf(InboxEntryChangedError);
  });

  it('does not read through a linked folder even if the listing went through it', async () => {
    // What a listing sees when a folder is swapped for a link while it is being walked.
    const { inbox, secret } = setup();
    symlinkSync(join(secret, '..'), join(inbox, 'sub'));
    const { size, mtimeMs, dev, ino } = lstatSync(secret);
    const file = { path: 'sub/secret.txt', size, mtimeMs, dev, ino };

    await expect(readInboxFile(inbox, file)).rejects.toBeInstanceOf(InboxEntryChangedError);
  });

  it('does not open a FIFO put in place of a listed file (no hang)', async () => {
    const { inbox } = setup();
    writeFileSync(join(inbox, 'a.txt'), 'A\n\nBody.');
    const file = await onlyFile(inbox);
    rmSync(join(inbox, 'a.txt'));
    execFileSync('mkfifo', [join(inbox, 'a.txt')]);

    await expect(readInboxFile(inbox, file)).rejects.toBeInstanceOf(InboxEntryChangedError);
  });

  it('refuses a FIFO named as a file without blocking, and reads a named regular file', async () => {
    const { root, secret } = setup();
    execFileSync('mkfifo', [join(root, 'pipe')]);

    await expect(readRegularFile(join(root, 'pipe'))).rejects.toThrow(
      new NotRegularFileError('FIFO'),
    );
    expect(Buffer.from(await readRegularFile(secret)).toString()).toBe(SECRET);
  });
});

describe('a media file copied from the inbox folder (feedpub build)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('is copied whole when it still has the bytes it was summarized with, else not at all', async () => {
    const root = mkdtempSync(join(tmpdir(), 'feedpub-media-copy-'));
    dirs.push(root);
    mkdirSync(join(root, 'inbox'));
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 7, 7);
    writeFileSync(join(root, 'inbox', 'clip.mp4'), bytes);
    const [file] = (await listInbox(join(root, 'inbox'))).files;
    if (!file) throw new Error('not listed');
    const summary = await summarizeInboxFile(join(root, 'inbox'), file, 16);
    expect(summary.size).toBe(bytes.length);
    expect([...summary.head]).toEqual(Array(16).fill(7));

    const target = join(root, 'copy.mp4');
    copyInboxFile(join(root, 'inbox'), file, summary.etag, target);
    expect(readFileSync(target).equals(bytes)).toBe(true);

    // Saved again in place (same file, new bytes) after it was summarized: refused, nothing left.
    writeFileSync(join(root, 'inbox', 'clip.mp4'), Buffer.alloc(bytes.length, 8));
    const again = join(root, 'again.mp4');
    expect(() => copyInboxFile(join(root, 'inbox'), file, summary.etag, again)).toThrow(
      'clip.mp4 changed while the site was being built: build again',
    );
    expect(readdirSync(root).sort()).toEqual(['copy.mp4', 'inbox']);
  });
});
