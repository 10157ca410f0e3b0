/**
 * Stands in for postcss in the Lambda bundles (infra/lambda-bundle.ts). sanitize-html calls
 * postcss only to parse `style` attributes it was told to allow, and the HTML allow-list
 * (shared/articles/html-allow-list.ts) allows none. sanitize-html catches what its parser
 * throws and drops the attribute, so a call would still strip the style; the message says why.
 */
export function parse(): never {
  throw new Error(
    'postcss is left out of the Lambda bundles (infra/lambda-bundle.ts): sanitize-html may not be given style attributes to parse',
  );
}
