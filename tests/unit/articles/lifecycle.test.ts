import { describe, expect, it } from 'vitest';
import { ArticleRejectedError } from '../../../shared/articles/errors.ts';
import {
  applyDueTransitions,
  claimedUpdate,
  EXPIRED_NOTE,
  nextTransitionAt,
} from '../../../shared/articles/lifecycle.ts';
import { parseArticle } from '../../../shared/articles/parse.ts';
import { testArticle } from '../../support/fakes/articles.ts';

const SITE = 'https://news.example.com/';
const parse = (front: string, key = 'articles/a.md') =>
  parseArticle({
    key,
    body: Buffer.from(`---\ntitle: A story\n${front}---\n\nBody.\n`),
    siteUrl: SITE,
  }).article;
const rejection = (front: string) => {
  try {
    parse(front);
  } catch (error) {
    if (error instanceof ArticleRejectedError) return `${error.reason}: ${error.message}`;
    throw error;
  }
  throw new Error('expected a rejection');
};

describe('the lifecycle fields of a file', () => {
  it('reads status, note, correction, minor and expires, the same in front matter and JSON', () => {
    expect(
      parse(
        'status: withdrawn\nnote: "  Legal\\nreview "\ncorrection: Fixed the name.\nminor: true\nexpires: 2027-01-01\n',
      ),
    ).toMatchObject({
      withdrawn: true,
      note: 'Legal review',
      correction: 'Fixed the name.',
      minor: true,
      expires: '2027-01-01T00:00:00.000Z',
      draft: false,
    });
    const json = parseArticle({
      key: 'articles/a.json',
      body: Buffer.from(
        JSON.stringify({ title: 'A', content: '<p>x</p>', status: 'draft', correction: 'C' }),
      ),
      siteUrl: SITE,
    }).article;
    expect(json).toMatchObject({ draft: true, correction: 'C' });
    expect(parse('feedContent: summary\n')).toMatchObject({ feedContent: 'summary' });
    expect(rejection('feedContent: teaser\n')).toBe(
      'invalid-field: front matter line 2 (line 3 of the file): field "feedContent": expected "full" or "summary", got "teaser"',
    );
    expect(json).not.toHaveProperty('withdrawn');
    // Absent fields stay absent: an unchanged file hashes as before.
    expect(parse('')).not.toHaveProperty('minor');
    expect(parse('status: published\n')).toMatchObject({ draft: false });
  });

  it('rejects a status it does not know and an expiry not after the date, saying which field', () => {
    expect(rejection('status: retracted\n')).toBe(
      'invalid-field: front matter line 2 (line 3 of the file): field "status": expected "published", "draft" or "withdrawn", got "retracted"',
    );
    expect(rejection('date: 2026-05-01\nexpires: 2026-04-30\n')).toBe(
      'invalid-field: field "expires": 2026-04-30T00:00:00.000Z is not after "date" (2026-05-01T00:00:00.000Z): the story would never be shown',
    );
    expect(rejection('minor: sure\n')).toMatch(
      /^invalid-field: front matter line 2 \(line 3 of the file\): field "minor": expected true or false, got a string$/,
    );
  });
});

describe('timed transitions', () => {
  const scheduled = testArticle('a', {
    status: 'scheduled',
    published: '2026-05-01T00:00:00.000Z',
    expires: '2026-05-10T00:00:00.000Z',
  });

  it('a scheduled story goes live at its date, then is withdrawn at its expiry', () => {
    expect(nextTransitionAt(scheduled)).toBe('2026-05-01T00:00:00.000Z');
    expect(applyDueTransitions(scheduled, '2026-04-30T23:59:59.999Z')).toBe(scheduled);
    const live = applyDueTransitions(scheduled, '2026-05-01T00:00:00.000Z');
    expect(live.status).toBe('live');
    expect(nextTransitionAt(live)).toBe('2026-05-10T00:00:00.000Z');
    const expired = applyDueTransitions(live, '2026-05-10T00:00:00.000Z');
    expect(expired).toMatchObject({
      status: 'withdrawn',
      withdrawn: { at: '2026-05-10T00:00:00.000Z', note: EXPIRED_NOTE },
    });
    expect(nextTransitionAt(expired)).toBeUndefined();
  });

  it('an expiry found late is dated when the story left, never before its expires', () => {
    const live = { ...scheduled, status: 'live' as const };
    // The release run came a day late: readers get the whole announcement window from then.
    expect(applyDueTransitions(live, '2026-05-11T00:00:00.000Z').withdrawn?.at).toBe(
      '2026-05-11T00:00:00.000Z',
    );
    // An upload found it expired: dated with the upload, or the expiry if that came later.
    const upload = (at: string) =>
      applyDueTransitions(live, '2026-05-12T00:00:00.000Z', true, at).withdrawn?.at;
    expect(upload('2026-05-11T12:00:00.000Z')).toBe('2026-05-11T12:00:00.000Z');
    expect(upload('2026-05-09T00:00:00.000Z')).toBe('2026-05-10T00:00:00.000Z');
  });

  it('a story that expires before it was ever shown leaves no withdrawal to announce', () => {
    const late = applyDueTransitions(scheduled, '2026-06-01T00:00:00.000Z');
    expect(late.status).toBe('withdrawn');
    expect(late).not.toHaveProperty('withdrawn');
  });

  it('drafts and withdrawn stories have no timed transition', () => {
    expect(nextTransitionAt({ ...scheduled, status: 'draft' })).toBeUndefined();
    expect(nextTransitionAt({ ...scheduled, status: 'withdrawn' })).toBeUndefined();
    expect(nextTransitionAt(testArticle('b'))).toBeUndefined();
  });
});

describe('claimedUpdate', () => {
  const at = '2026-12-06T10:00:00.000Z';
  it.each([
    ['an update before the upload', { updated: '2026-12-05T00:00:00.000Z' }],
    ['one at the upload', { updated: at }],
    [
      'one after the upload, up to a date still to come',
      { date: '2027-01-01T00:00:00.000Z', updated: '2027-01-01T00:00:00.000Z' },
    ],
  ])('keeps %s', (_, article) => {
    expect(claimedUpdate(article, at)).toEqual({ updated: article.updated });
  });

  it('does not use an update later than the upload and the date, and says why', () => {
    expect(
      claimedUpdate({ date: '2026-12-03T00:00:00.000Z', updated: '2062-12-03T00:00:00.000Z' }, at),
    ).toEqual({
      warning: `"updated" (2062-12-03T00:00:00.000Z) is later than the upload (${at}): a story is not updated in the future, so it is not used`,
    });
    expect(
      claimedUpdate({ date: '2027-01-01T00:00:00.000Z', updated: '2027-01-02T00:00:00.000Z' }, at)
        .warning,
    ).toMatch(/is later than "date" \(2027-01-01T00:00:00.000Z\)/);
    expect(claimedUpdate({}, at)).toEqual({});
  });
});
