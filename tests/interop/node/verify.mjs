// Verify credentials with independent implementations: Digital Bazaar vc + eddsa-rdfc-2022
// for Data Integrity proofs, jose for VC-JWTs and JWS.
//
// stdin: one request or an array of them; stdout: one answer each, {"verified", "error", ...}.
//   {"kind": "di", "document": {...}, "documents": {url: JSON}?, "publicKeyMultibase": "z6Mk"?,
//    "now": "2026-01-01T00:00:00Z"?}
//     The verification method comes from did:key, from `documents` (a DID document), or, given
//     `publicKeyMultibase`, from a controller document naming the issuer. Status is not looked
//     up (checkStatus answers verified): these tests compare proofs, not status lists.
//   {"kind": "jwt", "token": "eyJ...", "jwk": {...}, "alg": "RS256", "now": "..."?}
//     Answers also carry the JWT's "payload" and "header" when it verifies.
//   {"kind": "jws", "token": "eyJ...", "jwk": {...}, "alg": "RS256"}
//     A compact JWS whose payload is JSON but not a JWT (an Open Badges 2.0 signed assertion).
import * as vc from '@digitalbazaar/vc';
import * as jose from 'jose';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {answer, describeError, documentLoader, issuerKeyDocuments} from './lib.mjs';

async function verifyDataIntegrity({document, documents = {}, publicKeyMultibase, now}) {
  const known = publicKeyMultibase ?
    {...documents, ...issuerKeyDocuments({document, publicKeyMultibase})} : documents;
  const result = await vc.verifyCredential({
    credential: document,
    suite: new DataIntegrityProof({cryptosuite}),
    documentLoader: documentLoader(known),
    checkStatus: async () => ({verified: true}),
    now: now === undefined ? undefined : new Date(now)
  });
  const errors = [result.error, ...(result.results ?? []).map(r => r.error)];
  return {verified: result.verified, error: result.verified ? null : describeError(errors)};
}

async function verifyJwt({token, jwk, alg, now}) {
  try {
    const key = await jose.importJWK(jwk, alg);
    const {payload, protectedHeader} = await jose.jwtVerify(token, key, {
      algorithms: [alg],
      typ: 'JWT',
      currentDate: now === undefined ? undefined : new Date(now)
    });
    return {verified: true, error: null, payload, header: protectedHeader};
  } catch(error) {
    return {verified: false, error: `${error.code ?? error.name}: ${error.message}`};
  }
}

async function verifyJws({token, jwk, alg}) {
  try {
    const key = await jose.importJWK(jwk, alg);
    const {payload, protectedHeader} = await jose.compactVerify(token, key, {algorithms: [alg]});
    const json = JSON.parse(new TextDecoder('utf-8', {fatal: true}).decode(payload));
    return {verified: true, error: null, payload: json, header: protectedHeader};
  } catch(error) {
    return {verified: false, error: `${error.code ?? error.name}: ${error.message}`};
  }
}

const VERIFIERS = {di: verifyDataIntegrity, jwt: verifyJwt, jws: verifyJws};

await answer(async request => {
  const verifier = VERIFIERS[request.kind];
  if(!verifier) {
    const kind = JSON.stringify(request.kind);
    return {verified: false, error: `unknown kind ${kind}: use di, jwt or jws`};
  }
  try {
    return await verifier(request);
  } catch(error) {
    return {verified: false, error: describeError(error)};
  }
});
