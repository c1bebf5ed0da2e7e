#!/usr/bin/env node
// A wallet taking a claim over a VC API exchange (W3C VCALM), as the Learner Credential Wallet
// does, built from Digital Bazaar's libraries (interop/node_modules): read the Interaction URL's
// protocols, POST {} to the exchange, sign a DID authentication presentation for its challenge
// and domain with the holder's did:key (@digitalbazaar/vc), POST it, keep the credentials.
//
// stdin:  {"interaction": "<https…/interactions/…?iuv=1>",
//          "seed": "<32-byte hex Ed25519 seed of the holder>",
//          "suite": "eddsa-rdfc-2022"|"Ed25519Signature2020",
//          "contexts": {"<url>": <json>},            // pinned JSON-LD contexts
//          "tamper"?: "challenge"|"domain",          // sign for another (negative tests)
//          "replay"?: true}                          // post the same presentation twice
// stdout: {"holder", "protocols", "request", "answer": {"status", "body"},
//          "replayed"?: {"status", "body"}, "state": <GET exchange>}
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {keyPairFromSeed, makeDocumentLoader, readStdinJson, writeJson} from '../lib.mjs';

async function call(url, body) {
  const response = await fetch(url, body === undefined ?
    {headers: {Accept: 'application/json'}} :
    {method: 'POST', headers: {'Content-Type': 'application/json', Accept: 'application/json'},
      body: JSON.stringify(body)});
  return {status: response.status, body: await response.json()};
}

async function main() {
  const request = await readStdinJson();
  const {did, keyPair} = await keyPairFromSeed(request.seed);
  const signer = keyPair.signer();
  const suite = request.suite === 'Ed25519Signature2020' ?
    new Ed25519Signature2020({signer}) :
    new DataIntegrityProof({signer, cryptosuite: eddsaRdfc2022});
  const documentLoader = makeDocumentLoader({documents: request.contexts});

  const {body: {protocols}} = await call(request.interaction);
  const started = await call(protocols.vcapi, {});
  const vpr = started.body.verifiablePresentationRequest;
  const presentation = vc.createPresentation({holder: did, version: request.suite === 'Ed25519Signature2020' ? 1.0 : 2.0});
  const signed = await vc.signPresentation({
    presentation, suite, documentLoader,
    challenge: request.tamper === 'challenge' ? 'not-the-challenge' : vpr.challenge,
    domain: request.tamper === 'domain' ? 'elsewhere.example' : vpr.domain
  });
  const out = {holder: did, protocols, request: vpr};
  out.answer = await call(protocols.vcapi, {verifiablePresentation: signed});
  if(request.replay) {
    out.replayed = await call(protocols.vcapi, {verifiablePresentation: signed});
  }
  out.state = (await call(protocols.vcapi)).body;
  writeJson(out);
}

try {
  await main();
} catch(e) {
  process.stderr.write(`vcapi claim failed: ${e.stack ?? e}\n`);
  process.exitCode = 1;
}
