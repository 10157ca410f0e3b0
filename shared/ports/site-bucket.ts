export interface SiteFile {
  path: string;
  /** Text, or the UTF-8 it is written in (a feed document, put together from kept items). */
  body: string | Uint8Array;
  contentType: string;
  cacheControl: string;
  /**
   * The status the edge answers the file with instead of 200: 410 for a withdrawn story's
   * notice, 301 (to `location`) for a moved one's old page. Kept as object metadata
   * (EDGE_STATUS_METADATA, EDGE_LOCATION_METADATA) and applied by the viewer-response function,
   * deployed and locally.
   */
  status?: 301 | 410;
  /** Where a 301 points: an absolute URL. */
  location?: string;
  /**
   * Written only over a file that is there (a redirect left where an archive page was): where
   * none is, put writes nothing and returns false.
   */
  replaceOnly?: boolean;
}

/** What the caller knows that may save a request; never changes what `put` decides. */
export interface PutHint {
  /**
   * The file most likely does not exist yet (an article's first revision): try to create it
   * before looking at what is stored. A wrong guess costs one refused request.
   */
  likelyNew?: boolean;
  /**
   * The stamp of the last finished render of the file's unit (RenderLedger: rendered). When
   * this adapter wrote or checked the file under that stamp itself, most likely nobody has
   * written it since: new bytes are written on what it saw then (the same conditions), without
   * looking first. A wrong guess costs one refused request, then the usual look.
   */
  lastRender?: number;
  /**
   * What the bucket noted of each file (`noted`) when the render that `lastRender` stamps
   * finished, by path, as the ledger recorded it: as good as this adapter's own memory of it,
   * so any publisher, not only the one that wrote last, puts new bytes without looking first.
   */
  lastFiles?: Readonly<Record<string, string>>;
}

/**
 * The site bucket. Every write carries the `stamp` of the render it comes from (the ticket of
 * its unit, see RenderLedger): a file is never replaced or removed by a render with a lower
 * stamp, and the check and the write are one conditional request (If-Match / If-None-Match).
 */
export interface SiteBucket {
  /**
   * Writes unless the stored object has the same content hash and Content-Type, or a higher
   * stamp; true when it wrote. A new Cache-Control alone reaches a file with its next new bytes.
   */
  put(file: SiteFile, stamp: number, hint?: PutHint): Promise<boolean>;
  /**
   * Removes the file unless it is absent or has a higher stamp; true when it removed one. A
   * removal leaves no stamp behind: that one publisher at a time renders a unit is the
   * ledger's part (RenderLedger).
   */
  delete(path: string, stamp: number): Promise<boolean>;
  /**
   * A short note of what this adapter last wrote or saw at `path` (none: nothing, or nothing
   * worth noting), for the ledger to keep with the render (Reads.files) and hand to the next
   * one (PutHint.lastFiles). Opaque to everyone else.
   */
  noted?(path: string): string | undefined;
}
