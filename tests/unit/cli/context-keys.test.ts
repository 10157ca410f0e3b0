import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contextSettings } from '../../../shared/cli/options.ts';

describe("cdk.json's context, as the CLI reads it", () => {
  const withContext = (context: Record<string, unknown>) => {
    const folder = mkdtempSync(join(tmpdir(), 'feedpub-context-'));
    writeFileSync(join(folder, 'cdk.json'), JSON.stringify({ app: 'x', context }));
    try {
      return contextSettings(folder);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  };

  it('refuses a misspelled key as the CDK app does, naming what was meant', () => {
    expect(() => withContext({ feedTitel: 'News' })).toThrow(
      /^cdk\.json context: "feedTitel" is not a feedpub setting: did you mean feedTitle\? \(the settings: siteUrl, /,
    );
  });

  it("reads ours, the stacks' own and CDK's keys without a word", () => {
    const read = withContext({
      feedTitle: 'News',
      tableWarmWrites: 20000,
      '@aws-cdk/core:newStyleStackSynthesis': true,
      'acknowledged-issue-numbers': [1],
    });
    expect(read('feedTitle')).toBe('News');
  });
});
