import type { ParseResult } from '../articles/article.ts';
import type { ParseInput } from '../articles/parse.ts';

/** Parses one upload; rejects with ArticleRejectedError when it cannot become an article. */
export type ArticleParser = (input: ParseInput) => Promise<ParseResult>;
