import type S3rver from 's3rver';

type Store = S3rver['store'];

/**
 * s3rver reads, for every request, the bucket's directory (does it exist?) and its CORS and
 * website configurations from disk (three file-system calls, two of them failed reads), though
 * they change only through s3rver itself. This keeps what it read in memory, per bucket, and
 * forgets it when s3rver changes it: what S3 answers stays the same. An object's own
 * subresources (its tags) are read from disk as before.
 */
export function cacheBucketConfiguration(store: Store): void {
  const buckets = new Map<string, Promise<unknown>>();
  /** `<bucket>/<type>` → the bucket's configuration of that type (null: none). */
  const configurations = new Map<string, Promise<unknown>>();
  const { getBucket, putBucket, deleteBucket, getSubresource, putSubresource, deleteSubresource } =
    store;
  const remembered = (
    cache: Map<string, Promise<unknown>>,
    at: string,
    read: () => Promise<unknown>,
  ) => {
    let found = cache.get(at);
    if (!found) {
      found = read();
      cache.set(at, found);
      // A failed read is not remembered: the next request reads again.
      found.catch(() => cache.delete(at));
    }
    return found;
  };
  const forgetBucket = (bucket: string) => {
    buckets.delete(bucket);
    for (const at of configurations.keys())
      if (at.startsWith(`${bucket}/`)) configurations.delete(at);
  };
  /** Forgotten before the change and again after it: a read during it is not kept. */
  const forgetting = async <T>(forget: () => void, change: () => Promise<T>) => {
    forget();
    try {
      return await change();
    } finally {
      forget();
    }
  };
  const forgetConfiguration = (bucket: string, key: string | undefined, type: string) => () => {
    if (key === undefined) configurations.delete(`${bucket}/${type}`);
  };

  store.getBucket = (bucket) => remembered(buckets, bucket, () => getBucket.call(store, bucket));
  store.putBucket = (bucket) =>
    forgetting(
      () => forgetBucket(bucket),
      () => putBucket.call(store, bucket),
    );
  store.deleteBucket = (bucket) =>
    forgetting(
      () => forgetBucket(bucket),
      () => deleteBucket.call(store, bucket),
    );
  store.getSubresource = (bucket, key, type) =>
    key === undefined
      ? remembered(configurations, `${bucket}/${type}`, () =>
          getSubresource.call(store, bucket, key, type),
        )
      : getSubresource.call(store, bucket, key, type);
  store.putSubresource = (bucket, key, resource) =>
    forgetting(forgetConfiguration(bucket, key, resource.type), () =>
      putSubresource.call(store, bucket, key, resource),
    );
  store.deleteSubresource = (bucket, key, type) =>
    forgetting(forgetConfiguration(bucket, key, type), () =>
      deleteSubresource.call(store, bucket, key, type),
    );
}
