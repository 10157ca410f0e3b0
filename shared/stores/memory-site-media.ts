import { MEDIA_CACHE_CONTROL } from '../contract/media.ts';
import type { MediaCopy, SiteMedia } from '../ports/site-media.ts';
import type { MemoryInbox } from './memory-inbox.ts';

export interface MediaFile {
  body: Uint8Array;
  contentType: string;
  cacheControl: string;
}

/** The site's media in memory, copied from a MemoryInbox as S3SiteMedia copies between buckets. */
export class MemorySiteMedia implements SiteMedia {
  private readonly files = new Map<string, MediaFile>();
  private readonly inbox: MemoryInbox;

  constructor({ inbox }: { inbox: MemoryInbox }) {
    this.inbox = inbox;
  }

  async publish(file: MediaCopy): Promise<void> {
    const body = this.inbox.object(file.inboxKey, file.versionId);
    if (!body) throw new Error(`NoSuchKey: ${file.inboxKey} is not in the inbox`);
    this.files.set(file.path, { body, contentType: file.type, cacheControl: MEDIA_CACHE_CONTROL });
  }

  async remove(path: string): Promise<void> {
    this.files.delete(path);
  }

  file(path: string): MediaFile | undefined {
    const stored = this.files.get(path);
    return stored ? { ...stored, body: stored.body.slice() } : undefined;
  }

  /** Every file's path, sorted. */
  paths(): string[] {
    return [...this.files.keys()].sort();
  }
}
