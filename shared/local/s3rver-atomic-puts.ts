import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
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
  getBucketPath(bucket: string): string;
  deleteObject(bucket: string, key: string): Promise<void>;
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
    // The body read first (up to WHOLE_BYTES): its folder is made just before it is written,
    // and a write that loses a race can be tried again with the same bytes.
    const whole = await wholeIfSmall(object);
    const body = whole ? { ...object, content: whole } : object;
    for (let attempt = 1; ; attempt++) {
      try {
        return await writeAtomically(this, body);
      } catch (error) {
        // Its folder was tidied away by a delete (makeDeletesSafe) between the mkdir and the
        // write: again (bytes read whole can be written again; a stream cannot, and fails).
        if (!raced(error) || attempt >= 5 || !Buffer.isBuffer(body.content)) throw error;
      }
    }
  };
}

/** Errors of a directory another request removed or filled meanwhile: not this request's failure. */
const RACED = new Set(['ENOENT', 'ENOTEMPTY', 'EEXIST']);
const raced = (error: unknown) => RACED.has((error as NodeJS.ErrnoException).code ?? '');

async function writeAtomically(
  store: FilesystemStore,
  object: StoredObjectInput,
): Promise<{ size: number; md5: string }> {
  const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
  await mkdir(dirname(objectPath), { recursive: true });
  // A short name beside the object: the object's own name may be near the 255-byte limit.
  const temporary = join(dirname(objectPath), `.partial-${randomUUID().slice(0, 8)}`);
  const md5 = createHash('md5');
  let size = 0;
  try {
    if (Buffer.isBuffer(object.content)) {
      // The usual case (a page, a feed, an upload): one write, not a stream's write per chunk.
      md5.update(object.content);
      size = object.content.length;
      await writeFile(temporary, object.content, { flag: 'wx' });
    } else {
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          md5.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      });
      await pipeline(
        object.content as NodeJS.ReadableStream,
        meter,
        createWriteStream(temporary, { flags: 'wx' }),
      );
    }
    await rename(temporary, objectPath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  const digest = md5.digest('hex');
  await store.putMetadata(object.bucket, object.key, object.metadata, digest);
  return { size, md5: digest };
}

/** Bodies up to this size are read whole and written with one call; larger ones stream. */
const WHOLE_BYTES = 8 * 2 ** 20;

async function wholeIfSmall(object: StoredObjectInput): Promise<Buffer | undefined> {
  if (Buffer.isBuffer(object.content)) return object.content;
  const declared = Number(object.metadata['content-length']);
  if (!(declared <= WHOLE_BYTES)) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of object.content as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * s3rver 3.7's deleteObject removes the object's files, then every folder of its key left empty,
 * with a readdir and an rmdir that throw when a concurrent delete in the same folder removed it
 * first, or a concurrent put filled it: the object is gone, but the request fails (500) before
 * its event is sent, and the client's retry finds nothing to delete and sends none. So `aws s3
 * rm --recursive` of a folder lost deletes (the stories stayed published). This one tidies
 * folders as a best effort and never fails for it (a put that races it makes its folder again:
 * makePutsAtomic).
 */
export function makeDeletesSafe(store: FilesystemStore): void {
  store.deleteObject = async function deleteObject(this: FilesystemStore, bucket, key) {
    await Promise.all(
      ['object', 'object.md5', 'metadata.json'].map((resource) =>
        unlink(this.getResourcePath(bucket, key, resource)).catch((error) => {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }),
      ),
    );
    const parts = key.split('/').slice(0, -1);
    const bucketPath = this.getBucketPath(bucket);
    try {
      for (; parts.length > 0; parts.pop()) {
        const folder = join(bucketPath, ...parts);
        if ((await readdir(folder)).length > 0) break;
        await rmdir(folder);
      }
    } catch (error) {
      if (!raced(error)) throw error;
    }
  };
}
