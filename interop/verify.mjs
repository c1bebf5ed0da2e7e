#!/usr/bin/env node
// Independent verifier built on Digital Bazaar's reference libraries.
//
// stdin:  {"documents": [{"kind": "credential"|"presentation",
//                         "document": {...}, "challenge"?, "domain"?,
//                         "checkIssuer"?: bool}],   // default true
//          "contexts": {"<url>": <json>},        // JSON-LD contexts
//          "didDocuments": {"<did or url>": <controller document>},
//          "resources"?: {"<url>": <json>},      // e.g. status list VCs
//          "checkStatus"?: bool,                  // default false
//          "now"?: "<ISO date>"}                  // default: current time
// stdout: [{"verified": bool, "error": string|null, "status": ...}, ...]
//         (one entry per request document, same order)
// Exit code 0 when the request was processed, 2 on a malformed request.
import * as vc from '@digitalbazaar/vc';
import {checkStatus as checkBitstringStatus} from
  '@digitalbazaar/vc-bitstring-status-list';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import jsigs from 'jsonld-signatures';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createVerifyCryptosuite as eddsaJcs2022} from
  '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {makeDocumentLoader, readStdinJson, writeJson} from './lib.mjs';

function suites() {
  return [
    new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
    new DataIntegrityProof({cryptosuite: eddsaJcs2022()}),
    new Ed25519Signature2020()
  ];
}

// Collects the distinct error messages of a (nested) verification result.
function errorMessages(value, out = new Set(), seen = new Set()) {
  if(!value || typeof value !== 'object' || seen.has(value)) {
    return out;
  }
  seen.add(value);
  if(value instanceof Error) {
    if(Array.isArray(value.errors) && value.errors.length > 0) {
      value.errors.forEach(e => errorMessages(e, out, seen));
    } else {
      out.add(value.message);
    }
    if(value.cause) {
      errorMessages(value.cause, out, seen);
    }
    return out;
  }
  if(Array.isArray(value)) {
    value.forEach(v => errorMessages(v, out, seen));
    return out;
  }
  for(const key of ['error', 'results', 'presentationResult',
    'credentialResults', 'statusResult', 'purposeResult']) {
    if(key in value) {
      errorMessages(value[key], out, seen);
    }
  }
  return out;
}

// Status handling. With "checkStatus": false (the default) credentialStatus
// is NOT checked: the function below reports verified: true without looking
// at any list (the library insists on a checkStatus function whenever a
// credential has credentialStatus). With "checkStatus": true every
// BitstringStatusListEntry is checked against the status list credential
// given in "resources" (its proof and issuer are verified too), and a set
// bit (revoked / suspended) fails verification.
function makeCheckStatus(enabled, record) {
  return async options => {
    if(!enabled) {
      record.status = 'not checked';
      return {verified: true};
    }
    const result = await checkBitstringStatus({
      credential: options.credential,
      documentLoader: options.documentLoader,
      suite: options.suite,
      verifyBitstringStatusListCredential: true,
      verifyMatchingIssuers: true
    });
    if(!result.verified) {
      record.status = 'error';
      return result;
    }
    const set = result.results.filter(r => r.status);
    if(set.length > 0) {
      const purposes = set.map(r => r.credentialStatus.statusPurpose);
      record.status = 'set: ' + purposes.join(', ');
      return {
        verified: false,
        error: new Error(`credential status is set (${purposes.join(', ')})`),
        results: result.results
      };
    }
    record.status = 'clear';
    return result;
  };
}

async function verifyOne(item, {documentLoader, checkStatus, now}) {
  const record = {verified: false, error: null};
  const common = {
    suite: suites(),
    documentLoader,
    checkStatus: makeCheckStatus(checkStatus, record),
    now: item.now ?? now
  };
  try {
    let result;
    if(item.kind === 'credential') {
      // "checkIssuer": false only checks that the proof is an
      // assertionMethod proof of its verification method's controller, not
      // that this controller is the credential's issuer (needed for the W3C
      // vc-di-eddsa vectors whose did:key signs for an https issuer).
      const purpose = item.checkIssuer === false ?
        new jsigs.purposes.AssertionProofPurpose() : undefined;
      result = await vc.verifyCredential({
        ...common, credential: item.document, purpose
      });
    } else if(item.kind === 'presentation') {
      const signed = item.document?.proof !== undefined;
      result = await vc.verify({
        ...common,
        presentation: item.document,
        unsignedPresentation: !signed,
        challenge: item.challenge,
        domain: item.domain
      });
    } else {
      throw new TypeError('"kind" must be "credential" or "presentation"');
    }
    record.verified = result.verified === true;
    if(!record.verified) {
      const messages = [...errorMessages(result)];
      record.error = messages.join('; ') || 'not verified';
    }
  } catch(e) {
    record.verified = false;
    record.error = [...errorMessages(e)].join('; ') || String(e);
  }
  if(record.status === undefined) {
    delete record.status;
  }
  return record;
}

async function main() {
  let request;
  try {
    request = await readStdinJson();
    if(!Array.isArray(request.documents)) {
      throw new TypeError('"documents" must be an array');
    }
  } catch(e) {
    process.stderr.write(`bad request: ${e.message}\n`);
    process.exitCode = 2;
    return;
  }
  const documentLoader = makeDocumentLoader({
    documents: {...request.contexts, ...request.resources},
    controllers: request.didDocuments
  });
  const options = {
    documentLoader,
    checkStatus: request.checkStatus === true,
    now: request.now
  };
  const results = [];
  for(const item of request.documents) {
    results.push(await verifyOne(item, options));
  }
  writeJson(results);
}

await main();
