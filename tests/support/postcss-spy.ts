import { parse as stub } from '../../infra/bundle-shims/postcss.ts';

/** What sanitize-html asked postcss to parse, in a bundle where this stands in for postcss. */
export const postcssCalls: string[] = [];

/** The Lambda bundles' postcss stub, counting its calls (sanitize-html swallows its throw). */
export function parse(css: string): never {
  postcssCalls.push(css);
  return stub();
}
