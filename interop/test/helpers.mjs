// Test helpers: load the project's pinned contexts and run the harness.
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

export const HERE = dirname(fileURLToPath(import.meta.url));
// The project root: $SHAHADA_ROOT, else the folder containing interop/.
export const ROOT = process.env.SHAHADA_ROOT ?? join(HERE, '..', '..');

export const readJson = path => JSON.parse(readFileSync(path, 'utf8'));

// URL -> context, from schemas/manifest.json, plus the W3C examples context
// used by the vc-di-eddsa test vectors.
export function projectContexts() {
  const schemas = join(ROOT, 'schemas');
  const manifest = readJson(join(schemas, 'manifest.json'));
  const contexts = {};
  for(const [url, {file}] of Object.entries(manifest.contexts)) {
    contexts[url] = readJson(join(schemas, file));
  }
  contexts['https://www.w3.org/ns/credentials/examples/v2'] = readJson(
    join(ROOT, 'tests/verifier/data/credentials-examples-v2.jsonld'));
  return contexts;
}

export function run(script, request) {
  const out = execFileSync(process.execPath, [join(HERE, '..', script)], {
    input: JSON.stringify(request), encoding: 'utf8'
  });
  return JSON.parse(out);
}
