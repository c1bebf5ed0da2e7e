#!/usr/bin/env node
// A wallet claiming credentials with OpenID for Verifiable Credential Issuance, driven by
// @openid4vc/openid4vci (the OpenWallet Foundation's oid4vc-ts, which Credo's wallets use):
// resolve the credential offer and the issuer's metadata, redeem the pre-authorized code with
// the transaction code, ask for a c_nonce, prove the holder key in a JWT, fetch each offered
// credential.
//
// stdin:  {"offer": "openid-credential-offer://…", "txCode": "123456",
//          "holder": {"seed": "<32-byte hex Ed25519 seed>", "did": "did:key:z6Mk…"},
//          "tamper"?: "nonce"|"audience"}     // make a wrong proof (negative tests)
// stdout: {"ok": true, "configurations": [...], "credentials": {"<configuration id>": [<credential>, …]}}
//         or {"ok": false, "stage": "token"|"credential"|…, "error": "<message>", "response"?: {...}}
import crypto from 'node:crypto';
import {Openid4vciClient, setGlobalConfig} from '@openid4vc/openid4vci';
import {clientAuthenticationAnonymous} from '@openid4vc/oauth2';

setGlobalConfig({allowInsecureUrls: true}); // the tests' servers are http on loopback

const b64url = data => Buffer.from(data).toString('base64url');

function holderKey(seedHex) {
  const der = Buffer.concat([
    Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seedHex, 'hex')]);
  const privateKey = crypto.createPrivateKey({key: der, format: 'der', type: 'pkcs8'});
  const publicJwk = crypto.createPublicKey(privateKey).export({format: 'jwk'});
  return {privateKey, publicJwk};
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function main() {
  const request = await readStdin();
  const {privateKey, publicJwk} = holderKey(request.holder.seed);
  const callbacks = {
    fetch: globalThis.fetch,
    hash: (data, alg) => new Uint8Array(
      crypto.createHash(alg.replace('-', '').toLowerCase()).update(data).digest()),
    generateRandom: n => new Uint8Array(crypto.randomBytes(n)),
    clientAuthentication: clientAuthenticationAnonymous(),
    signJwt: async (signer, {header, payload}) => {
      if(request.tamper === 'audience') {
        payload = {...payload, aud: 'https://someone-else.example'};
      }
      const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
      const signature = crypto.sign(null, Buffer.from(input), privateKey);
      return {jwt: `${input}.${b64url(signature)}`, signerJwk: publicJwk};
    }
  };
  const client = new Openid4vciClient({callbacks});
  let stage = 'offer';
  try {
    const credentialOffer = await client.resolveCredentialOffer(request.offer);
    stage = 'metadata';
    const issuerMetadata = await client.resolveIssuerMetadata(credentialOffer.credential_issuer);
    stage = 'token';
    const {accessTokenResponse} = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
      credentialOffer, issuerMetadata, txCode: request.txCode
    });
    const credentials = {};
    for(const configurationId of credentialOffer.credential_configuration_ids) {
      stage = 'nonce';
      const {c_nonce: nonce} = await client.requestNonce({issuerMetadata});
      stage = 'proof';
      const {jwt} = await client.createCredentialRequestJwtProof({
        issuerMetadata, credentialConfigurationId: configurationId,
        signer: {method: 'did', didUrl: `${request.holder.did}#${request.holder.did.slice(8)}`, alg: 'EdDSA'},
        nonce: request.tamper === 'nonce' ? 'a-nonce-the-issuer-never-gave' : nonce
      });
      stage = 'credential';
      const response = await client.retrieveCredentials({
        issuerMetadata, accessToken: accessTokenResponse.access_token,
        credentialConfigurationId: configurationId, proofs: {jwt: [jwt]}
      });
      credentials[configurationId] = response.credentialResponse.credentials.map(c => c.credential);
    }
    process.stdout.write(JSON.stringify({
      ok: true, configurations: credentialOffer.credential_configuration_ids, credentials}));
  } catch(e) {
    process.stdout.write(JSON.stringify({
      ok: false, stage, error: String(e && e.message || e),
      response: e && (e.errorResponse || e.response?.credentialErrorResponseResult?.data) || null
    }));
  }
}

main().catch(e => {
  process.stderr.write(String(e && e.stack || e));
  process.exit(2);
});
