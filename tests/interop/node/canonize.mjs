// Canonicalize JSON-LD documents as Digital Bazaar's eddsa-rdfc-2022 cryptosuite does before
// hashing: jsonld toRDF in safe mode, then rdf-canonize RDFC-1.0, as N-Quads.
//
// stdin: one document or an array of them; stdout: {"nquads": "...", "error": null} each.
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {answer, describeError, documentLoader} from './lib.mjs';

const loader = documentLoader();

await answer(async document => {
  try {
    return {nquads: await cryptosuite.canonize(document, {documentLoader: loader}), error: null};
  } catch(error) {
    return {nquads: null, error: describeError(error)};
  }
});
