#!/usr/bin/env node
// A wallet answering an OpenID for Verifiable Presentations 1.0 request, driven by
// @openid4vc/openid4vp (oid4vc-ts): parse the request URL, fetch and verify the signed request
// object (request_uri, client_id decentralized_identifier:did:key…), read its DCQL query, present
// the held W3C credentials in a VP signed by the holder's did:key (Ed25519Signature2020 from
// Digital Bazaar's libraries; challenge = nonce, domain = client_id) and post it (direct_post).
//
// stdin:  {"request": "openid4vp://?client_id=…&request_uri=…", "seed": "<hex>",
//          "credentials": [<held credential>, …], "contexts": {"<url>": <json>},
//          "tamper"?: "nonce"}
// stdout: {"ok": true, "query": <dcql>, "status": <HTTP status of the response_uri>, "body": …}
//         or {"ok": false, "stage", "error"}
import crypto from 'node:crypto';
import {Openid4vpClient} from '@openid4vc/openid4vp';
import {setGlobalConfig} from '@openid4vc/utils';
import * as vc from '@digitalbazaar/vc';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import * as base58 from 'base58-universal';
import {keyPairFromSeed, makeDocumentLoader, readStdinJson} from '../lib.mjs';

setGlobalConfig({allowInsecureUrls: true}); // the tests' servers are http on loopback

function didKeyJwk(didUrl) {
  const multibase = didUrl.split('#')[0].slice('did:key:'.length);
  const raw = base58.decode(multibase.slice(1)).slice(2); // drop z, then the ed25519-pub multicodec
  return {kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url')};
}

async function main() {
  const request = await readStdinJson();
  const callbacks = {
    fetch: globalThis.fetch,
    hash: (data, alg) => new Uint8Array(
      crypto.createHash(alg.replace('-', '').toLowerCase()).update(data).digest()),
    generateRandom: n => new Uint8Array(crypto.randomBytes(n)),
    verifyJwt: async (signer, {compact}) => {
      if(signer.method !== 'did' || !signer.didUrl.startsWith('did:key:z6Mk')) {
        return {verified: false};
      }
      const jwk = didKeyJwk(signer.didUrl);
      const [h, p, s] = compact.split('.');
      const verified = crypto.verify(null, Buffer.from(`${h}.${p}`),
        crypto.createPublicKey({key: jwk, format: 'jwk'}), Buffer.from(s, 'base64url'));
      return verified ? {verified: true, signerJwk: jwk} : {verified: false};
    }
  };
  const client = new Openid4vpClient({callbacks});
  let stage = 'parse';
  try {
    const parsed = client.parseOpenid4vpAuthorizationRequest({authorizationRequest: request.request});
    stage = 'resolve';
    const resolved = await client.resolveOpenId4vpAuthorizationRequest({authorizationRequestPayload: parsed.params});
    const payload = resolved.authorizationRequestPayload;
    const query = resolved.dcql.query;
    stage = 'present';
    const {did, keyPair} = await keyPairFromSeed(request.seed);
    const presentation = vc.createPresentation({verifiableCredential: request.credentials, holder: did, version: 1.0});
    const vp = await vc.signPresentation({
      presentation, suite: new Ed25519Signature2020({signer: keyPair.signer()}),
      documentLoader: makeDocumentLoader({documents: request.contexts}),
      challenge: request.tamper === 'nonce' ? 'another-nonce' : payload.nonce, domain: payload.client_id
    });
    const answer = await client.createOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: payload,
      authorizationResponsePayload: {vp_token: {[query.credentials[0].id]: [vp]}}
    });
    stage = 'submit';
    const {response} = await client.submitOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: payload, authorizationResponsePayload: answer.authorizationResponsePayload
    });
    const text = await response.text();
    let body;
    try { body = JSON.parse(text); } catch { body = text; }
    process.stdout.write(JSON.stringify({ok: true, client: resolved.client, query, status: response.status, body}));
  } catch(e) {
    process.stdout.write(JSON.stringify({ok: false, stage, error: String(e && (e.message || e)),
      detail: e && e.errorResponse || null}));
  }
}

main().catch(e => {
  process.stderr.write(String(e && e.stack || e));
  process.exit(2);
});
