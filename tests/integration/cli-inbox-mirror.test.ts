import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SkippedEntry } from '../../shared/local/inbox-files.ts';
import { type InboxMirror, startInboxMirror } from '../../shared/local/inbox-mirror.ts';
import { createBucket } from '../../shared/local/resources.ts';
import { emulatorClients, uniqueName } from '../support/aws.ts';
import { bucketHelpers } from '../support/site.ts';
import { eventually } from '../support/wait.ts';

/** The inbox folder ↔ inbox bucket mirror behind `feedpub dev`, against the file's s3rver. */
describe('inbox mirror', () => {
  let s3: S3Client;
  beforeAll(async () => {
    ({ s3 } = await emulatorClients());
  });
  let mirror: InboxMirror | undefined;
  const folders: string[] = [];
  afterEach(async () => {
    // The mirror stops first: removing its folders under a running scan is not a test of ours.
    await mirror?.stop();
    mirror = undefined;
    for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function setup(manifestDir = '') {
    const dir = mkdtempSync(join(tmpdir(), 'feedpub-mirror-'));
    folders.push(dir);
    const bucket = uniqueName('mirror');
    await createBucket(s3, bucket);
    mkdirSync(join(dir, manifestDir), { recursive: true });
    const manifestPath = join(dir, manifestDir, 'manifest.json');
    const errors: string[] = [];
    /** The mirror's writes, in the order it sent them: `put <key>`, `delete <key>`. */
    const writes: string[] = [];
    const recording = {
      send: (command: { input: { Key?: string }; constructor: { name: string } }) => {
        const verb = { PutObjectCommand: 'put', DeleteObjectCommand: 'delete' }[
          command.constructor.name
        ];
        if (verb) writes.push(`${verb} ${command.input.Key}`);
        return s3.send(command as never);
      },
    } as unknown as S3Client;
    const start = async (onSkipped?: (entry: SkippedEntry) => void) => {
      mirror = await startInboxMirror({
        dir: join(dir, 'inbox'),
        s3: recording,
        bucket,
        manifestPath,
        intervalMs: 50,
        onError: (error, path) => errors.push(`${path}: ${error}`),
        onSkipped,
      });
      return mirror;
    };
    mkdirSync(join(dir, 'inbox'));
    return {
      inbox: join(dir, 'inbox'),
      objects: bucketHelpers(s3, bucket),
      start,
      errors,
      writes,
      dataDir: join(dir, manifestDir),
    };
  }

  it('uploads new and changed files, deletes removed ones, and ignores editor files', async () => {
    const t = await setup();
    writeFileSync(join(t.inbox, 'first.txt'), 'First\n\nBody.');
    await t.start();
    expect(t.errors).toEqual([]);
    expect(await t.objects.keys()).toEqual(['articles/first.txt']);

    mkdirSync(join(t.inbox, 'nested dir'));
    writeFileSync(join(t.inbox, 'nested dir', 'Ünïcode name.md'), '---\ntitle: U\n---\nBody.');
    writeFileSync(join(t.inbox, '.first.txt.swp'), 'swap');
    writeFileSync(join(t.inbox, 'first.txt~'), 'backup');
    await eventually(
      async () => ((await t.objects.keys()).length === 2 ? true : undefined),
      'the nested upload',
    );
    expect(await t.objects.keys()).toEqual([
      'articles/first.txt',
      'articles/nested dir/Ünïcode name.md',
    ]);

    writeFileSync(join(t.inbox, 'first.txt'), 'First, edited\n\nBody.');
    await eventually(
      async () =>
        (await t.objects.text('articles/first.txt'))?.includes('edited') ? true : undefined,
      'the changed upload',
    );
    rmSync(join(t.inbox, 'first.txt'));
    await eventually(
      async () => ((await t.objects.keys()).length === 1 ? true : undefined),
      'the deletion',
    );
    expect(t.errors).toEqual([]);
  });

  it('sends a media file only once it has been left alone for seconds (an export in progress is not)', async () => {
    const t = await setup();
    await t.start();
    // An mp3 an encoder is still writing: its modification time is now, as long as it writes.
    const clip = join(t.inbox, 'clip.mp3');
    writeFileSync(clip, Buffer.from('ID3\u0004\u0000partial'));
    // Written five minutes from now as far as the scans can tell (within a clock's error, 10).
    const writing = new Date(Date.now() + 5 * 60_000);
    utimesSync(clip, writing, writing);
    // Articles written after it: once the second is sent, the scans that sent the first one
    // saw the mp3 too, and any upload they began has ended.
    writeFileSync(join(t.inbox, 'story.md'), '---\ntitle: S\n---\nBody.');
    await eventually(
      async () => ((await t.objects.keys()).includes('articles/story.md') ? true : undefined),
      'the article',
    );
    writeFileSync(join(t.inbox, 'later.md'), '---\ntitle: L\n---\nBody.');
    await eventually(
      async () => ((await t.objects.keys()).includes('articles/later.md') ? true : undefined),
      'the later article',
    );
    expect(await t.objects.keys()).toEqual(['articles/later.md', 'articles/story.md']);
    // The export is done: left alone since an hour ago.
    const done = new Date(Date.now() - 3_600_000);
    utimesSync(clip, done, done);
    await eventually(
      async () => ((await t.objects.keys()).includes('articles/clip.mp3') ? true : undefined),
      'the finished mp3',
    );
    expect(t.errors).toEqual([]);
  });

  it('sends a moved file as S3 clients send a move: the copy first, then the delete', async () => {
    const t = await setup();
    writeFileSync(join(t.inbox, 'a.md'), '---\ntitle: A\n---\nBody.');
    writeFileSync(join(t.inbox, 'other.md'), '---\ntitle: Other\n---\nBody.');
    await t.start();
    t.writes.length = 0;
    for (const [from, to] of [
      ['a.md', 'b.md'],
      ['b.md', 'c.md'],
    ] as const) {
      renameSync(join(t.inbox, from), join(t.inbox, to));
      await eventually(
        async () =>
          JSON.stringify(await t.objects.keys()) ===
          JSON.stringify([`articles/${to}`, 'articles/other.md'])
            ? true
            : undefined,
        `the move to ${to}`,
      );
    }
    // A file deleted outright is not held up by a move that is not its own.
    rmSync(join(t.inbox, 'other.md'));
    await eventually(
      async () => ((await t.objects.keys()).length === 1 ? true : undefined),
      'the deletion',
    );
    expect(t.writes).toEqual([
      'put articles/b.md',
      'delete articles/a.md',
      'put articles/c.md',
      'delete articles/b.md',
      'delete articles/other.md',
    ]);
    expect(t.errors).toEqual([]);
  });

  it('reconciles on start: uploads what changed while stopped, deletes only its own objects', async () => {
    const t = await setup();
    writeFileSync(join(t.inbox, 'kept.txt'), 'Kept\n\nBody.');
    writeFileSync(join(t.inbox, 'gone.txt'), 'Gone\n\nBody.');
    writeFileSync(join(t.inbox, 'edited.txt'), 'Edited\n\nBefore.');
    writeFileSync(join(t.inbox, 'overwritten.txt'), 'Folder\n\nVersion.');
    await (await t.start()).stop();
    await t.objects.put('articles/from-aws-cli.txt', 'Uploaded\n\nDirectly.');
    // Another client replaces a file the folder sent, which stays as it was: its upload stays.
    await t.objects.put('articles/overwritten.txt', 'Bucket\n\nVersion.');

    rmSync(join(t.inbox, 'gone.txt'));
    writeFileSync(join(t.inbox, 'edited.txt'), 'Edited\n\nAfter!');
    utimesSync(join(t.inbox, 'edited.txt'), new Date(), new Date(Date.now() + 5_000));
    writeFileSync(join(t.inbox, 'new.txt'), 'New\n\nBody.');
    const restarted = await t.start();

    expect(t.errors).toEqual([]);
    expect(restarted.reconciled).toEqual({
      uploaded: 2,
      deleted: 1,
      unchanged: 1,
      keptFromOthers: ['articles/overwritten.txt'],
    });
    expect(await t.objects.keys()).toEqual([
      'articles/edited.txt',
      'articles/from-aws-cli.txt',
      'articles/kept.txt',
      'articles/new.txt',
      'articles/overwritten.txt',
    ]);
    expect(await t.objects.text('articles/edited.txt')).toContain('After!');
    expect(await t.objects.text('articles/overwritten.txt')).toContain('Bucket');
  });

  it('follows no link and opens no FIFO, and reports each skipped entry once', async () => {
    const t = await setup();
    const outside = join(t.inbox, '..', 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'npmrc'), 'token=never-publish-me');
    writeFileSync(join(t.inbox, 'first.txt'), 'First\n\nBody.');
    symlinkSync(join(outside, 'npmrc'), join(t.inbox, 'secret.txt'));
    symlinkSync('..', join(t.inbox, 'parent'));
    symlinkSync('first.txt', join(t.inbox, 'alias.txt'));
    execFileSync('mkfifo', [join(t.inbox, 'pipe.txt')]);
    const skipped: string[] = [];
    await t.start((entry) => skipped.push(`${entry.path}: ${entry.reason}`));
    expect(await t.objects.keys()).toEqual(['articles/first.txt']);

    // Scans go on: a new file is only uploaded once two scans saw it the same.
    writeFileSync(join(t.inbox, 'second.txt'), 'Second\n\nBody.');
    await eventually(
      async () => ((await t.objects.keys()).length === 2 ? true : undefined),
      'the second upload',
    );
    // A link that appears later is reported when it appears.
    symlinkSync(join(outside, 'npmrc'), join(t.inbox, 'late.txt'));
    await eventually(async () => (skipped.length === 5 ? true : undefined), 'the late link');
    writeFileSync(join(t.inbox, 'third.txt'), 'Third\n\nBody.');
    await eventually(
      async () => ((await t.objects.keys()).length === 3 ? true : undefined),
      'the third upload',
    );

    expect(t.errors).toEqual([]);
    expect(skipped).toEqual([
      'alias.txt: symbolic link (not followed)',
      'parent: symbolic link (not followed)',
      'pipe.txt: FIFO (not a regular file)',
      'secret.txt: symbolic link (not followed)',
      'late.txt: symbolic link (not followed)',
    ]);
    expect(await t.objects.keys()).toEqual([
      'articles/first.txt',
      'articles/second.txt',
      'articles/third.txt',
    ]);
  });

  it('reports a manifest it cannot write, keeps mirroring, and stops cleanly', async () => {
    const t = await setup('data');
    await t.start();
    // The data folder vanishes under the running mirror: the next scan's manifest write fails.
    rmSync(t.dataDir, { recursive: true });
    writeFileSync(join(t.inbox, 'late.txt'), 'Late\n\nBody.');
    await eventually(
      async () => (t.errors.some((e) => e.includes('manifest.json')) ? true : undefined),
      'the manifest error',
    );
    expect(await t.objects.keys()).toEqual(['articles/late.txt']);

    // Once the folder is back, the next scan writes the manifest it still owes.
    mkdirSync(t.dataDir);
    await eventually(
      async () => (existsSync(join(t.dataDir, 'manifest.json')) ? true : undefined),
      'the manifest rewritten',
    );
    await mirror?.stop();
    mirror = undefined;
    expect(JSON.parse(readFileSync(join(t.dataDir, 'manifest.json'), 'utf8')).files).toHaveProperty(
      'late.txt',
    );
    expect(readdirSync(t.dataDir)).toEqual(['manifest.json']);
  });
});
