#!/usr/bin/env node
// Prints Digital Bazaar's rdf-canonize RDFC-1.0 canonical N-Quads of N-Quads
// datasets (the library behind every jsonld-signatures suite), for comparison
// with Shahada's native canonicalizer on generated graphs.
//
// stdin:  {"datasets": ["<n-quads>", ...]}
// stdout: [<n-quads string> | {"error": "..."}, ...]
import canonize from 'rdf-canonize';
import {readStdinJson, writeJson} from './lib.mjs';

const request = await readStdinJson();
const out = [];
for(const dataset of request.datasets) {
  try {
    out.push(await canonize.canonize(dataset, {
      algorithm: 'RDFC-1.0', inputFormat: 'application/n-quads',
      format: 'application/n-quads', maxWorkFactor: 3
    }));
  } catch(e) {
    out.push({error: e.message});
  }
}
writeJson(out);
