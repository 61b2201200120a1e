// `check` and `verify` hand large change sets to the worker pool: same report, same exit code as
// one thread, and the pool really runs (its span is in the trace).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { PARALLEL_MIN_FILES } from '../../src/cli/analyse-pool';
import { TempRepo, type Run } from './repo';

function stage(repo: TempRepo, n: number): void {
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) repo.write(`infra/p${i}.json`, `{"Statement":[{"Effect":"Allow","Action":"${i % 2 ? 's3:*' : 's3:GetObject'}","Resource":"*"}]}\n`);
    else if (i % 3 === 1) repo.write(`k8s/c${i}.yaml`, `apiVersion: v1\nkind: ConfigMap\ndata:\n  url: https://api${i % 4 ? '.staging' : '.prod'}.example.com\n`);
    else repo.write(`src/m${i}.ts`, i === 2 ? 'export const x = { db: "FOUREYES-TEST-high" };\n' : `export const n${i} = ${i};\n`);
  }
  repo.git('add', '.');
}

function run(repo: TempRepo, args: string[], jobs: number): Run {
  // Each run analyses afresh: the analysis cache would answer the second one.
  rmSync(path.join(repo.dir, '.git', 'foureyes', 'cache'), { recursive: true, force: true });
  return repo.cli(args, { env: { FOUREYES_JOBS: String(jobs), FOUREYES_TRACE: '1' } });
}

const poolSpan = /foureyes-trace .* analyze \d+ files on 2 workers\n/;

describe('e2e: check and verify on the worker pool for large change sets', function () {
  this.timeout(180_000);

  it(`check --staged with ${PARALLEL_MIN_FILES + 16} files: the same report and exit code on 2 workers as on one thread`, () => {
    const repo = new TempRepo();
    repo.write('README.txt', 'hello\n');
    repo.git('add', '.');
    assert.equal(repo.commit('init').code, 0);
    stage(repo, PARALLEL_MIN_FILES + 16);
    for (const format of ['json', 'text']) {
      const one = run(repo, ['check', '--staged', '--format', format], 1);
      const two = run(repo, ['check', '--staged', '--format', format], 2);
      assert.equal(one.code, 1, one.stderr);
      assert.equal(two.code, one.code);
      assert.equal(two.stdout, one.stdout);
      assert.ok(poolSpan.test(two.stderr), 'the pool analysed the change set');
    }
  });

  it('verify over a range of many files: the same outcome on 2 workers; a small change set stays on one thread', () => {
    const repo = new TempRepo();
    repo.write('README.txt', 'hello\n');
    repo.git('add', '.');
    assert.equal(repo.commit('init').code, 0);
    stage(repo, PARALLEL_MIN_FILES + 4);
    assert.equal(repo.commit('many', '--no-verify').code, 0);
    const one = run(repo, ['verify', '--range', 'HEAD~1..HEAD', '--format', 'json'], 1);
    const two = run(repo, ['verify', '--range', 'HEAD~1..HEAD', '--format', 'json'], 2);
    assert.equal(one.code, 1, one.stderr);
    assert.equal(two.code, one.code);
    assert.equal(two.stdout, one.stdout);
    assert.ok(poolSpan.test(two.stderr));

    repo.write('infra/small.json', '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}\n');
    repo.git('add', '.');
    const small = run(repo, ['check', '--staged', '--format', 'json'], 2);
    assert.equal(small.code, 1);
    assert.ok(!poolSpan.test(small.stderr), 'one file is analysed on the main thread');
  });
});
