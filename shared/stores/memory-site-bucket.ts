import { sha256 } from '../contract/content-hash.ts';
import type { PutHint, SiteBucket, SiteFile } from '../ports/site-bucket.ts';

interface StoredObject {
  file: SiteFile;
  /** Written by another tool: it has no content hash, so any put replaces it. */
  foreign?: boolean;
  /** The content hash, once a later put needed it (a build writes most files once). */
  hash?: string;
  /** The stamp of the render that wrote it (0 on an object someone else wrote). */
  stamp: number;
}

function hashOf(stored: StoredObject): string {
  if (stored.foreign) return '';
  stored.hash ??= sha256(stored.file.body);
  return stored.hash;
}

/**
 * The site bucket in memory, as S3SiteBucket behaves (the contract suite in tests/contract
 * holds both to it): a put whose body hashes like the stored object's, or whose stamp is
 * lower, writes nothing (whatever its content type) and returns false; a delete returns
 * whether it removed an object (not one stamped higher). `feedpub build` renders into it and
 * then writes its files to the output folder.
 */
export class MemorySiteBucket implements SiteBucket {
  protected readonly objects = new Map<string, StoredObject>();

  async put(file: SiteFile, stamp: number, _hint: PutHint = {}): Promise<boolean> {
    const stored = this.objects.get(file.path);
    if (!stored && file.replaceOnly) return false;
    const changed =
      !stored ||
      (stored.stamp <= stamp &&
        (hashOf(stored) !== sha256(file.body) || stored.file.contentType !== file.contentType));
    if (changed) this.objects.set(file.path, { file: { ...file }, stamp });
    return changed;
  }

  async delete(path: string, stamp: number): Promise<boolean> {
    const stored = this.objects.get(path);
    return stored !== undefined && stored.stamp <= stamp && this.objects.delete(path);
  }

  file(path: string): SiteFile | undefined {
    const stored = this.objects.get(path);
    return stored ? { ...stored.file } : undefined;
  }

  /** Every object's path, sorted. */
  paths(): string[] {
    return [...this.objects.keys()].sort();
  }
}
