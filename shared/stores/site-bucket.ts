import {
  DeleteObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { sha256 } from '../contract/content-hash.ts';
import { EDGE_LOCATION_METADATA, EDGE_STATUS_METADATA } from '../contract/edge.ts';
import type { PutHint, SiteBucket, SiteFile } from '../ports/site-bucket.ts';
import { isS3NotFound, isS3PreconditionFailed } from './s3-errors.ts';

/** Object metadata holding the hash of the body, so unchanged files are never rewritten. */
const HASH_KEY = 'content-sha256';
/** Object metadata holding the stamp of the render that wrote it (see SiteBucket). */
const STAMP_KEY = 'render-stamp';

/**
 * The clients whose PUTs are signed with the SHA-256 this adapter computed of their body (its
 * HASH_KEY metadata), instead of the SDK hashing the body again to sign it: the value SigV4
 * puts in `x-amz-content-sha256` is that same digest, and S3 refuses a PUT whose body does not
 * match it. One hook per client, however many adapters share it.
 */
const signedWithOurHash = new WeakSet<S3Client>();

function signWithOurHash(client: S3Client): void {
  if (signedWithOurHash.has(client)) return;
  signedWithOurHash.add(client);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Body?: unknown; Metadata?: Record<string, string> };
      const request = args.request as { headers?: Record<string, string> };
      const hash = input.Metadata?.[HASH_KEY];
      if (
        context.commandName === 'PutObjectCommand' &&
        (typeof input.Body === 'string' || input.Body instanceof Uint8Array) &&
        hash !== undefined &&
        request.headers
      )
        request.headers['x-amz-content-sha256'] = hash;
      return next(args);
    },
    { step: 'build', name: 'feedpubSignWithBodyHash' },
  );
}

/** Races one write may lose in a row before it gives up (its unit is then retried). */
const MAX_DECISIONS = 20;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Another write or delete landed since the object was seen. */
const lostRace = (error: unknown) => isS3PreconditionFailed(error) || isS3NotFound(error);

interface Stored {
  etag: string;
  hash: string;
  stamp: number;
  /** As the HEAD answered it (none: not looked at). */
  contentType?: string;
}

/** What this adapter last saw of a file (written or looked at), under which put's stamp. */
interface Known extends Stored {
  seenUnder: number;
}

/** Files whose last state this adapter remembers (PutHint.lastRender), the latest seen. */
const MAX_KNOWN = 10_000;

/**
 * Hex digits of the content hash a note keeps (`noted`): enough to tell new bytes from the
 * noted ones; a match is only "maybe the same bytes", which are then looked at.
 */
const NOTED_HASH_DIGITS = 16;

/** A note (`noted`: ETag, hash prefix, stamp) as what was seen under the render `seenUnder`. */
function knownFromNote(note: string | undefined, seenUnder: number): Known | undefined {
  const [etag, hash, stamp] = note?.split(' ') ?? [];
  if (!etag || !hash || !/^\d+$/.test(stamp ?? '')) return undefined;
  return { etag: `"${etag}"`, hash, stamp: Number(stamp), seenUnder };
}

/**
 * The site bucket on S3. Each write is decided on a HEAD (stamp, hash) and made conditional on
 * what that HEAD saw: `If-Match: <etag>`, or `If-None-Match: *` for a new object. When another
 * write lands in between, S3 answers 412 and the decision is taken again on a fresh HEAD.
 * A file this adapter wrote or looked at under the unit's last finished render
 * (PutHint.lastRender), or whose state that render's publisher noted (`noted`, kept by the
 * ledger: PutHint.lastFiles), skips the HEAD: its new bytes go on the ETag seen then, as the
 * HEAD would have decided; a 412 sends it the usual way. Same bytes are always looked at:
 * skipping them on memory alone could keep a stalled publisher's older write.
 */
export class S3SiteBucket implements SiteBucket {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly known = new Map<string, Known>();

  constructor({ client, bucket }: { client: S3Client; bucket: string }) {
    this.client = client;
    this.bucket = bucket;
    signWithOurHash(client);
  }

