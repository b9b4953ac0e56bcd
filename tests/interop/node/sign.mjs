// Sign credentials with Digital Bazaar's vc.issue and eddsa-rdfc-2022, for our verifier to check.
//
// stdin: one request or an array of them; stdout: one answer each.
//   {"credential": {...}, "seed": "<32 bytes, hex>", "verificationMethod": "..."?,
//    "controller": "..."?, "created": "2026-01-01T00:00:00Z"?}
//   -> {"document": {...signed...}, "publicKeyMultibase": "z6Mk...", "error": null}
// Without a controller the key is its own did:key; without a verificationMethod the method is
// `${controller}#${publicKeyMultibase}`.
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {answer, describeError, documentLoader, signer} from './lib.mjs';

async function sign({credential, created, ...options}) {
  const {key, publicKeyMultibase} = await signer(options);
  const suite = new DataIntegrityProof({signer: key.signer(), date: created, cryptosuite});
  const document = await vc.issue({credential, suite, documentLoader: documentLoader()});
  return {document, publicKeyMultibase, error: null};
}

await answer(async request => {
  try {
    return await sign(request);
  } catch(error) {
    return {document: null, error: describeError(error)};
  }
});
