/**
 * `.txt`, the wire format (see the sample in tests/fixtures/articles): the first non-empty
 * line is the title; following lines that repeat it (ignoring case, punctuation and
 * spacing: wires send an apostrophe-less copy) are dropped; blank-line separated blocks
 * are paragraphs (a block's lines are joined, as wires hard-wrap); a final one-line block
 * of short comma-separated phrases (`security deal,`) is the tag list. Everything is plain
 * text: `<b>` in a wire story is four characters, not markup.
 */
import { ArticleRejectedError } from './errors.ts';
import type { ArticleFields } from './fields.ts';
import { splitTagList, TAG_SEPARATOR } from './labels.ts';
import {
  assertParagraphCount,
  collapseWhitespace,
  isBlank,
  paragraphsToHtml,
  plainLine,
  removeXmlForbidden,
  repeatsHeadline,
} from './text.ts';

/** A tag line is short, and each phrase in it is a few words, not a sentence. */
const MAX_TAG_LINE_LENGTH = 300;
const MAX_TAG_PHRASE_LENGTH = 60;
const MAX_TAG_PHRASE_WORDS = 5;
/** A sentence's end, in Latin, Arabic (`؟`, `۔`) and CJK (`。`, `！`, `？`, `」`) text. */
const SENTENCE_END =
  /[.!?:;"'”’)\u061f\u06d4\u3002\uff0e\uff01\uff1f\uff1a\uff1b\u300d\u300f\uff09]$/u;
const CLAUSE_MARK = /[:;!?\u061b\u061f\uff1a\uff1b\uff01\uff1f]/u;
/**
 * Words of a credit or byline (`Additional reporting by Anna Lee, Tom Bak`, `Editing by …`,
 * `Photos: …`): such a last line is text of the story, not its tags. When in doubt, keep
 * the text.
 */
const CREDIT_WORD =
  /^(?:(?:additional|with|and)\s+)?(?:reporting|reported|writing|written|editing|edited|research|compiled|contributed|produced|photos?|pictures?|graphics?|video)\b[^,]*\bby\b|^by\s|©|\bcopyright\b/iu;
const BLANK_LINE = /\n[^\S\n]*\n/;

export function parseTxt(text: string): { fields: ArticleFields; warnings: string[] } {
  const lines = text.split('\n');
  const titleIndex = lines.findIndex((line) => !isBlank(plainLine(line)));
  const title = plainLine(lines[titleIndex] ?? '');
  if (isBlank(title)) {
    throw new ArticleRejectedError(
      'no-title',
      'line 1: no title: the first non-empty line must be the headline',
    );
  }
  const repeatsTitle = repeatsHeadline(title);
  let next = titleIndex + 1;
  while (next < lines.length) {
    const line = lines[next] ?? '';
    if (!isBlank(plainLine(line)) && !repeatsTitle(line)) break;
    next += 1;
  }
  const split = lines.slice(next).join('\n').split(BLANK_LINE);
  assertParagraphCount(split, 'content');
  const blocks = split.map((block) => block.trim()).filter((block) => block !== '');
  const last = blocks.at(-1);
  const tags = last !== undefined && isTagLine(last) ? splitTagList(last) : [];
  if (tags.length > 0) blocks.pop();
  const paragraphs = blocks
    .map((block) => collapseWhitespace(removeXmlForbidden(block)))
    .filter(Boolean);
  return {
    fields: { title, html: paragraphsToHtml(paragraphs), authors: [], tags, draft: false },
    warnings: [],
  };
}

/**
 * `security deal,`, `Libya, Turkey, defence`, `زلزال، تركيا،` or `大雨、大阪、交通`: one line,
 * commas (TAG_SEPARATOR), no sentence.
 */
export function isTagLine(block: string): boolean {
  const line = plainLine(block);
  if (block.includes('\n') || !TAG_SEPARATOR.test(line) || line.length > MAX_TAG_LINE_LENGTH)
    return false;
  if (SENTENCE_END.test(line) || CLAUSE_MARK.test(line) || CREDIT_WORD.test(line)) return false;
  const phrases = splitTagList(line)
    .map((phrase) => phrase.trim())
    .filter(Boolean);
  return (
    phrases.length > 0 &&
    phrases.every(
      (phrase) =>
        phrase.length <= MAX_TAG_PHRASE_LENGTH && phrase.split(' ').length <= MAX_TAG_PHRASE_WORDS,
    )
  );
}
