// s3rver ships no typings; this covers what the embedded AWS uses.
declare module 's3rver' {
  import type { EventEmitter } from 'node:events';
  import type { Server } from 'node:http';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
  }

  interface S3rverContext {
    method: string;
    path: string;
    get(header: string): string;
    set(header: string, value: string): void;
    /** s3rver's filesystem store; getMetadata rejects with ENOENT for a missing object. */
    store: { getMetadata(bucket: string, key: string): Promise<Record<string, unknown>> };
    query: Record<string, string | string[] | undefined>;
    /** The request headers (Koa's ctx.headers: the object s3rver's controllers read). */
    headers: Record<string, string | string[] | undefined>;
    status: number;
    body: unknown;
  }

  export default class S3rver extends EventEmitter {
    constructor(options: S3rverOptions);
    httpServer?: Server;
    /** Its filesystem store (lib/stores/filesystem.js). */
    store: {
      getResourcePath(bucket: string, key: string, resource: string): string;
      getBucketPath(bucket: string): string;
      deleteObject(bucket: string, key: string): Promise<void>;
      putMetadata(bucket: string, key: string, metadata: unknown, md5: string): Promise<void>;
      putObject(object: {
        bucket: string;
        key: string;
        content: Buffer | NodeJS.ReadableStream;
        metadata: Record<string, unknown>;
      }): Promise<{ size: number; md5: string }>;
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
    };
    /** Koa's middleware stack (s3rver is a Koa application). */
    middleware: ((ctx: S3rverContext, next: () => Promise<void>) => Promise<void> | void)[];
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  }
}
