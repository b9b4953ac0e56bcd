// Time Digital Bazaar's vc.issue and vc.verifyCredential (eddsa-rdfc-2022) on one credential.
//
// stdin: {"credential": {...unsigned...}, "seed": "<32 bytes, hex>"?, "verificationMethod"?,
//         "warmup": 50?, "runs": 200?}
// stdout: {"sign_ms": median, "verify_ms": median, "runs", "warmup", "node", "packages"}
// The key is the issuer's (`${issuer.id}#key-1` unless named), served from memory, so no key
// is resolved. A timed sign is vc.issue on a fresh copy; a timed verify is vc.verifyCredential:
// the proof, its purpose (the key's controller is the issuer) and the credential's dates.
// bench/ runs this beside our own figures (tests/interop `run_node("bench.mjs", ...)`).
import {readFileSync} from 'node:fs';
import {performance} from 'node:perf_hooks';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {documentLoader, issuerKeyDocuments, readInput, signer} from './lib.mjs';

const PACKAGES = ['@digitalbazaar/vc', '@digitalbazaar/eddsa-rdfc-2022-cryptosuite', 'jsonld'];

async function medianMs(run, {warmup, runs}) {
  for(let i = 0; i < warmup; ++i) {
    await run();
  }
  const times = [];
  for(let i = 0; i < runs; ++i) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const middle = Math.floor(runs / 2);
  return runs % 2 ? times[middle] : (times[middle - 1] + times[middle]) / 2;
}

function version(name) {
  const url = new URL(`./node_modules/${name}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')).version;
}

const {
  credential, seed = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
  verificationMethod, warmup = 50, runs = 200
} = await readInput();
const issuer = typeof credential.issuer === 'string' ? credential.issuer : credential.issuer.id;
const {key, publicKeyMultibase} = await signer({
  seed, controller: issuer, verificationMethod: verificationMethod ?? `${issuer}#key-1`
});
const issueLoader = documentLoader();
const sign = () => vc.issue({
  credential: structuredClone(credential),
  suite: new DataIntegrityProof({signer: key.signer(), cryptosuite}),
  documentLoader: issueLoader
});
const signed = await sign();
const verifyLoader = documentLoader(issuerKeyDocuments({document: signed, publicKeyMultibase}));
const verify = async () => {
  const result = await vc.verifyCredential({
    credential: signed,
    suite: new DataIntegrityProof({cryptosuite}),
    documentLoader: verifyLoader,
    checkStatus: async () => ({verified: true})
  });
  if(!result.verified) {
    throw new Error(`the benchmark credential does not verify: ${result.error}`);
  }
};
const options = {warmup, runs};
const packages = Object.fromEntries(PACKAGES.map(name => [name, version(name)]));
process.stdout.write(JSON.stringify({
  sign_ms: await medianMs(sign, options),
  verify_ms: await medianMs(verify, options),
  runs, warmup, node: process.version, packages
}) + '\n');
