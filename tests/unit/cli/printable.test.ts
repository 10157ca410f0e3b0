import { describe, expect, it } from 'vitest';
import { describeSkipped } from '../../../shared/cli/build.ts';
import {
  describeOutcome,
  describeRelease,
  nestedArticlesNote,
  printable,
} from '../../../shared/cli/reporter.ts';
import type { IngestReport } from '../../../shared/contract/inbox.ts';
import type { IngestOutcome } from '../../../shared/ingest/outcome.ts';

describe('the line dev prints for an upload', () => {
  const applied = (report: Partial<IngestReport>) =>
    describeOutcome({
      kind: 'applied',
      report: { key: 'articles/k.md', sequencer: '01', eventTime: '', warnings: [], ...report },
    } as IngestOutcome);

  it('says a move redirects only when it made a redirect, names a media file by its URL, says what the release schedule did, and claims nothing of a deletion', () => {
    const moved = { status: 'moved' as const, id: 'new', movedFrom: 'articles/old.md' };
    expect(applied({ ...moved, redirectedFrom: 'articles/old.html' })[0]).toMatch(
      /moved +articles\/k\.md → new \(moved from articles\/old\.md: same story; articles\/old\.html redirects here\)$/,
    );
    expect(applied(moved)[0]).toMatch(/→ new \(moved from articles\/old\.md: same story\)$/);
    expect(applied({ status: 'published', url: 'https://n.example/media/k.png' })[0]).toMatch(
      /published +articles\/k\.md → https:\/\/n\.example\/media\/k\.png$/,
    );
    expect(describeRelease({ released: ['a'], expired: ['b'] })).toEqual([
      expect.stringMatching(/released +a \(its date came: published\)$/),
      expect.stringMatching(/expired +b \(its expires date came: withdrawn\)$/),
    ]);
    expect(applied({ status: 'deleted', id: 'k' })[0]).toMatch(
      /deleted +articles\/k\.md \(story k deleted\)$/,
    );
    // A delete that made the held copy of its story the story (a move, copy first) says so.
    const also: IngestReport = {
      key: 'articles/k2.md',
      sequencer: '02',
      eventTime: '',
      warnings: [],
      status: 'moved',
      id: 'k2',
      movedFrom: 'articles/k.md',
    };
    const deleted = describeOutcome({
      kind: 'applied',
      report: {
        key: 'articles/k.md',
        sequencer: '03',
        eventTime: '',
        warnings: [],
        status: 'deleted',
        id: 'k',
      },
      also: [also],
    });
    expect(deleted[0]).toMatch(
      /deleted +articles\/k\.md \(its story moved to articles\/k2\.md → k2\)$/,
    );
  });
});

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

describe('an upload at articles/articles/ (the S3 layout copied into the inbox folder)', () => {
  it('is noted, saying where it would have been published', () => {
    const outcome = (key: string) =>
      ({
        kind: 'applied',
        report: { key, sequencer: '01', eventTime: '', warnings: [], status: 'published', id: 'x' },
      }) satisfies IngestOutcome;
    expect(nestedArticlesNote(outcome('articles/articles/nested.md'))).toBe(
      'feedpub: note: articles/articles/nested.md is published a folder deep (the inbox folder is articles/ already): to publish it at articles/nested.md, move the files of inbox/articles/ up a level',
    );
    expect(nestedArticlesNote(outcome('articles/2026/nested.md'))).toBeUndefined();
  });
});
