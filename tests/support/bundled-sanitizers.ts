// Entry of the bundle tests/unit/articles/bundled-sanitizers.test.ts builds with the Lambda
// bundles' aliases: every sanitizing path of ingest and publish, and sanitize-html itself.
export { default as sanitizeHtml } from 'sanitize-html';
export { parseArticle } from '../../shared/articles/parse.ts';
export { sanitizeContent } from '../../shared/articles/sanitize.ts';
export { guardHtml } from '../../shared/feeds/html-guard.ts';
export { postcssCalls } from './postcss-spy.ts';
