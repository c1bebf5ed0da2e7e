#!/usr/bin/env node
// Prints the canonical N-Quads the eddsa-rdfc-2022 cryptosuite hashes for a
// document (its own canonize function, with the options DataIntegrityProof
// passes: base null, safe true), for byte-for-byte comparison with Shahada.
//
// stdin:  {"documents": [<json-ld>, ...], "contexts": {"<url>": <json>}}
// stdout: [<n-quads string> | {"error": "..."}, ...]
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {makeDocumentLoader, readStdinJson, writeJson} from './lib.mjs';

const request = await readStdinJson();
const documentLoader = makeDocumentLoader({documents: request.contexts});
const out = [];
for(const document of request.documents) {
  try {
    out.push(await eddsaRdfc2022.canonize(
      document, {documentLoader, base: null, safe: true}));
  } catch(e) {
    out.push({error: e.message});
  }
}
writeJson(out);
