// Entry of the bundle tests/unit/lambda/bundle-aliases.test.ts builds with the Lambda bundles'
// aliases: what the stubbed and cut packages serve in ingest and publish, sanitize-html itself.
export { default as sanitizeHtml } from 'sanitize-html';
export { default as dayjsStub } from '../../infra/bundle-shims/dayjs.cts';
export { parse as postcssStub } from '../../infra/bundle-shims/postcss.ts';
export { parser as saxStub } from '../../infra/bundle-shims/sax.ts';
export { parseArticle } from '../../shared/articles/parse.ts';
export { sanitizeContent } from '../../shared/articles/sanitize.ts';
export { renderArticlePage } from '../../shared/feeds/article-page.ts';
export { guardHtml } from '../../shared/feeds/html-guard.ts';
export { renderIndex } from '../../shared/feeds/index-page.ts';
export { renderFeed } from '../../shared/feeds/render-feed.ts';
export { postcssCalls } from './postcss-spy.ts';
