import {
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError } from './errors.ts';
import { overlap } from './folder-paths.ts';

/** Checks on `feedpub build`'s folders, all made before any emulator starts. */

const code = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

export function checkInbox(inbox: string): void {
  if (!existsSync(inbox))
    throw new CliError(
      `the inbox folder ${inbox} does not exist: pass the folder holding your articles with --inbox`,
    );
  if (!statSync(inbox).isDirectory())
    throw new CliError(`--inbox ${inbox} is a file: pass the folder that holds your articles`);
}

function assertWritable(dir: string, what: string, option: string): void {
  const probe = join(dir, `.feedpub-write-test-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (error) {
    throw new CliError(
      `cannot write to the ${what} ${dir} (${code(error)}): choose a folder you can write to with ${option}`,
      { cause: error },
    );
  }
}

/**
 * The output folder must be new or empty, so the result is exactly the site; `clean` empties
 * it first. It may not overlap the inbox (a build must never delete or read its own output).
 */
export function prepareOut(out: string, inbox: string, clean: boolean): void {
  // Real paths: with --clean, an alias of the inbox would otherwise be emptied.
  if (overlap(out, inbox))
    throw new CliError(
      `--out ${out} and --inbox ${inbox} overlap: write the site to a folder outside the inbox`,
    );
  if (existsSync(out)) {
    if (!statSync(out).isDirectory())
      throw new CliError(`--out ${out} is a file: pass a folder (it is created if missing)`);
    const entries = readdirSync(out);
    if (entries.length > 0 && !clean)
      throw new CliError(
        `the output folder ${out} is not empty: add --clean to replace its contents, or choose a new folder with --out`,
      );
    for (const entry of entries) rmSync(join(out, entry), { recursive: true, force: true });
  }
  assertWritable(out, 'output folder', '--out');
}

export function prepareJsonTarget(file: string): void {
  if (existsSync(file) && statSync(file).isDirectory())
    throw new CliError(`--json ${file} is a folder: pass a file name, e.g. --json summary.json`);
  assertWritable(dirname(file), 'folder of the JSON summary', '--json');
}
