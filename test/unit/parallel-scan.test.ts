// Parallel analysis (worker threads) must give exactly the report a single thread gives.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeCorpus } from '../../bench/corpus';
import { runCli } from './helpers';

describe('scan and diff on worker threads', function () {
  this.timeout(300_000);
  let root: string;

  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'foureyes-parallel-'));
    writeCorpus(path.join(root, 'before'), { files: 160, meanBytes: 1500, seed: 1 });
    writeCorpus(path.join(root, 'after'), { files: 160, meanBytes: 1500, seed: 2 });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('scan: the same JSON report with --jobs 1 and --jobs 2', () => {
    const one = runCli(['scan', 'after', '--format', 'json', '--jobs', '1'], { cwd: root });
    const two = runCli(['scan', 'after', '--format', 'json', '--jobs', '2'], { cwd: root });
    assert.equal(one.stderr, '');
    assert.equal(two.code, one.code);
    assert.ok(JSON.parse(one.stdout).findings.length > 0, 'the corpus has findings');
    assert.equal(two.stdout, one.stdout);
  });

  it('diff: the same SARIF report with --jobs 1 and --jobs 3', () => {
    const one = runCli(['diff', 'before', 'after', '--format', 'sarif', '--jobs', '1'], { cwd: root });
    const three = runCli(['diff', 'before', 'after', '--format', 'sarif', '--jobs', '3'], { cwd: root });
    assert.equal(three.code, one.code);
    assert.equal(three.stdout, one.stdout);
  });

  it('rejects a --jobs that is not a whole number from 1 to 64', () => {
    for (const bad of ['0', '-1', '1.5', 'many', '65']) {
      const r = runCli(['scan', 'after', `--jobs=${bad}`], { cwd: root });
      assert.equal(r.code, 2, bad);
      assert.match(r.stderr, /--jobs must be a whole number from 1 to 64/);
    }
  });
});
