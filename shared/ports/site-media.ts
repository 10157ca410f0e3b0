/**
 * The media files of the site bucket (README "Media"): copied from the inbox as they are, never
 * through the function's memory, with their Content-Type and long-lived caching.
 */
export interface SiteMedia {
  /** Copies that version of the inbox object (its current one without `versionId`) to `path`. */
  publish(file: {
    inboxKey: string;
    versionId?: string;
    path: string;
    type: string;
  }): Promise<void>;
  /** Removes the published file at `path` (nothing when it is absent). */
  remove(path: string): Promise<void>;
}
