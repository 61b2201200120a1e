// Hardening: seeded mutation fuzzing of every language's fixtures through scan and diff.
// Quick in `npm test`; `npm run fuzz` (FOUREYES_FUZZ_ITERATIONS=N) is the long mode, which also
// runs the multi-megabyte extremes.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getGrammarDir } from '../../src/core/languages';
import { seedFiles } from './fuzz-corpus';
import { caseSeed, mutate, rng } from './fuzz-mutate';
import { formatFailures, runFuzz } from './fuzz-run';
import { FIXTURES, runCli } from './helpers';

const long = process.env.FOUREYES_FUZZ_ITERATIONS !== undefined;
const ITERATIONS = Number(process.env.FOUREYES_FUZZ_ITERATIONS ?? 200);
const SEED = Number(process.env.FOUREYES_FUZZ_SEED ?? 20250101);
// Bounds on one case (a scan and a diff of one file), in CPU time so machine load does not fail
// them; far above what any case needs, they catch super-linear behaviour and hangs.
const CPU_BOUND_MS = Number(process.env.FOUREYES_FUZZ_CPU_BOUND_MS ?? 20_000);
const HANG_MS = Number(process.env.FOUREYES_FUZZ_HANG_MS ?? 300_000);

describe('fuzzing (seeded mutations through scan and diff)', function () {
  this.timeout(0);

  it(`survives the extreme inputs and ${ITERATIONS} mutations (seed ${SEED}) without a crash, hang or silent pass`, async () => {
    const report = await runFuzz({
      seed: SEED,
      iterations: ITERATIONS,
      extremes: true,
      large: long,
      cpuBoundMs: CPU_BOUND_MS,
      hangMs: HANG_MS,
      workers: 2,
      fixturesDir: FIXTURES,
      grammarDir: path.resolve(getGrammarDir()),
      showSlowest: Number(process.env.FOUREYES_FUZZ_SHOW_SLOWEST ?? 5),
    });
    if (long || process.env.FOUREYES_FUZZ_VERBOSE) {
      console.log(`    ${report.cases} cases in ${(report.wallMs / 1000).toFixed(1)} s; most CPU:`);
      for (const s of report.slowest) console.log(`      ${s.cpuMs.toFixed(0)} ms CPU (${s.ms.toFixed(0)} ms wall)  ${s.bytes} B  case ${s.id}: ${s.label}`);
    }
    assert.equal(report.failures.length, 0, formatFailures(SEED, report.failures));
    assert.ok(report.cases > ITERATIONS, `only ${report.cases} cases ran`);
  });
});

describe('fuzzing through the CLI (scan and diff over a directory of mutated files)', function () {
  this.timeout(0);

  it('exits 0 or 1 with a parseable report, never an internal error', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'foureyes-fuzz-cli-'));
    try {
      const seeds = seedFiles(FIXTURES);
      for (let i = 0; i < 40; i++) {
        const r = rng(caseSeed(SEED + 1, i));
        const s = seeds[i % seeds.length];
        const m = mutate(s.bytes, r, s.language);
        // Several mutants of one seed: keep each under its own directory, same file name.
        for (const [side, bytes] of [['before', s.bytes], ['after', m.bytes]] as const) {
          const p = path.join(root, side, `m${i}`, s.path);
          mkdirSync(path.dirname(p), { recursive: true });
          writeFileSync(p, bytes);
        }
      }
      for (const args of [['scan', 'after'], ['diff', 'before', 'after']]) {
        const run = runCli([...args, '--format', 'json'], { cwd: root });
        assert.ok(run.code === 0 || run.code === 1, `${args[0]} exited ${run.code}: ${run.stderr}`);
        assert.doesNotMatch(run.stderr, /internal error/);
        const report = JSON.parse(run.stdout) as { findings: unknown[] };
        assert.ok(Array.isArray(report.findings));
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
