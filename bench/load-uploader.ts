import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { eachLimited } from '../shared/concurrency/each-limited.ts';
import type { LoadOp } from './load-workload.ts';

/**
 * Sends the workload's operations through the S3 API, as an editor's tools would: PutObject
 * and DeleteObject on the inbox bucket, whose notifications drive the pipeline. Writes of one
 * key go out in order, one at a time.
 */

export interface SentOp {
  op: LoadOp;
  /** performance.now() when the request went out, and when S3 answered it. */
  issuedAt: number;
  ackedAt: number;
}

export class LoadUploader {
  readonly sent: SentOp[] = [];
  readonly errors: string[] = [];
  /** How late the sustained phase issued an operation, at worst (ms). */
  maxLagMs = 0;
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  /** Issues `op` once the previous write of its key has been answered. */
  issue(op: LoadOp): Promise<void> {
    const run = (this.chains.get(op.key) ?? Promise.resolve()).then(() => this.send(op));
    this.chains.set(op.key, run);
    return run;
  }

  /**
   * Open loop: operation i goes out at start + i / rate, whether or not earlier ones have
   * been answered (a client that waits would slow down with the system it measures).
   */
  async atRate(ops: readonly LoadOp[], perSecond: number): Promise<void> {
    const start = performance.now();
    const pending: Promise<void>[] = [];
    for (const [i, op] of ops.entries()) {
      const due = start + (i * 1000) / perSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.maxLagMs = Math.max(this.maxLagMs, performance.now() - due);
      pending.push(this.issue(op));
    }
    await Promise.all(pending);
  }

  /** All at once, with at most `inFlight` requests open. */
  async burst(ops: readonly LoadOp[], inFlight: number): Promise<void> {
    await eachLimited(ops, inFlight, (op) => this.issue(op));
  }

  /** When S3 answered the last operation. */
  get lastAckedAt(): number {
    return Math.max(0, ...this.sent.map((s) => s.ackedAt));
  }

  private async send(op: LoadOp): Promise<void> {
    const issuedAt = performance.now();
    try {
      await this.s3.send(
        op.body === undefined
          ? new DeleteObjectCommand({ Bucket: this.bucket, Key: op.key })
          : new PutObjectCommand({
              Bucket: this.bucket,
              Key: op.key,
              Body: op.body,
              ContentType: 'text/markdown; charset=utf-8',
            }),
      );
      this.sent.push({ op, issuedAt, ackedAt: performance.now() });
    } catch (error) {
      this.errors.push(`${op.kind} ${op.key}: ${(error as Error).message}`);
    }
  }
}
