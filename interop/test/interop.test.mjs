// node --test test/   (SHAHADA_ROOT defaults to the folder containing interop/)
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {test} from 'node:test';
import * as vc from '@digitalbazaar/vc';
import {
  createCredential as createStatusListCredential, createList
} from '@digitalbazaar/vc-bitstring-status-list';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {keyPairFromSeed, makeDocumentLoader} from '../lib.mjs';
import {projectContexts, readJson, ROOT, run} from './helpers.mjs';

const contexts = projectContexts();
const VECTORS = join(ROOT, 'tests/cases/vc-di-eddsa');
const SEED = '11'.repeat(32);
const V2 = 'https://www.w3.org/ns/credentials/v2';
const V1 = 'https://www.w3.org/2018/credentials/v1';
const BAC = 'https://diplomes.men.gov.ma/contexts/baccalaureate/v1';
const ED2020 = 'https://w3id.org/security/suites/ed25519-2020/v1';

const verify = (documents, extra = {}) =>
  run('verify.mjs', {documents, contexts, didDocuments: {}, ...extra});
const sign = (credential, cryptosuite) => run('sign.mjs', {
  credential, cryptosuite, seed: SEED, contexts,
  created: '2025-01-01T00:00:00Z'
});

function w3cVectors() {
  const unsigned = readJson(join(VECTORS, 'unsigned.json'));
  const {publicKeyMultibase} = readJson(join(VECTORS, 'keyPair.json'));
  const issuer = unsigned.issuer;
  const controller = {
    '@context': [
      'https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'
    ],
    id: issuer,
    verificationMethod: [{
      id: `#${publicKeyMultibase}`, type: 'Multikey', controller: issuer,
      publicKeyMultibase
    }],
    assertionMethod: [`#${publicKeyMultibase}`]
  };
  const cases = ['eddsa-rdfc-2022', 'eddsa-jcs-2022',
    'eddsa-rdfc-2022-https-vm', 'eddsa-jcs-2022-https-vm'];
  const documents = cases.map(name => {
    const {proofOptions} = readJson(join(VECTORS, name, 'input.json'));
    const {proofValue} = readJson(join(VECTORS, name, 'expected.json'));
    return {
      kind: 'credential',
      document: {...unsigned, proof: {...proofOptions, proofValue}},
      // the Recommendation's did:key vectors sign for an https issuer
      checkIssuer: name.endsWith('https-vm')
    };
  });
  return {documents, didDocuments: {[issuer]: controller}};
}

test('W3C vc-di-eddsa vectors verify, tampered ones do not', () => {
  const {documents, didDocuments} = w3cVectors();
  const results = verify(documents, {didDocuments});
  assert.deepEqual(results.map(r => r.verified), [true, true, true, true],
    JSON.stringify(results));
  const tampered = documents.map(d => ({...d, document: {
    ...d.document, credentialSubject: {
      ...d.document.credentialSubject, alumniOf: 'Another School'
    }
  }}));
  const bad = verify(tampered, {didDocuments});
  assert.deepEqual(bad.map(r => r.verified), [false, false, false, false]);
  // without the controller document the https vectors cannot be resolved
  const offline = verify(documents.slice(2));
  assert.match(offline[0].error, /offline document loader/);
});

function diploma(context, direction = 'rtl') {
  return {
    '@context': context,
    id: 'urn:uuid:3f0e6c1e-7d1c-4c39-9a55-0a4f3c1a9b11',
    type: ['VerifiableCredential', 'BaccalaureateDiploma'],
    issuer: 'did:example:replaced-by-sign',
    ...(context[0] === V2 ?
      {validFrom: '2024-07-01T00:00:00Z'} :
      {issuanceDate: '2024-07-01T00:00:00Z'}),
    credentialSubject: {
      familyName: {'@value': 'العلوي', '@language': 'ar', '@direction': direction},
      givenName: 'Amina',
      massarCode: 'R130000001',
      year: 2024
    }
  };
}

test('@direction is signed by eddsa-rdfc-2022 (rtl -> ltr breaks it)', () => {
  const signed = sign(diploma([V2, BAC]), 'eddsa-rdfc-2022');
  assert.equal(signed.proof.cryptosuite, 'eddsa-rdfc-2022');
  const flipped = structuredClone(signed);
  flipped.credentialSubject.familyName['@direction'] = 'ltr';
  const results = verify([
    {kind: 'credential', document: signed},
    {kind: 'credential', document: flipped}
  ]);
  assert.equal(results[0].verified, true, results[0].error);
  assert.equal(results[1].verified, false);
  assert.match(results[1].error, /Invalid signature/);
});

test('every suite signs and verifies (VC 2.0 and VC 1.1)', () => {
  const cases = [
    [[V2, BAC], 'eddsa-rdfc-2022'],
    [[V2, BAC], 'eddsa-jcs-2022'],
    [[V2, BAC, ED2020], 'Ed25519Signature2020'],
    [[V1, BAC, ED2020], 'Ed25519Signature2020']
  ];
  const signed = cases.map(([context, suite]) => sign(diploma(context), suite));
  const results = verify(signed.map(document => ({kind: 'credential', document})));
  assert.deepEqual(results.map(r => r.verified), [true, true, true, true],
    JSON.stringify(results));
  assert.ok(signed.every(s => s.issuer.startsWith('did:key:z6Mk')));
});

