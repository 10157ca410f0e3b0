/**
 * The media files of the site bucket (README "Media"): copied from the inbox as they are, never
 * through the function's memory, with their Content-Type and long-lived caching.
 */
/** One media file to publish: that version of the inbox object (its current one without `versionId`), to `path`, as `type`. */
export interface MediaCopy {
  inboxKey: string;
  versionId?: string;
  path: string;
  type: string;
}

export interface SiteMedia {
  /** Copies the inbox object to its site path. */
  publish(file: MediaCopy): Promise<void>;
  /** Removes the published file at `path` (nothing when it is absent). */
  remove(path: string): Promise<void>;
}
