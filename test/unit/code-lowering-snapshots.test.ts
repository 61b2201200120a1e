// Model snapshots of realistic code fixtures: they are the reviewed spec of the code lowering.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { FIXTURES, parse } from './helpers';
import { matchSnapshot, renderDoc } from './snapshot';
import { literalStarts, reachableStarts } from './reachability';

const DIR = path.join(FIXTURES, 'lowering');
const LANGS = ['typescript', 'tsx', 'python', 'go', 'bash'];

describe('code lowering snapshots', () => {
  for (const lang of LANGS) {
    for (const file of readdirSync(path.join(DIR, lang)).filter((f) => !f.endsWith('.model.json')).sort()) {
      const full = path.join(DIR, lang, file);
      it(`${lang}/${file}`, async () => {
        const text = readFileSync(full, 'utf8');
        const doc = await parse(text, file);
        assert.deepEqual(doc.problems, []);
        matchSnapshot(renderDoc(doc), `${full}.model.json`);
        const reachable = reachableStarts(doc);
        const missing = (await literalStarts(text, doc.language)).filter((s) => !reachable.has(s.offset));
        assert.deepEqual(missing.map((m) => m.text), [], 'every string literal is reachable through walkDoc');
      });
    }
  }
});
