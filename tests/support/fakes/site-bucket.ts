import { sha256 } from '../../../shared/contract/content-hash.ts';
import type { PutHint, SiteBucket, SiteFile } from '../../../shared/ports/site-bucket.ts';

/** One call of the bucket, whether it changed anything or not. */
export interface SiteBucketCall {
  op: 'put' | 'delete';
  path: string;
  /** It wrote or deleted an object (false: skipped, or nothing to delete). */
  changed: boolean;
}

interface StoredObject {
  file: SiteFile;
  /** The content hash kept in the object's metadata; absent on an object someone else wrote. */
  hash?: string;
  /** The stamp of the render that wrote it (0 on an object someone else wrote). */
  stamp: number;
}

/**
 * The site bucket in memory, as S3SiteBucket behaves: a put whose body hashes like the
 * stored object's, or whose stamp is lower, writes nothing (whatever its content type) and
 * returns false; a delete returns whether it removed an object (not one stamped higher). `calls` records every call in order; the hooks let a
 * test fail a call or change the table while files are being written.
 */
export class InMemorySiteBucket implements SiteBucket {
  private readonly objects = new Map<string, StoredObject>();
  readonly calls: SiteBucketCall[] = [];
  /** Runs before each put: it may throw (that PUT fails) or write elsewhere. */
  beforePut?: (file: SiteFile) => void | Promise<void>;
  beforeDelete?: (path: string) => void | Promise<void>;

  /** The hints puts were given, by path (the in-memory bucket needs none). */
  readonly hints = new Map<string, PutHint>();

  async put(file: SiteFile, stamp: number, hint: PutHint = {}): Promise<boolean> {
    await this.beforePut?.(file);
    this.hints.set(file.path, hint);
    const hash = sha256(file.body);
    const stored = this.objects.get(file.path);
    const changed = !stored || (stored.stamp <= stamp && (stored.hash ?? '') !== hash);
    if (changed) this.objects.set(file.path, { file: { ...file }, hash, stamp });
    this.calls.push({ op: 'put', path: file.path, changed });
    return changed;
  }

  async delete(path: string, stamp: number): Promise<boolean> {
    await this.beforeDelete?.(path);
    const stored = this.objects.get(path);
    const changed = stored !== undefined && stored.stamp <= stamp && this.objects.delete(path);
    this.calls.push({ op: 'delete', path, changed });
    return changed;
  }

  /** The stamp the object at `path` was written with. */
  stampOf(path: string): number | undefined {
    return this.objects.get(path)?.stamp;
  }

  /** Stores an object as another tool would: without the content hash. */
  plant(path: string, body: string): void {
    this.objects.set(path, {
      file: { path, body, contentType: 'application/octet-stream', cacheControl: '' },
      stamp: 0,
    });
  }

  file(path: string): SiteFile | undefined {
    const stored = this.objects.get(path);
    return stored ? { ...stored.file } : undefined;
  }

  text(path: string): string | undefined {
    return this.objects.get(path)?.file.body;
  }

  paths(): string[] {
    return [...this.objects.keys()].sort();
  }

  /** The paths `op` was called for, in call order (a path called twice appears twice). */
  pathsOf(op: SiteBucketCall['op']): string[] {
    return this.calls.filter((c) => c.op === op).map((c) => c.path);
  }
}
