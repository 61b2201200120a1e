// Model snapshots of realistic data-language fixtures: the committed .model.json files are the
// reviewed specification of what the lowering produces.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { FIXTURES, parse } from './helpers';
import { matchSnapshot, renderDoc } from './snapshot';

const LANGUAGES = ['yaml', 'hcl', 'toml', 'dotenv', 'properties'];

describe('data lowering snapshots', () => {
  for (const lang of LANGUAGES) {
    const dir = path.join(FIXTURES, 'lowering', lang);
    for (const name of readdirSync(dir).filter((f) => !f.endsWith('.model.json'))) {
      it(`${lang}/${name}`, async () => {
        const file = path.join(dir, name);
        const doc = await parse(readFileSync(file, 'utf8'), `fixtures/${name}`);
        matchSnapshot(renderDoc(doc), `${file}.model.json`);
      });
    }
  }
});