test('presentations: unsigned, and signed with challenge/domain', async () => {
  const credential = sign(diploma([V2, BAC]), 'eddsa-rdfc-2022');
  const presentation = vc.createPresentation({verifiableCredential: credential});
  const {did, keyPair} = await keyPairFromSeed(SEED);
  presentation.holder = did;
  const signed = await vc.signPresentation({
    presentation: structuredClone(presentation),
    suite: new DataIntegrityProof({
      signer: keyPair.signer(), cryptosuite: eddsaRdfc2022
    }),
    challenge: 'c-123', domain: 'verifier.example',
    documentLoader: makeDocumentLoader({documents: contexts})
  });
  const results = verify([
    {kind: 'presentation', document: presentation},
    {kind: 'presentation', document: signed,
      challenge: 'c-123', domain: 'verifier.example'},
    {kind: 'presentation', document: signed,
      challenge: 'other', domain: 'verifier.example'},
    {kind: 'presentation', document: signed,
      challenge: 'c-123', domain: 'other.example'},
    // the library checks domain only when the verifier gives one
    {kind: 'presentation', document: signed, challenge: 'c-123'},
    // a signed presentation needs a challenge
    {kind: 'presentation', document: signed}
  ]);
  assert.deepEqual(results.map(r => r.verified),
    [true, true, false, false, true, false],
    JSON.stringify(results));
});

test('credentialStatus: not checked by default, checked on request', async () => {
  const listUrl = 'https://status.example/lists/revocation/1';
  const makeList = async revoked => {
    const list = await createList({length: 131072});
    if(revoked) {
      list.setStatus(42, true);
    }
    const unsigned = await createStatusListCredential({
      id: listUrl, list, statusPurpose: 'revocation', context: [V2]
    });
    return sign({...unsigned, validFrom: '2024-07-01T00:00:00Z'},
      'eddsa-rdfc-2022');
  };
  const credential = sign({
    ...diploma([V2, BAC]),
    credentialStatus: {
      id: `${listUrl}#42`, type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation', statusListIndex: '42',
      statusListCredential: listUrl
    }
  }, 'eddsa-rdfc-2022');
  const documents = [{kind: 'credential', document: credential}];
  const [unchecked] = verify(documents);
  assert.equal(unchecked.verified, true);
  assert.equal(unchecked.status, 'not checked');
  const [clear] = verify(documents, {
    checkStatus: true, resources: {[listUrl]: await makeList(false)}
  });
  assert.equal(clear.verified, true, clear.error);
  assert.equal(clear.status, 'clear');
  const [revoked] = verify(documents, {
    checkStatus: true, resources: {[listUrl]: await makeList(true)}
  });
  assert.equal(revoked.verified, false);
  assert.equal(revoked.status, 'set: revocation');
  const [missing] = verify(documents, {checkStatus: true});
  assert.equal(missing.verified, false);
});

test('did:web-style DID document, Multikey and Ed25519VerificationKey2020', async () => {
  const did = 'did:web:diplomes.men.gov.ma';
  const seed = Uint8Array.from(Buffer.from(SEED, 'hex'));
  const key1 = await Ed25519Multikey.generate({seed, id: `${did}#key-1`, controller: did});
  const key2 = await Ed25519Multikey.generate({seed, id: `${did}#key-2`, controller: did});
  const didDocument = {
    '@context': ['https://www.w3.org/ns/did/v1',
      'https://w3id.org/security/multikey/v1', ED2020],
    id: did,
    verificationMethod: [
      {id: '#key-1', type: 'Multikey', controller: did,
        publicKeyMultibase: key1.publicKeyMultibase},
      {id: `${did}#key-2`, type: 'Ed25519VerificationKey2020', controller: did,
        publicKeyMultibase: key2.publicKeyMultibase}
    ],
    assertionMethod: ['#key-1', `${did}#key-2`]
  };
  const documentLoader = makeDocumentLoader({documents: contexts});
  const issue = (credential, suite) => vc.issue({
    credential: {...credential, issuer: did}, suite, documentLoader
  });
  const signed = [
    await issue(diploma([V2, BAC]), new DataIntegrityProof({
      signer: key1.signer(), cryptosuite: eddsaRdfc2022,
      date: '2025-01-01T00:00:00Z'})),
    await issue(diploma([V1, BAC, ED2020]), new Ed25519Signature2020({
      signer: key2.signer(), date: '2025-01-01T00:00:00Z'}))
  ];
  const documents = signed.map(document => ({kind: 'credential', document}));
  const results = verify(documents, {didDocuments: {[did]: didDocument}});
  assert.deepEqual(results.map(r => r.verified), [true, true],
    JSON.stringify(results));
  // a key not listed under assertionMethod is refused
  const noAssertion = {...didDocument, assertionMethod: []};
  const refused = verify(documents, {didDocuments: {[did]: noAssertion}});
  assert.deepEqual(refused.map(r => r.verified), [false, false]);
});
