/** What s3rver 3.7's filesystem store does with buckets and their configurations. */
interface BucketStore {
  getBucket(bucket: string): Promise<unknown>;
  putBucket(bucket: string): Promise<unknown>;
  deleteBucket(bucket: string): Promise<unknown>;
  getSubresource(bucket: string, key: string | undefined, type: string): Promise<unknown>;
  putSubresource(
    bucket: string,
    key: string | undefined,
    resource: { type: string },
  ): Promise<void>;
  deleteSubresource(bucket: string, key: string | undefined, type: string): Promise<void>;
}

/**
 * s3rver reads, for every request, the bucket's directory (does it exist?) and its CORS and
 * website configurations from disk (three file-system calls, two of them failed reads), though
 * they change only through s3rver itself. This keeps what it read in memory, per bucket, and
 * forgets it when s3rver changes it: what S3 answers stays the same. An object's own
 * subresources (its tags) are read from disk as before.
 */
export function cacheBucketConfiguration(store: BucketStore): void {
  const buckets = new Map<string, Promise<unknown>>();
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
  store.getBucket = function (bucket) {
    return remembered(buckets, bucket, () => getBucket.call(this, bucket));
  };
  store.putBucket = async function (bucket) {
    forgetBucket(bucket);
    try {
      return await putBucket.call(this, bucket);
    } finally {
      forgetBucket(bucket);
    }
  };
  store.deleteBucket = async function (bucket) {
    forgetBucket(bucket);
    try {
      return await deleteBucket.call(this, bucket);
    } finally {
      forgetBucket(bucket);
    }
  };
  store.getSubresource = function (bucket, key, type) {
    if (key !== undefined) return getSubresource.call(this, bucket, key, type);
    return remembered(configurations, `${bucket}/${type}`, () =>
      getSubresource.call(this, bucket, key, type),
    );
  };
  store.putSubresource = async function (bucket, key, resource) {
    if (key === undefined) configurations.delete(`${bucket}/${resource.type}`);
    try {
      return await putSubresource.call(this, bucket, key, resource);
    } finally {
      if (key === undefined) configurations.delete(`${bucket}/${resource.type}`);
    }
  };
  store.deleteSubresource = async function (bucket, key, type) {
    if (key === undefined) configurations.delete(`${bucket}/${type}`);
    try {
      return await deleteSubresource.call(this, bucket, key, type);
    } finally {
      if (key === undefined) configurations.delete(`${bucket}/${type}`);
    }
  };
}
