import { MEDIA_CACHE_CONTROL } from '../contract/media.ts';
import type { MediaCopy, SiteMedia } from '../ports/site-media.ts';
import type { MemoryInbox } from './memory-inbox.ts';

export interface MediaFile {
  body: Uint8Array;
  contentType: string;
  cacheControl: string;
}

/**
 * Where an inbox object's bytes can be copied from when the inbox holds only its first bytes
 * (a media file `feedpub build` did not read whole): a function that writes them to a path.
 */
export type MediaSource = (target: string) => void;

interface Held {
  /** The bytes, or where to copy them from. */
  body: Uint8Array | MediaSource;
  contentType: string;
  cacheControl: string;
}

/** The site's media in memory, copied from a MemoryInbox as S3SiteMedia copies between buckets. */
export class MemorySiteMedia implements SiteMedia {
  private readonly files = new Map<string, Held>();
  private readonly inbox: MemoryInbox;
  private readonly sourceOf: (inboxKey: string) => MediaSource | undefined;

  constructor({
    inbox,
    sourceOf = () => undefined,
  }: {
    inbox: MemoryInbox;
    /** A file's source outside the inbox, for objects the inbox holds only the start of. */
    sourceOf?: (inboxKey: string) => MediaSource | undefined;
  }) {
    this.inbox = inbox;
    this.sourceOf = sourceOf;
  }

  async publish(file: MediaCopy): Promise<void> {
    const body = this.sourceOf(file.inboxKey) ?? this.inbox.object(file.inboxKey, file.versionId);
    if (!body) throw new Error(`NoSuchKey: ${file.inboxKey} is not in the inbox`);
    this.files.set(file.path, { body, contentType: file.type, cacheControl: MEDIA_CACHE_CONTROL });
  }

  /** Writes the file at `path` to `target`: its bytes, or a copy from its source. */
  writeTo(path: string, target: string, write: (target: string, body: Uint8Array) => void): void {
    const held = this.files.get(path);
    if (!held) throw new Error(`NoSuchKey: ${path} is not a published media file`);
    if (typeof held.body === 'function') held.body(target);
    else write(target, held.body);
  }

  async remove(path: string): Promise<void> {
    this.files.delete(path);
  }

  /** The file at `path` in memory (one copied from a source is not: see writeTo). */
  file(path: string): MediaFile | undefined {
    const stored = this.files.get(path);
    if (!stored || typeof stored.body === 'function') return undefined;
    return { ...stored, body: stored.body.slice() };
  }

  /** Every file's path, sorted. */
  paths(): string[] {
    return [...this.files.keys()].sort();
  }
}
