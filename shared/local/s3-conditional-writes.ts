import type S3rver from 's3rver';

/**
 * S3's conditional writes, which s3rver 3.7 lacks: a PutObject or DeleteObject with `If-Match:
 * <etag>` or (PutObject) `If-None-Match: *` is answered 412 PreconditionFailed when the object's
 * current ETag says otherwise, 404 NoSuchKey when `If-Match` names an object that is gone, as S3
 * answers. Requests on one key are served one at a time, a conditional write's check and write
 * together, as S3 decides them; the site bucket's writes are all conditional (shared/stores/site-bucket.ts),
 * so the local runtime runs the deployed path.
 */

type Middleware = S3rver['middleware'][number];
type Context = Parameters<Middleware>[0];

const queue = new Map<string, Promise<void>>();

/** Runs `task` after every earlier task on the same key. */
async function oneAtATime(key: string, task: () => Promise<void>): Promise<void> {
  const previous = queue.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.then(
    () => {},
    () => {},
  );
  queue.set(key, settled);
  try {
    await run;
  } finally {
    if (queue.get(key) === settled) queue.delete(key);
  }
}

function s3Error(ctx: Context, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.set('Content-Type', 'application/xml');
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

async function currentEtag(ctx: Context, bucket: string, key: string) {
  try {
    const metadata = await ctx.store.getMetadata(bucket, key);
    return String(metadata.etag);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The precondition's verdict: undefined when it holds. */
function verdict(ifMatch: string, ifNoneMatch: string, etag: string | undefined) {
  if (ifMatch) {
    if (etag === undefined) return [404, 'NoSuchKey', 'The specified key does not exist.'] as const;
    if (ifMatch !== '*' && ifMatch !== etag)
      return [
        412,
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold',
      ] as const;
  }
  if (ifNoneMatch === '*' && etag !== undefined)
    return [
      412,
      'PreconditionFailed',
      'At least one of the pre-conditions you specified did not hold',
    ] as const;
  return undefined;
}

export function conditionalWrites(): Middleware {
  return async (ctx, next) => {
    const [, bucket = '', ...rest] = ctx.path.split('/');
    let key = '';
    try {
      key = rest.map(decodeURIComponent).join('/');
    } catch {
      // Not a key S3 would accept either: s3rver answers it.
    }
    const plainObjectRequest =
      key !== '' &&
      Object.keys(ctx.query).every((name) => name === 'x-id') &&
      ctx.get('x-amz-copy-source') === '';
    if (!plainObjectRequest) return next();
    // Every request on one key, reads included, is served one at a time: s3rver keeps an
    // object's bytes, ETag and metadata in three files, and S3 never shows a mix of two writes.
    await oneAtATime(`${bucket}/${key}`, async () => {
      const ifMatch = ctx.get('if-match');
      const ifNoneMatch = ctx.get('if-none-match');
      const isWrite = ctx.method === 'PUT' || ctx.method === 'DELETE';
      if (isWrite && (ifMatch || ifNoneMatch)) {
        const refused = verdict(ifMatch, ifNoneMatch, await currentEtag(ctx, bucket, key));
        if (refused) return s3Error(ctx, refused[0], refused[1], refused[2]);
      }
      await next();
    });
  };
}
