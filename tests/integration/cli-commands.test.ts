import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.ts';

const { version } = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string };

describe('feedpub, its commands', () => {
  it('prints its version', async () => {
    for (const flag of ['--version', '-V']) {
      const run = await runCli([flag]);
      expect(run).toMatchObject({ code: 0, stdout: `${version}\n` });
    }
  });

  it('names a mistyped command and the one meant, instead of passing it to dev', async () => {
    const run = await runCli(['biuld', '--inbox', 'x']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "feedpub: unknown command 'biuld' (did you mean build?); the commands are dev, build, validate, status, reports, redrive, republish (feedpub --help)\n",
    );
    const unknown = await runCli(['deploy']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown command 'deploy'; the commands are");
    const near = await runCli(['publish']);
    expect(near.stderr).toContain("unknown command 'publish' (did you mean republish?)");
  });

  it('lists every command in its help', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['dev', 'build', 'validate']) expect(run.stdout).toContain(command);
  });
});
