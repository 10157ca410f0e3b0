/** One S3 object event, decoded: the plain values ingest works on. */
export interface ObjectEvent {
  kind: 'created' | 'removed';
  bucket: string;
  /** Decoded object key (`+` and percent-encoding undone). */
  key: string;
  versionId?: string;
  /** Orders events for one key: hex, compared after left-padding to equal length. */
  sequencer: string;
  eventTime: string;
  size?: number;
}

/** Compares two S3 sequencers: negative when `a` is older than `b`. */
export function compareSequencers(a: string, b: string): number {
  const width = Math.max(a.length, b.length);
  const left = a.toUpperCase().padStart(width, '0');
  const right = b.toUpperCase().padStart(width, '0');
  return left < right ? -1 : left > right ? 1 : 0;
}
