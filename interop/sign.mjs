#!/usr/bin/env node
// Signs a credential with the reference libraries (for the reverse test:
// what they sign must verify in Shahada's verifier).
//
// stdin:  {"credential": {...},
//          "cryptosuite": "eddsa-rdfc-2022"|"eddsa-jcs-2022"|
//                         "Ed25519Signature2020",
//          "seed": "<32 bytes hex>",            // Ed25519 seed
//          "contexts": {"<url>": <json>},        // JSON-LD contexts
//          "created"?: "<ISO date>"}             // proof date, default now
// stdout: the signed credential. Its issuer (or issuer.id) is set to the
//         did:key of the seed; the proof's verificationMethod is
//         did:key:<z6Mk...>#<z6Mk...> with proofPurpose assertionMethod.
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createSignCryptosuite as eddsaJcs2022} from
  '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {
  keyPairFromSeed, makeDocumentLoader, readStdinJson, writeJson
} from './lib.mjs';

function makeSuite(name, signer, date) {
  switch(name) {
    case 'eddsa-rdfc-2022':
      return new DataIntegrityProof({signer, date, cryptosuite: eddsaRdfc2022});
    case 'eddsa-jcs-2022':
      return new DataIntegrityProof({signer, date, cryptosuite: eddsaJcs2022()});
    case 'Ed25519Signature2020':
      return new Ed25519Signature2020({signer, date});
    default:
      throw new TypeError(`unsupported cryptosuite "${name}"`);
  }
}

async function main() {
  const request = await readStdinJson();
  const {did, keyPair} = await keyPairFromSeed(request.seed);
  const credential = structuredClone(request.credential);
  if(credential.issuer && typeof credential.issuer === 'object') {
    credential.issuer = {...credential.issuer, id: did};
  } else {
    credential.issuer = did;
  }
  delete credential.proof;
  const date = request.created ? new Date(request.created) : undefined;
  const suite = makeSuite(request.cryptosuite, keyPair.signer(), date);
  const documentLoader = makeDocumentLoader({documents: request.contexts});
  writeJson(await vc.issue({credential, suite, documentLoader}));
}

try {
  await main();
} catch(e) {
  process.stderr.write(`sign failed: ${e.stack ?? e}\n`);
  process.exitCode = 1;
}
