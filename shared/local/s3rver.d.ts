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
    get(header: string): string;
    query: Record<string, string | string[] | undefined>;
    status: number;
    body: unknown;
  }

  export default class S3rver extends EventEmitter {
    constructor(options: S3rverOptions);
    httpServer?: Server;
    /** Koa's middleware stack (s3rver is a Koa application). */
    middleware: ((ctx: S3rverContext, next: () => Promise<void>) => Promise<void> | void)[];
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  }
}
