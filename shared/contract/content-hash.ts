import { createHash } from 'node:crypto';

/** Hex sha256 of a file body, to skip rewriting unchanged objects (strings hash as UTF-8). */
export function sha256(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}
