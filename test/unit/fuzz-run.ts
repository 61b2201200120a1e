// Parent side of the fuzzer: runs the cases in child processes, stops a case that hangs (it cannot
// be interrupted from inside the thread running it), and collects every failure with the input
// saved for replay. The time bound is on each case's CPU time, which a loaded machine does not
// inflate; wall time only guards against a real hang.
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildCase, extremeCases, seedFiles } from './fuzz-corpus';
import type { FuzzJob, FuzzMessage } from './fuzz-worker';
import { parseBudgetMs } from '../../src/core/parse';

/**
 * A case parses the mutated input twice (scan, then diff), and a grammar whose error recovery
 * does not finish is stopped at the product's documented parse budget each time; so the bound is
 * the larger of the fixed bound and two full parse budgets plus 2 s for the rest.
 */
function caseCpuBoundMs(fixed: number, bytes: number): number {
  return Math.max(fixed, 2 * parseBudgetMs(bytes) + 2_000);
}

export interface FuzzOptions {
  seed: number;
  iterations: number;
  extremes: boolean;
  large: boolean;
  /** A single case (scan and diff) using more CPU time than this is a failure. */
  cpuBoundMs: number;
  /** A case still running after this much wall time is stopped as a hang. */
  hangMs: number;
  workers: number;
  fixturesDir: string;
  grammarDir: string;
  /** How many of the slowest cases to keep in the report. */
  showSlowest?: number;
}

export interface FuzzFailure {
  id: number;
  label: string;
  problems: string[];
  /** Where the failing input was saved. */
  saved?: string;
}

export interface FuzzReport {
  cases: number;
  failures: FuzzFailure[];
  slowest: Array<{ id: number; label: string; ms: number; cpuMs: number; bytes: number }>;
  wallMs: number;
}

const CHILD = path.join(__dirname, 'fuzz-worker.js');

function saveInput(seed: number, id: number, file: string, data: Uint8Array): string {
  const dir = path.join(os.tmpdir(), 'foureyes-fuzz-failures');
  mkdirSync(dir, { recursive: true });
  const p = path.join(dir, `seed${seed}-case${id}-${path.posix.basename(file)}`);
  writeFileSync(p, data);
  return p;
}

interface Running {
  label: string;
  bytes: number;
  saved?: string;
}

/** One lane of cases (every `stride`-th), restarted past a case that hung or crashed. */
function runLane(opts: FuzzOptions, offset: number, stride: number, report: FuzzReport): Promise<void> {
  return new Promise((resolve) => {
    const start = (from: number) => {
      const job: FuzzJob = {
        seed: opts.seed,
        iterations: opts.iterations,
        extremes: opts.extremes,
        large: opts.large,
        from,
        stride,
        offset,
        fixturesDir: opts.fixturesDir,
        grammarDir: opts.grammarDir,
      };
      const child = fork(CHILD, [], {
        env: { ...process.env, FOUREYES_FUZZ_JOB: JSON.stringify(job) },
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        execArgv: ['--max-old-space-size=2048'],
      });
      let timer: NodeJS.Timeout | undefined;
      let running = -1;
      let current: Running | undefined;
      let finished = false;
      const fail = (problem: string) => {
        report.cases++;
        report.failures.push({ id: running, label: current?.label ?? 'fuzz child', problems: [problem], saved: current?.saved });
      };
      const finish = (next?: number) => {
        if (finished) return;
        finished = true;
        if (timer) clearTimeout(timer);
        child.kill('SIGKILL');
        if (next === undefined) resolve();
        else start(next);
      };
      child.on('message', (m: FuzzMessage) => {
        switch (m.type) {
          case 'start':
            running = m.id;
            current = { label: m.label, bytes: m.bytes };
            if (timer) clearTimeout(timer);
            timer = setTimeout(() => {
              fail(`still running after ${opts.hangMs} ms of wall time (stopped as a hang)`);
              finish(running + 1);
            }, opts.hangMs);
            break;
          case 'input':
            if (current) current.saved = saveInput(opts.seed, m.id, m.path, m.data);
            break;
          case 'done': {
            if (timer) clearTimeout(timer);
            if (m.id !== running || !current) {
              if (m.problems.length) report.failures.push({ id: m.id, label: 'fuzz child', problems: m.problems });
              break;
            }
            report.cases++;
            report.slowest.push({ id: m.id, label: current.label, ms: m.ms, cpuMs: m.cpuMs, bytes: current.bytes });
            const problems = [...m.problems];
            const bound = caseCpuBoundMs(opts.cpuBoundMs, current.bytes);
            if (m.cpuMs > bound) problems.push(`used ${m.cpuMs.toFixed(0)} ms of CPU, over the ${bound.toFixed(0)} ms bound`);
            if (problems.length) report.failures.push({ id: m.id, label: current.label, problems, saved: current.saved });
            current = undefined;
            break;
          }
          case 'end':
            finish();
            break;
        }
      });
      child.on('exit', (code, signal) => {
        if (finished) return;
        fail(`fuzz child exited (code ${code}, signal ${signal}) while running this case`);
        finish(running >= 0 ? running + 1 : undefined);
      });
    };
    start(0);
  });
}

/** A case that killed or hung its child never sent its input: rebuild it here from (seed, id). */
function saveMissingInputs(opts: FuzzOptions, failures: FuzzFailure[]): void {
  const missing = failures.filter((f) => !f.saved && f.id >= 0);
  if (!missing.length) return;
  const seeds = seedFiles(opts.fixturesDir);
  const extremes = opts.extremes ? extremeCases(seeds, opts.large) : [];
  for (const f of missing) {
    const c = buildCase(opts, seeds, extremes, f.id);
    f.saved = saveInput(opts.seed, f.id, c.path, c.bytes);
  }
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const report: FuzzReport = { cases: 0, failures: [], slowest: [], wallMs: 0 };
  const t0 = performance.now();
  const lanes = Math.max(1, opts.workers);
  await Promise.all(Array.from({ length: lanes }, (_, i) => runLane(opts, i, lanes, report)));
  report.wallMs = performance.now() - t0;
  report.slowest.sort((a, b) => b.cpuMs - a.cpuMs);
  report.slowest.length = Math.min(report.slowest.length, opts.showSlowest ?? 5);
  report.failures.sort((a, b) => a.id - b.id);
  saveMissingInputs(opts, report.failures);
  return report;
}

export function formatFailures(seed: number, failures: FuzzFailure[]): string {
  return failures
    .map((f) => `case ${f.id} (seed ${seed}): ${f.label}${f.saved ? `\n  input saved to ${f.saved}` : ''}\n  ${f.problems.join('\n  ')}`)
    .join('\n');
}
