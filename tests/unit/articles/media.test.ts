import { describe, expect, it } from 'vitest';
import { ArticleRejectedError } from '../../../shared/articles/errors.ts';
import { checkMedia } from '../../../shared/articles/media.ts';
import {
  isMediaKey,
  mediaPlaceholderPath,
  mediaSitePath,
  mediaVersion,
} from '../../../shared/contract/media.ts';

const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(
    parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)),
  );

const SAMPLES: [string, Uint8Array, string][] = [
  ['a.jpg', bytes([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg'],
  ['a.JPEG', bytes([0xff, 0xd8, 0xff, 0xdb]), 'image/jpeg'],
  ['a.png', bytes([0x89], 'PNG\r\n', [0x1a], '\n'), 'image/png'],
  ['a.gif', bytes('GIF89a'), 'image/gif'],
  ['a.webp', bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 '), 'image/webp'],
  ['a.avif', bytes([0, 0, 0, 28], 'ftypavif', [0, 0, 0, 0], 'mif1'), 'image/avif'],
  ['a.avif', bytes([0, 0, 0, 28], 'ftypmif1', [0, 0, 0, 0], 'avif'), 'image/avif'],
  ['a.mp3', bytes('ID3', [4, 0]), 'audio/mpeg'],
  ['a.mp3', bytes([0xff, 0xfb, 0x90]), 'audio/mpeg'],
  ['a.m4a', bytes([0, 0, 0, 32], 'ftypM4A ', [0, 0, 0, 0]), 'audio/mp4'],
  ['a.ogg', bytes('OggS', [0]), 'audio/ogg'],
  ['a.oga', bytes('OggS', [0]), 'audio/ogg'],
  ['a.mp4', bytes([0, 0, 0, 32], 'ftypisom', [0, 0, 2, 0]), 'video/mp4'],
  ['a.webm', bytes([0x1a, 0x45, 0xdf, 0xa3]), 'video/webm'],
  ['a.vtt', bytes('WEBVTT\n\n00:00.000 --> 00:02.000\nHello'), 'text/vtt'],
  ['a.VTT', bytes([0xef, 0xbb, 0xbf], 'WEBVTT - captions\n'), 'text/vtt'],
];

function rejection(run: () => unknown): ArticleRejectedError {
  try {
    run();
  } catch (error) {
    if (error instanceof ArticleRejectedError) return error;
    throw error;
  }
  throw new Error('not rejected');
}

describe('checkMedia', () => {
  it.each(SAMPLES)('%s with its own bytes is %s', (name, head, type) => {
    expect(checkMedia(`articles/x/${name}`, 1000, head).type).toBe(type);
  });

  it('names the real format of a .jpg that is a PNG', () => {
    const png = SAMPLES[2]?.[1] ?? new Uint8Array();
    const error = rejection(() => checkMedia('articles/x/photo.jpg', 1000, png));
    expect(error.reason).toBe('bad-media');
    expect(error.message).toBe(
      '"photo.jpg" is named .jpg but its bytes are not image/jpeg (they look like image/png): save it in that format or rename it',
    );
  });

  it('refuses a .mp4 that is HTML', () => {
    const error = rejection(() => checkMedia('articles/v.mp4', 100, bytes('<html><script>')));
    expect(error.reason).toBe('bad-media');
    expect(error.message).toContain('text or markup');
  });

  it('refuses SVG, saying why', () => {
    const error = rejection(() => checkMedia('articles/logo.svg', 100, bytes('<svg')));
    expect(error.reason).toBe('unsupported-type');
    expect(error.message).toContain('script');
    expect(isMediaKey('articles/logo.SVG')).toBe(true);
  });

  it('refuses audio, video, image and caption formats a player cannot take, saying what to convert them to', () => {
    const reasons = ['a.wav', 'b.MOV', 'c.tiff', 'd.srt', 'e.flac', 'f.heic'].map((name) => {
      expect(isMediaKey(`articles/${name}`)).toBe(true);
      const error = rejection(() => checkMedia(`articles/${name}`, 100, bytes('RIFF')));
      expect(error.reason).toBe('unsupported-type');
      return error.message.replace(/^"[^"]+": /, '').replace(/^.*convert /, 'convert ');
    });
    expect(reasons).toEqual([
      'convert it to .mp3, .m4a or .ogg',
      'convert it to .mp4 (H.264) or .webm',
      'convert it to .jpg, .png, .webp or .avif',
      'convert them to WebVTT (.vtt; the same cues, with a WEBVTT line first and "." before the milliseconds)',
      'convert it to .mp3, .m4a or .ogg',
      'convert it to .jpg, .png, .webp or .avif',
    ]);
  });

  it('applies each kind its own limit', () => {
    const jpeg = SAMPLES[0]?.[1] ?? new Uint8Array();
    expect(checkMedia('articles/a.jpg', 20 * 1024 * 1024, jpeg).kind).toBe('image');
    const error = rejection(() => checkMedia('articles/a.jpg', 20 * 1024 * 1024 + 1, jpeg));
    expect(error.reason).toBe('too-large');
    // Just over, in bytes: "20 MiB; the limit is 20 MiB" would contradict itself.
    expect(error.message).toBe(
      'file is 20,971,521 bytes; the limit for image files is 20,971,520 bytes (20 MiB)',
    );
    const webm = SAMPLES[13]?.[1] ?? new Uint8Array();
    expect(checkMedia('articles/a.webm', 500 * 1024 * 1024, webm).kind).toBe('video');
    expect(
      rejection(() => checkMedia('articles/a.mp3', 201 * 1024 * 1024, bytes('ID3'))).reason,
    ).toBe('too-large');
  });

  it('takes a caption file only when it is WebVTT, of 2 MiB at most', () => {
    const vtt = bytes('WEBVTT\n');
    expect(checkMedia('articles/c.vtt', 2 * 1024 * 1024, vtt).kind).toBe('captions');
    expect(rejection(() => checkMedia('articles/c.vtt', 2 * 1024 * 1024 + 1, vtt)).reason).toBe(
      'too-large',
    );
    // An SRT file named .vtt, or a page: not WebVTT.
    for (const head of [
      bytes('1\n00:00:00,000 --> 00:00:02,000\n'),
      bytes('WEBVTTX'),
      bytes('<html>'),
    ])
      expect(rejection(() => checkMedia('articles/c.vtt', 100, head)).reason).toBe('bad-media');
  });

  it('refuses an empty file', () => {
    expect(rejection(() => checkMedia('articles/a.png', 0, new Uint8Array())).reason).toBe('empty');
  });
});

describe('media site paths', () => {
  it('keeps the path below articles/ and versions the name', () => {
    const version = mediaVersion('"0123abcd"');
    expect(version).toMatch(/^[0-9a-f]{12}$/);
    expect(mediaVersion('0123abcd')).toBe(version);
    expect(mediaVersion('"0123abce"')).not.toBe(version);
    expect(mediaSitePath('articles/2026/12/story/lead.jpg', version)).toBe(
      `media/2026/12/story/lead.${version}.jpg`,
    );
    expect(mediaPlaceholderPath('articles/2026/12/story/lead.jpg')).toBe(
      'media/2026/12/story/lead.jpg',
    );
    expect(mediaSitePath('articles/../a//b/./c.tar.mp3', 'v')).toBe('media/a/b/c.tar.v.mp3');
  });

  it('tells media keys from articles', () => {
    expect(isMediaKey('articles/a/b.webp')).toBe(true);
    expect(isMediaKey('articles/a/b.md')).toBe(false);
    expect(isMediaKey('articles/a/jpg')).toBe(false);
  });
});
