import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type InboxMirror, startInboxMirror } from '../../shared/local/inbox-mirror.ts';
import { createBucket } from '../../shared/local/resources.ts';
import { emulatorClients, uniqueName } from '../support/aws.ts';
import { eventually } from '../support/cli-process.ts';
import { bucketHelpers } from '../support/site.ts';

/** The inbox folder ↔ inbox bucket mirror behind `feedpub dev`, against the run's s3rver. */
describe('inbox mirror', () => {
  const { s3 } = emulatorClients();
  let mirror: InboxMirror | undefined;
  afterEach(async () => {
    await mirror?.stop();
    mirror = undefined;
  });

  async function setup() {
    const dir = mkdtempSync(join(tmpdir(), 'feedpub-mirror-'));
    const bucket = uniqueName('mirror');
    await createBucket(s3, bucket);
    const manifestPath = join(dir, 'manifest.json');
    const errors: string[] = [];
    const start = async () => {
      mirror = await startInboxMirror({
        dir: join(dir, 'inbox'),
        s3,
        bucket,
        manifestPath,
        intervalMs: 50,
        onError: (error, path) => errors.push(`${path}: ${error}`),
      });
      return mirror;
    };
    mkdirSync(join(dir, 'inbox'));
    return {
      inbox: join(dir, 'inbox'),
      objects: bucketHelpers(s3, bucket),
      start,
      errors,
      cleanup: () => rmSync(dir, { recursive: true }),
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
      5_000,
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
      5_000,
      'the changed upload',
    );
    rmSync(join(t.inbox, 'first.txt'));
    await eventually(
      async () => ((await t.objects.keys()).length === 1 ? true : undefined),
      5_000,
      'the deletion',
    );
    expect(t.errors).toEqual([]);
    t.cleanup();
  });

  it('reconciles on start: uploads what changed while stopped, deletes only its own objects', async () => {
    const t = await setup();
    writeFileSync(join(t.inbox, 'kept.txt'), 'Kept\n\nBody.');
    writeFileSync(join(t.inbox, 'gone.txt'), 'Gone\n\nBody.');
    writeFileSync(join(t.inbox, 'edited.txt'), 'Edited\n\nBefore.');
    await (await t.start()).stop();
    await t.objects.put('articles/from-aws-cli.txt', 'Uploaded\n\nDirectly.');

    rmSync(join(t.inbox, 'gone.txt'));
    writeFileSync(join(t.inbox, 'edited.txt'), 'Edited\n\nAfter!');
    utimesSync(join(t.inbox, 'edited.txt'), new Date(), new Date(Date.now() + 5_000));
    writeFileSync(join(t.inbox, 'new.txt'), 'New\n\nBody.');
    const restarted = await t.start();

    expect(t.errors).toEqual([]);
    expect(restarted.reconciled).toEqual({ uploaded: 2, deleted: 1, unchanged: 1 });
    expect(await t.objects.keys()).toEqual([
      'articles/edited.txt',
      'articles/from-aws-cli.txt',
      'articles/kept.txt',
      'articles/new.txt',
    ]);
    expect(await t.objects.text('articles/edited.txt')).toContain('After!');
    t.cleanup();
  });
});
