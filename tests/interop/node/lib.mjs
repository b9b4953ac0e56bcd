// What the interop scripts share: an offline document loader, JSON on stdin and stdout.
//
// The loader serves our pinned contexts (verifier/contexts/, checked against manifest.json as
// verifier/loader.py checks them), did:key documents (Digital Bazaar's own resolver), and the
// documents a request hands over (a DID document, an issuer's key). Anything else is refused:
// nothing here ever reaches the network.
import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';

const CONTEXTS = fileURLToPath(new URL('../../../verifier/contexts/', import.meta.url));
const DID_CONTEXTS = [
  'https://www.w3.org/ns/did/v1',
  'https://w3id.org/security/multikey/v1'
];

const didKey = didKeyDriver();
didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

let pinned;

// Read every pinned context once, refusing a file whose hash is not the manifest's.
function pinnedContexts() {
  if(pinned) {
    return pinned;
  }
  const manifest = JSON.parse(readFileSync(CONTEXTS + 'manifest.json', 'utf8'));
  pinned = new Map();
  for(const [url, {file, sha256}] of Object.entries(manifest)) {
    const bytes = readFileSync(CONTEXTS + file);
    const actual = createHash('sha256').update(bytes).digest('hex');
    if(actual !== sha256) {
      throw new Error(`${file}: SHA-256 ${actual} is not the manifest's ${sha256}`);
    }
    pinned.set(url, JSON.parse(bytes.toString('utf8')));
  }
  return pinned;
}

// The controller document and key that `publicKeyMultibase` stands for: the key is the proof's
// verification method, controlled by the credential's issuer, as an issuer profile would say.
export function issuerKeyDocuments({document, publicKeyMultibase}) {
  const proof = [document.proof].flat()[0];
  const issuer = typeof document.issuer === 'string' ?
    document.issuer : document.issuer?.id;
  const method = {
    id: proof.verificationMethod,
    type: 'Multikey',
    controller: issuer,
    publicKeyMultibase
  };
  return {
    [issuer]: {
      '@context': DID_CONTEXTS,
      id: issuer,
      verificationMethod: [method],
      assertionMethod: [method.id]
    }
  };
}

// A documentLoader serving pinned contexts, did:key and `documents` ({url: JSON}); a URL
// with a fragment is also found among the verificationMethod entries of its document.
export function documentLoader(documents = {}) {
  const contexts = pinnedContexts();
  return async url => {
    if(contexts.has(url)) {
      return {contextUrl: null, documentUrl: url, document: structuredClone(contexts.get(url))};
    }
    if(Object.hasOwn(documents, url)) {
      return {contextUrl: null, documentUrl: url, document: structuredClone(documents[url])};
    }
    const [base, fragment] = url.split('#');
    if(fragment !== undefined && Object.hasOwn(documents, base)) {
      const controller = documents[base];
      const method = [controller.verificationMethod ?? []].flat().find(m => m.id === url);
      if(method) {
        const document = {'@context': controller['@context'], ...structuredClone(method)};
        return {contextUrl: null, documentUrl: url, document};
      }
    }
    if(url.startsWith('did:key:')) {
      return {contextUrl: null, documentUrl: url, document: await didKey.get({url})};
    }
    throw new Error(`${url} is neither a pinned context nor a document of this request; ` +
      'the interop loader is offline');
  };
}

// An Ed25519 Multikey from a 32-byte seed (hex), named by `verificationMethod` under
// `controller`; by default the key's own did:key.
export async function signer({seed, controller, verificationMethod}) {
  const generated = await Ed25519Multikey.generate({seed: Buffer.from(seed, 'hex')});
  const {publicKeyMultibase, secretKeyMultibase} = await generated.export({
    publicKey: true, secretKey: true
  });
  controller ??= `did:key:${publicKeyMultibase}`;
  const id = verificationMethod ?? `${controller}#${publicKeyMultibase}`;
  const key = await Ed25519Multikey.from({
    type: 'Multikey', id, controller, publicKeyMultibase, secretKeyMultibase
  });
  return {key, publicKeyMultibase};
}

// Every message of an error and of those it wraps (jsonld and jsonld-signatures nest them).
export function describeError(error) {
  if(!error) {
    return null;
  }
  const messages = [];
  const visit = e => {
    if(!e) {
      return;
    }
    if(Array.isArray(e)) {
      e.forEach(visit);
      return;
    }
    if(e.message && !messages.includes(e.message)) {
      messages.push(e.message);
    }
    visit(e.errors);
    visit(e.cause);
    visit(e.details?.cause);
    visit(e.details?.event?.message && {message: e.details.event.message});
  };
  visit(error);
  return messages.join('; ') || String(error);
}

// Parse all of stdin as JSON.
export async function readInput() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

// Run `handle` on one request or on each of an array of them, printing the answers as JSON.
export async function answer(handle) {
  const input = await readInput();
  const output = Array.isArray(input) ?
    await sequentially(input, handle) : await handle(input);
  process.stdout.write(JSON.stringify(output) + '\n');
}

async function sequentially(requests, handle) {
  const answers = [];
  for(const request of requests) {
    answers.push(await handle(request));
  }
  return answers;
}
