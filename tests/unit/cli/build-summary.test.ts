import { describe, expect, it } from 'vitest';
import {
  describeSummary,
  type SummaryEntry,
  WARNINGS_SHOWN,
} from '../../../shared/cli/build-summary.ts';

const entry = (file: string, patch: Partial<SummaryEntry> = {}): SummaryEntry => ({
  file,
  key: `articles/${file}`,
  status: 'published',
  id: file.replace(/\.md$/, ''),
  title: file,
  reason: null,
  code: null,
  copyOf: null,
  movedFrom: null,
  warnings: [],
  ...patch,
});

describe("feedpub build's summary", () => {
  it('names each warning of a published file, as validate does (a media file it names that is not there)', () => {
    const lines = describeSummary([
      entry('quay.md', {
        warnings: [
          'media "articles/nope/lead.jpg" is not in the inbox (yet): its link answers 404 until it is',
        ],
      }),
      entry('bad.md', { status: 'rejected', reason: 'no title', code: 'invalid-field' }),
      entry('fine.md'),
    ]);
    expect(lines).toEqual([
      '3 files: 2 published, 1 rejected',
      '  rejected  bad.md: no title',
      '  warning   quay.md: media "articles/nope/lead.jpg" is not in the inbox (yet): its link answers 404 until it is',
    ]);
  });

  it('names the first warnings of a large build and says how many more --json holds', () => {
    const many = Array.from({ length: WARNINGS_SHOWN + 7 }, (_, i) =>
      entry(`a${i}.md`, { warnings: ['unknown field "subtitle" ignored'] }),
    );
    const lines = describeSummary(many);
    expect(lines.filter((l) => l.startsWith('  warning'))).toHaveLength(WARNINGS_SHOWN);
    expect(lines.at(-1)).toBe("  … and 7 more warnings (--json lists every file's)");
  });
});