  private async stored(path: string): Promise<Stored | undefined> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: path }),
      );
      return {
        etag: head.ETag ?? '',
        hash: head.Metadata?.[HASH_KEY] ?? '',
        ...(head.ContentType ? { contentType: head.ContentType } : {}),
        stamp: Number(head.Metadata?.[STAMP_KEY] ?? 0) || 0,
      };
    } catch (error) {
      if (isS3NotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Runs `attempt` on a fresh HEAD until it decides without losing a race (another write or
   * delete landed since the HEAD: look again, after a short jittered pause).
   */
  private async decide(
    path: string,
    attempt: (stored: Stored | undefined) => Promise<boolean>,
  ): Promise<boolean> {
    for (let tries = 1; ; tries++) {
      try {
        return await attempt(await this.stored(path));
      } catch (error) {
        if (!lostRace(error) || tries >= MAX_DECISIONS) throw error;
        await sleep(Math.random() * 10 * tries);
      }
    }
  }

  private remember(path: string, known: Known): void {
    this.known.delete(path);
    this.known.set(path, known);
    if (this.known.size <= MAX_KNOWN) return;
    const oldest = this.known.keys().next().value;
    if (oldest !== undefined) this.known.delete(oldest);
  }

  async put(file: SiteFile, stamp: number, hint: PutHint = {}): Promise<boolean> {
    // The body as UTF-8 once (a feed document comes as bytes already): hashed, measured and
    // sent as these bytes. Given a string, the SDK and Node's HTTP client would each encode it
    // again (its length twice, the socket write once), a pass apiece over up to 2 MB.
    const bytes = typeof file.body === 'string' ? Buffer.from(file.body) : file.body;
    const hash = sha256(bytes);
    const write = async (stored: Stored | undefined) => {
      const out = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: file.path,
          Body: bytes,
          ContentType: file.contentType,
          CacheControl: file.cacheControl,
          // S3 checks the body against it (and the SDK computes no checksum of its own).
          ChecksumSHA256: Buffer.from(hash, 'hex').toString('base64'),
          Metadata: {
            [HASH_KEY]: hash,
            [STAMP_KEY]: String(stamp),
            ...(file.status ? { [EDGE_STATUS_METADATA]: String(file.status) } : {}),
            ...(file.location ? { [EDGE_LOCATION_METADATA]: file.location } : {}),
          },
          ...(stored ? { IfMatch: stored.etag } : { IfNoneMatch: '*' }),
        }),
      );
      this.remember(file.path, { etag: out.ETag ?? '', hash, stamp, seenUnder: stamp });
    };
    if (hint.likelyNew && !file.replaceOnly) {
      try {
        await write(undefined);
        return true;
      } catch (error) {
        // It exists after all: decide on what it holds, as for any other file.
        if (!isS3PreconditionFailed(error)) throw error;
      }
    }
    // What this adapter saw under the last render, else what that render's publisher noted.
    const mine = this.known.get(file.path);
    const known =
      hint.lastRender === undefined
        ? undefined
        : mine?.seenUnder === hint.lastRender
          ? mine
          : knownFromNote(hint.lastFiles?.[file.path], hint.lastRender);
    if (known !== undefined && known.stamp <= stamp && !hash.startsWith(known.hash)) {
      // What the last render saw is most likely still there: the decision a HEAD would take on
      // it, conditional on it being so (If-Match its ETag).
      try {
        await write(known);
        return true;
      } catch (error) {
        if (!lostRace(error)) throw error;
        this.known.delete(file.path);
      }
    }
    return this.decide(file.path, async (stored) => {
      if (!stored && file.replaceOnly) return false;
      // Same bytes of the same type: keep the object, its ETag and Last-Modified, so readers
      // get 304s.
      const same = stored?.hash === hash && stored.contentType === file.contentType;
      if (stored && (stored.stamp > stamp || same)) {
        this.remember(file.path, { ...stored, seenUnder: stamp });
        return false;
      }
      await write(stored);
      return true;
    });
  }

  noted(path: string): string | undefined {
    const known = this.known.get(path);
    if (!known?.hash || !/^"[^" ]+"$/.test(known.etag)) return undefined;
    return `${known.etag.slice(1, -1)} ${known.hash.slice(0, NOTED_HASH_DIGITS)} ${known.stamp}`;
  }

  delete(path: string, stamp: number): Promise<boolean> {
    return this.decide(path, async (stored) => {
      if (!stored || stored.stamp > stamp) return false;
      await this.client.send(
        new DeleteObjectCommand({ Bucket: this.bucket, Key: path, IfMatch: stored.etag }),
      );
      this.known.delete(path);
      return true;
    });
  }
}
