/** One S3 object event, decoded: the plain values ingest works on. */
export interface ObjectEvent {
  /**
   * `version-removed`: one version was deleted for good in a versioned bucket (a noncurrent
   * version, or a delete marker: an undone delete). The key may still have a current version,
   * and that, not the event, says what is published.
   */
  kind: 'created' | 'removed' | 'version-removed';
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
