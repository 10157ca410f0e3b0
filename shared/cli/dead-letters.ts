import { decodeS3EventKey } from '../articles/object-key.ts';

/** The object keys of S3 events parked in the local dead-letter queue (bodies are S3 events). */
export function deadLetterKeys(bodies: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (const body of bodies) {
    try {
      const event = JSON.parse(body) as { Records?: { s3?: { object?: { key?: string } } }[] };
      for (const record of event.Records ?? [])
        if (record.s3?.object?.key) keys.add(decodeS3EventKey(record.s3.object.key));
    } catch {
      // Not an S3 event: it names no file.
    }
  }
  return keys;
}
