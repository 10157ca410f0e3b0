/**
 * Format-neutral half of parsing: the fields a format parser extracted become a
 * ParsedArticle whose every string is safe for a feed (sanitized HTML, plain bounded
 * text, absolute http(s) URLs, path-safe id, slugged labels).
 */
import { isLanguageTag, LANGUAGE_TAG_EXAMPLES } from '../config/language-tag.ts';
import { MEDIA_FORMATS, mediaFormatOf } from '../contract/media.ts';
import { articlePath, siteUrlOf } from '../contract/site-layout.ts';
import type { ParsedArticle, ParseResult } from './article.ts';
import { ArticleRejectedError } from './errors.ts';
import type { ArticleFields } from './fields.ts';
import { normalizeAuthors, normalizeTags } from './labels.ts';
import { MediaReferences } from './media-refs.ts';
import { idFromKey, isSafeId } from './object-key.ts';
import { sanitizeContent } from './sanitize.ts';
import {
  htmlToText,
  isBlank,
  MAX_TITLE_LENGTH,
  plainLine,
  plainTitle,
  quote,
  summarize,
} from './text.ts';
import { resolveImageUrl, resolveUrl } from './urls.ts';

/** A summary the file sets may be longer than a derived one, but not unbounded. */
export const MAX_GIVEN_SUMMARY_LENGTH = 1000;
const PARAGRAPH = /<p\b[^>]*>([\s\S]*?)<\/p>/g;
/** The media files a lead can be, as a report names them. */
const MEDIA_EXTENSIONS = Object.entries(MEDIA_FORMATS)
  .filter(([, format]) => format.kind !== 'captions')
  .map(([ext]) => `.${ext}`)
  .join(' ');
/** Where footnotes.ts starts the notes (a rule, a list, the first note), as sanitize writes it. */
const SANITIZED_NOTES_START = '<hr />\n<ol>\n<li id="fn-1">';
/** A footnote's number in the text (footnotes.ts, sanitized): no words of a summary. */
const FOOTNOTE_NUMBER =
  /<sup><a href="[^"<>]*#fn-\d{1,3}"(?: id="fnref-\d{1,3}(?:-\d{1,2})?")?[^<>]*>\d{1,3}<\/a><\/sup>/g;

/**
 * `key` is the upload's object key: with the file's own `id`, it names the article's page,
 * which relative links and images resolve against (`#notes` stays on the page, `photo.jpg` is
 * beside it), as they would in the page itself.
 */
