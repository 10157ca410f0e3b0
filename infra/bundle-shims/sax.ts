/**
 * Stands in for sax in the Lambda bundles (infra/lambda-bundle.ts). `feed` writes its XML with
 * xml-js's js2xml; xml-js loads sax at once for xml2js, the XML reader, which nothing of ours
 * calls.
 */
export function parser(): never {
  throw new Error(
    "sax is left out of the Lambda bundles (infra/lambda-bundle.ts): nothing there may read XML with xml-js's xml2js",
  );
}
