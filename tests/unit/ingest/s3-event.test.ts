import { describe, expect, it } from 'vitest';
import { decodeS3EventKey } from '../../../shared/articles/object-key.ts';
import { PoisonMessageError } from '../../../shared/ingest/errors.ts';
import { compareSequencers } from '../../../shared/ingest/object-event.ts';
import { objectEventsFromMessage } from '../../../shared/ingest/s3-event.ts';
import { encodeKeyLikeS3 } from '../../../shared/local/s3-notifications.ts';

const record = (eventName: string, key: string, extra: Record<string, unknown> = {}) => ({
  eventName,
  eventTime: '2026-01-01T00:00:00.000Z',
  s3: { bucket: { name: 'inbox' }, object: { key, sequencer: '0055AED6DCD90281E5', ...extra } },
});

describe('S3 event notifications in SQS messages', () => {
  it('decodes keys as S3 encodes them', () => {
    const [event] = objectEventsFromMessage(
      JSON.stringify({
        Records: [record('ObjectCreated:Put', 'articles/caf%C3%A9/A+b%2Bc+100%25.txt')],
      }),
    );
    expect(event).toMatchObject({
      kind: 'created',
      key: 'articles/café/A b+c 100%.txt',
      bucket: 'inbox',
    });
  });

  it.each([
    ['ObjectCreated:Put', 'created'],
    ['ObjectCreated:CompleteMultipartUpload', 'created'],
    // A versioned bucket: one version deleted for good (an old one, or a delete marker).
    ['ObjectRemoved:Delete', 'version-removed'],
    ['ObjectRemoved:DeleteMarkerCreated', 'removed'],
  ])('maps %s to %s and keeps the version id', (name, kind) => {
    const [event] = objectEventsFromMessage(
      JSON.stringify({ Records: [record(name, 'articles/a.txt', { versionId: 'v1' })] }),
    );
    expect(event).toMatchObject({ kind, versionId: 'v1' });
  });

  it('maps ObjectRemoved:Delete without a version id (an unversioned bucket) to removed', () => {
    for (const extra of [{}, { versionId: '' }]) {
      const [event] = objectEventsFromMessage(
        JSON.stringify({ Records: [record('ObjectRemoved:Delete', 'articles/a.txt', extra)] }),
      );
      expect(event).toMatchObject({ kind: 'removed', versionId: undefined });
    }
  });

  it('yields nothing for the subscription test event or other event types', () => {
    expect(
      objectEventsFromMessage(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent' })),
    ).toEqual([]);
    expect(
      objectEventsFromMessage(
        JSON.stringify({ Records: [record('ObjectRestore:Post', 'articles/a.txt')] }),
      ),
    ).toEqual([]);
  });

  it.each([
    ['not json', 'not JSON'],
    ['{"hello":1}', 'no Records'],
    [JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', s3: {} }] }), 'Records[0] lacks'],
    [
      JSON.stringify({ Records: [record('ObjectCreated:Put', 'articles/%E0%A4%A.txt')] }),
      'Records[0]',
    ],
    [
      JSON.stringify({ Records: [{ ...record('ObjectCreated:Put', 'a'), eventTime: 'soon' }] }),
      'eventTime',
    ],
  ])('treats %j as poison, saying why', (body, why) => {
    expect(() => objectEventsFromMessage(body)).toThrow(PoisonMessageError);
    expect(() => objectEventsFromMessage(body)).toThrow(why);
  });
});

describe('sequencers', () => {
  it.each([
    ['0A', '0B', -1],
    ['0B', '0A', 1],
    ['0A', '00000A', 0],
    ['FF', '0100', -1],
    ['0055aed6dcd90281e5', '0055AED6DCD90281E6', -1],
  ])('compare(%s, %s) = %i', (a, b, expected) => {
    expect(Math.sign(compareSequencers(a, b))).toBe(expected);
  });
});

describe('local S3 notifications encode keys as S3 does', () => {
  it.each([
    'articles/A b.txt',
    'articles/a+b%c.md',
    'articles/ünï cödé/😀 x.json',
    'articles/a&b=c?.txt',
  ])('round-trips %s', (key) => {
    const encoded = encodeKeyLikeS3(key);
    expect(encoded).not.toContain(' ');
    expect(decodeS3EventKey(encoded)).toBe(key);
  });
});