export function buildArticle(
  fields: ArticleFields,
  { siteUrl, key }: { siteUrl: string; key: string },
): ParseResult {
  const warnings: string[] = [];
  const id = fields.id === undefined ? undefined : checkedId(fields.id);
  const page = siteUrlOf(siteUrl, articlePath(id ?? idFromKey(key)));
  const media = new MediaReferences(key, siteUrl);
  const content = sanitizeContent(fields.html, page, siteUrl, media);
  warnings.push(...content.warnings);

  const title = plainTitle(fields.title);
  if (isBlank(title)) {
    throw new ArticleRejectedError('no-title', 'no title: the title is empty once cleaned');
  }
  if (plainLine(fields.title).length > MAX_TITLE_LENGTH) {
    warnings.push(`title is longer than ${MAX_TITLE_LENGTH} characters; shortened`);
  }
  const tags = normalizeTags(fields.tags);
  const authors = normalizeAuthors(fields.authors, page);
  warnings.push(...tags.warnings, ...authors.warnings);

  const article: ParsedArticle = {
    title,
    summary: summaryOf(fields.summary, content.html, warnings),
    contentHtml: content.html,
    tags: tags.tags,
    authors: authors.authors,
    draft: fields.draft,
  };
  if (id !== undefined) article.id = id;
  if (fields.date !== undefined) article.date = fields.date;
  if (fields.updated !== undefined) article.updated = fields.updated;
  if (
    fields.date !== undefined &&
    fields.updated !== undefined &&
    Date.parse(fields.updated) < Date.parse(fields.date)
  )
    // Ingest dates an update no earlier than the story (an update cannot precede it).
    warnings.push(
      `"updated" (${fields.updated}) is before "date" (${fields.date}): the story shows as updated on its date`,
    );
  // A path in the inbox is a media file of it, or no lead: the page's URL of another file (an
  // article, a folder, a .tiff) would be an enclosure a podcast app fetches a 404 of.
  const leadImage = (raw: string) => {
    const noted = media.warnings.length;
    const resolved = media.resolve(raw, 'field "image":');
    if (resolved || !media.isInboxPath(raw))
      return resolved ?? imageField(raw, page, siteUrl, warnings);
    if (media.warnings.length === noted)
      warnings.push(
        `field "image": dropped: ${quote(raw)} is not a media file of the inbox (${MEDIA_EXTENSIONS})${raw.includes('#') ? '; a "#" in a name starts a fragment: write it %23' : ''}`,
      );
    return undefined;
  };
  // A caption file is no lead: it goes in a <track> of the video it captions.
  const captions =
    fields.image !== undefined &&
    mediaFormatOf(String(fields.image).split(/[?#]/)[0] ?? '')?.kind === 'captions';
  if (captions)
    warnings.push(
      `"image" names a caption file (${quote(String(fields.image))}), not a lead: put it in a <track src="…" kind="captions"> inside the <video> it captions`,
    );
  const image = fields.image === undefined || captions ? undefined : leadImage(fields.image);
  if (image) article.image = image;
  const imageText = {
    ...(lineField(fields.imageAlt) ? { alt: lineField(fields.imageAlt) } : {}),
    ...(lineField(fields.imageCaption) ? { caption: lineField(fields.imageCaption) } : {}),
    ...(lineField(fields.imageCredit) ? { credit: lineField(fields.imageCredit) } : {}),
  };
  if (image && Object.keys(imageText).length > 0) article.imageText = imageText;
  // The lead without a description is shown as decoration (alt=""), a player without a name.
  if (image && fields.imageAlt === undefined)
    warnings.push(
      '"image" has no "image_alt": screen readers get nothing of it; describe it (or set image_alt: "" if it is only decoration)',
    );
  const link =
    fields.link === undefined ? undefined : urlField('link', fields.link, page, warnings);
  if (link) article.link = link;
  warnings.push(...media.warnings);
  if (media.keys.length > 0) article.mediaKeys = media.keys;
  if (fields.withdrawn) article.withdrawn = true;
  const note = lineField(fields.note);
  if (note) article.note = note;
  const correction = lineField(fields.correction);
  if (correction) article.correction = correction;
  if (fields.minor) article.minor = true;
  if (fields.feedContent) article.feedContent = fields.feedContent;
  if (fields.expires !== undefined) {
    const published = fields.date;
    if (published !== undefined && fields.expires <= published)
      throw new ArticleRejectedError(
        'invalid-field',
        `field "expires": ${fields.expires} is not after "date" (${published}): the story would never be shown`,
      );
    article.expires = fields.expires;
  }
  if (fields.language !== undefined) {
    const language = plainLine(fields.language);
    if (isLanguageTag(language)) article.language = language;
    else
      warnings.push(
        `field "language": dropped ${quote(language)} (not a language tag such as ${LANGUAGE_TAG_EXAMPLES})`,
      );
  }
  return { article, warnings };
}

/** A note or a correction: one plain line, bounded like a given summary; empty is absent. */
function lineField(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const clean = summarize(plainLine(raw), MAX_GIVEN_SUMMARY_LENGTH);
  return clean === '' ? undefined : clean;
}

function summaryOf(given: string | undefined, html: string, warnings: string[]): string {
  const clean = given === undefined ? '' : plainLine(given);
  if (clean !== '') {
    if (clean.length > MAX_GIVEN_SUMMARY_LENGTH) {
      warnings.push(`summary is longer than ${MAX_GIVEN_SUMMARY_LENGTH} characters; shortened`);
    }
    return summarize(clean, MAX_GIVEN_SUMMARY_LENGTH);
  }
  // The story's words, not its notes (footnotes.ts puts them last, after a rule).
  const notes = html.lastIndexOf(SANITIZED_NOTES_START);
  const story = notes === -1 ? html : html.slice(0, notes);
  for (const match of story.matchAll(PARAGRAPH)) {
    const text = htmlToText((match[1] ?? '').replace(FOOTNOTE_NUMBER, ''));
    if (text !== '') return summarize(text);
  }
  return summarize(htmlToText(story.replace(FOOTNOTE_NUMBER, '')));
}

function checkedId(raw: string): string {
  const id = raw.trim();
  if (!isSafeId(id)) {
    throw new ArticleRejectedError(
      'bad-id',
      `field "id": ${quote(raw)} is not a safe id: use lowercase letters, digits, "-" and "_", ` +
        'in segments separated by "/", at most 200 characters (example: 2019/12/libya-deal)',
    );
  }
  return id;
}

function urlField(name: string, raw: string, base: string, warnings: string[]): string | undefined {
  const resolved = resolveUrl(raw, base);
  if (resolved.ok) return resolved.url;
  warnings.push(`field "${name}": dropped: ${resolved.problem}`);
  return undefined;
}

function imageField(
  raw: string,
  base: string,
  siteUrl: string,
  warnings: string[],
): string | undefined {
  const resolved = resolveImageUrl(raw, base, siteUrl);
  if (!resolved.ok) {
    warnings.push(`field "image": dropped: ${resolved.problem}`);
    return undefined;
  }
  if (resolved.upgraded)
    warnings.push(
      `field "image": ${quote(resolved.upgraded)} loaded over https (pages load no http images)`,
    );
  return resolved.url;
}
