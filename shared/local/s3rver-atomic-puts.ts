import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** What s3rver 3.7's filesystem store passes to putObject, and what this replacement uses of it. */
interface StoredObjectInput {
  bucket: string;
  key: string;
  content: Buffer | NodeJS.ReadableStream;
  metadata: Record<string, unknown>;
}

interface FilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: unknown, md5: string): Promise<void>;
  putObject(object: StoredObjectInput): Promise<{ size: number; md5: string }>;
}

/**
 * s3rver 3.7 writes an object's bytes in place and answers the PUT before they are flushed
 * (for a buffered body it resolves as soon as it *starts* the write), so a GET right after a
 * PUT, or during a rewrite, can read an empty or partial object: S3 never shows either. This
 * replacement writes the bytes to a temporary file beside the object, waits until they are on
 * disk, and renames it into place, so a reader sees the old bytes or the new ones, whole.
 * (Its name does not end like an object file's, so listings never show it.)
 */
export function makePutsAtomic(store: FilesystemStore): void {
  store.putObject = async function putObject(this: FilesystemStore, object) {
    const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(objectPath), { recursive: true });
    // A short name beside the object: the object's own name may be near the 255-byte limit.
    const temporary = join(dirname(objectPath), `.partial-${randomUUID().slice(0, 8)}`);
    const md5 = createHash('md5');
    let size = 0;
    const source = Buffer.isBuffer(object.content)
      ? Readable.from([object.content])
      : (object.content as NodeJS.ReadableStream);
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        md5.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, createWriteStream(temporary));
      await rename(temporary, objectPath);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    const digest = md5.digest('hex');
    await this.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { size, md5: digest };
  };
}
