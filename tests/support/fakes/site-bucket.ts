import type { PutHint, SiteFile } from '../../../shared/ports/site-bucket.ts';
import { MemorySiteBucket } from '../../../shared/stores/memory-site-bucket.ts';

/** One call of the bucket, whether it changed anything or not. */
export interface SiteBucketCall {
  op: 'put' | 'delete';
  path: string;
  /** It wrote or deleted an object (false: skipped, or nothing to delete). */
  changed: boolean;
}

/**
 * The product's in-memory site bucket (shared/stores/memory-site-bucket.ts) that records
 * every call in order (`calls`) and whose hooks let a test fail a call or change the table
 * while files are being written.
 */
export class InMemorySiteBucket extends MemorySiteBucket {
  readonly calls: SiteBucketCall[] = [];
  /** Runs before each put: it may throw (that PUT fails) or write elsewhere. */
  beforePut?: (file: SiteFile) => void | Promise<void>;
  beforeDelete?: (path: string) => void | Promise<void>;

  /** The hints puts were given, by path (the in-memory bucket needs none). */
  readonly hints = new Map<string, PutHint>();

  override async put(file: SiteFile, stamp: number, hint: PutHint = {}): Promise<boolean> {
    await this.beforePut?.(file);
    this.hints.set(file.path, hint);
    const changed = await super.put(file, stamp, hint);
    this.calls.push({ op: 'put', path: file.path, changed });
    return changed;
  }

  override async delete(path: string, stamp: number): Promise<boolean> {
    await this.beforeDelete?.(path);
    const changed = await super.delete(path, stamp);
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
      foreign: true,
      stamp: 0,
    });
  }

  text(path: string): string | undefined {
    const body = this.objects.get(path)?.file.body;
    return body === undefined ? undefined : bodyText(body);
  }

  /** The paths `op` was called for, in call order (a path called twice appears twice). */
  pathsOf(op: SiteBucketCall['op']): string[] {
    return this.calls.filter((c) => c.op === op).map((c) => c.path);
  }
}

/** A site file's body as text (feed documents come as their UTF-8). */
export function bodyText(body: SiteFile['body']): string {
  return typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
}
