import { describe, expect, it } from 'vitest';
import { describeSkipped } from '../../../shared/cli/build.ts';
import { describeOutcome, printable } from '../../../shared/cli/reporter.ts';

describe('names printed on a terminal', () => {
  it('cannot start a line of their own or turn one around', () => {
    const evil = 'evil.md: file is empty (empty)\n  rejected  other.md';
    expect(printable(evil)).toBe('evil.md: file is empty (empty)\\n  rejected  other.md');
    expect(printable('a\u202etxt.md\u2028x\u0007\r\t')).toBe('a\\u202etxt.md\\u2028x\\u0007\\r\\t');
    // What a name may hold otherwise stays as it is: accents, emoji, other scripts.
    expect(printable('Été à Paris/😀 مرحبا.md')).toBe('Été à Paris/😀 مرحبا.md');
  });

  it('are printed so by build, validate and dev', () => {
    expect(describeSkipped([{ path: 'a\nb.md', reason: 'FIFO (not a regular file)' }])).toContain(
      '  skipped   a\\nb.md: FIFO (not a regular file)',
    );
    const [lineOut] = describeOutcome({
      kind: 'ignored',
      key: 'articles/x\ny',
      why: 'not under articles/',
    });
    expect(lineOut).toMatch(/ignored +articles\/x\\ny: not under articles\/$/);
    expect(lineOut).not.toContain('\n');
  });
});
