// Throughput work must not change a single finding: `scan --format json` over a small seeded
// corpus (the bench's generator) equals the committed report byte for byte, on one thread and on
// worker threads. Regenerate only for an intended change of findings (UPDATE_SNAPSHOTS=1), and
// review the diff.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeCorpus } from '../../bench/corpus';
import { FIXTURES, runCli } from './helpers';

const GOLDEN = path.join(FIXTURES, 'scan-corpus/seed11-120-3000.json');

describe('scan over a seeded corpus gives the committed findings', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'foureyes-golden-'));
    writeCorpus(path.join(dir, 'files'), { files: 120, meanBytes: 3000, seed: 11 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const jobs of ['1', '2']) {
    it(`--jobs ${jobs}`, () => {
      const r = runCli(['scan', '.', '--format', 'json', '--jobs', jobs], { cwd: path.join(dir, 'files') });
      assert.equal(r.code, 1, r.stderr);
      if (process.env.UPDATE_SNAPSHOTS === '1' && jobs === '1') writeFileSync(GOLDEN, r.stdout);
      const golden = readFileSync(GOLDEN, 'utf8');
      assert.ok(r.stdout === golden, `scan output differs from ${path.relative(process.cwd(), GOLDEN)} (${r.stdout.length} vs ${golden.length} chars)`);
    });
  }
});
