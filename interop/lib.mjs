// Shared helpers for verify.mjs and sign.mjs: the offline document loader,
// the suites, and stdin/stdout JSON plumbing.
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';

const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';
const ED25519_2020_V1 = 'https://w3id.org/security/suites/ed25519-2020/v1';
const VM_CONTEXT = {
  Multikey: MULTIKEY_V1,
  Ed25519VerificationKey2020: ED25519_2020_V1
};
// relationships whose entries may be embedded verification methods or refs
const RELATIONSHIPS = [
  'verificationMethod', 'authentication', 'assertionMethod',
  'capabilityInvocation', 'capabilityDelegation', 'keyAgreement'
];

// did:key is resolved locally (pure computation, no network); only Ed25519
// keys ("z6Mk" multibase header) are accepted.
const didKey = didKeyDriver();
didKey.use({
  multibaseMultikeyHeader: 'z6Mk',
  fromMultibase: Ed25519Multikey.from
});

export async function readStdinJson() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export function writeJson(value) {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

const clone = value => structuredClone(value);

// Resolves a fragment-relative id ("#key-1") against the controller's URL.
function absolute(id, base) {
  return typeof id === 'string' && id.startsWith('#') ? base + id : id;
}

// Returns a copy of a controller (DID) document in which fragment-relative
// verification method ids and references are made absolute; this is what
// JSON-LD does anyway with the document URL as base, and it lets the proof
// purpose check match `did#key-1` against the document's relationships.
function absolutize(doc, base) {
  const out = clone(doc);
  for(const rel of RELATIONSHIPS) {
    if(!Array.isArray(out[rel])) {
      continue;
    }
    out[rel] = out[rel].map(entry => typeof entry === 'string' ?
      absolute(entry, base) :
      {...entry, id: absolute(entry.id, base)});
  }
  return out;
}

function findVerificationMethod(doc, url) {
  for(const rel of RELATIONSHIPS) {
    for(const entry of [].concat(doc[rel] ?? [])) {
      if(entry && typeof entry === 'object' && entry.id === url) {
        return entry;
      }
    }
  }
  return null;
}

/**
 * Builds a document loader that never touches the network. It serves:
 * - `documents`: exact URL -> JSON (JSON-LD contexts, status list
 *   credentials, ...);
 * - `controllers`: controller/DID document by its id (a DID or an https
 *   URL); `<id>#<fragment>` resolves to the verification method found in
 *   that document, returned as a standalone document with the @context of its
 *   type (Multikey or Ed25519VerificationKey2020);
 * - `did:key` DIDs and key ids, computed locally.
 * Anything else throws.
 *
 * @param {object} options - Options.
 * @param {object} [options.documents] - URL -> JSON document.
 * @param {object} [options.controllers] - Controller id -> document.
 * @returns {Function} The document loader.
 */
export function makeDocumentLoader({documents = {}, controllers = {}} = {}) {
  const docs = new Map(Object.entries(documents));
  const ctrls = new Map(Object.entries(controllers));
  return async function documentLoader(url) {
    const result = document => ({contextUrl: null, documentUrl: url, document});
    if(docs.has(url)) {
      return result(clone(docs.get(url)));
    }
    const hash = url.indexOf('#');
    const base = hash === -1 ? url : url.slice(0, hash);
    if(ctrls.has(base)) {
      const doc = absolutize(ctrls.get(base), base);
      if(hash === -1) {
        return result(doc);
      }
      const vm = findVerificationMethod(doc, url);
      if(!vm) {
        throw new Error(`verification method "${url}" not found in "${base}"`);
      }
      return result({
        '@context': VM_CONTEXT[vm.type] ?? doc['@context'],
        ...vm,
        controller: vm.controller ?? base
      });
    }
    if(url.startsWith('did:key:')) {
      return result(await didKey.get({url}));
    }
    throw new Error(`offline document loader: "${url}" is not available`);
  };
}

// did:key id and Multikey key pair (with signer) from a 32-byte hex seed.
export async function keyPairFromSeed(seedHex) {
  if(!/^[0-9a-fA-F]{64}$/.test(seedHex ?? '')) {
    throw new TypeError('"seed" must be 32 bytes in hex (64 characters)');
  }
  const seed = Uint8Array.from(Buffer.from(seedHex, 'hex'));
  const {publicKeyMultibase} = await Ed25519Multikey.generate({seed});
  const did = `did:key:${publicKeyMultibase}`;
  const keyPair = await Ed25519Multikey.generate({seed, controller: did});
  return {did, keyPair};
}
