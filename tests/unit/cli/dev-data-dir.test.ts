import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimDataDir, DEV_PID_FILE } from '../../../shared/cli/dev-folders.ts';
import { CliError } from '../../../shared/cli/errors.ts';

/** The mark a `feedpub dev` puts on its data folder, so a second one is refused. */
describe('claimDataDir', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'feedpub-claim-'));
    dirs.push(dir);
    return dir;
  };
  const mark = (dir: string) => readFileSync(join(dir, DEV_PID_FILE), 'utf8');

  it('marks the folder with this process and unmarks it on release', () => {
    const dir = folder();
    const release = claimDataDir(dir);
    expect(mark(dir)).toBe(`${process.pid}\n`);
    release();
    expect(() => mark(dir)).toThrow(/ENOENT/);
  });

  it('takes over the mark of a dev that is gone, and refuses a live one', () => {
    const dir = folder();
    // A pid no process has (above Linux's pid_max).
    writeFileSync(join(dir, DEV_PID_FILE), '4194305\n');
    claimDataDir(dir);
    expect(mark(dir)).toBe(`${process.pid}\n`);

    const other = folder();
    // The parent process is alive, and is not this one.
    writeFileSync(join(other, DEV_PID_FILE), `${process.ppid}\n`);
    expect(() => claimDataDir(other)).toThrow(CliError);
    expect(() => claimDataDir(other)).toThrow(
      `feedpub dev is already running on ${other} (process ${process.ppid})`,
    );
  });

  it('leaves a mark that is no longer its own on release', () => {
    const dir = folder();
    const release = claimDataDir(dir);
    writeFileSync(join(dir, DEV_PID_FILE), `${process.ppid}\n`);
    release();
    expect(mark(dir)).toBe(`${process.ppid}\n`);
  });
});
