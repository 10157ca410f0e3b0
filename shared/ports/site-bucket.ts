export interface SiteFile {
  path: string;
  body: string;
  contentType: string;
  cacheControl: string;
}

/** The site bucket. */
export interface SiteBucket {
  /**
   * Writes unless the stored object has the same content hash; true when it wrote. Only the
   * body counts: a new Content-Type or Cache-Control reaches a file with its next new bytes.
   */
  put(file: SiteFile): Promise<boolean>;
  /** True when there was something to delete. */
  delete(path: string): Promise<boolean>;
}
