/**
 * Stands in for dayjs in the Lambda bundles (infra/lambda-bundle.ts). sanitize-html uses only
 * launder's naughtyHref; launder loads dayjs at once for its date and time helpers, which
 * nothing of ours calls. CommonJS, as launder calls what require() returns.
 */
export = function dayjs(): never {
  throw new Error(
    "dayjs is left out of the Lambda bundles (infra/lambda-bundle.ts): nothing there may call launder's date helpers",
  );
};
