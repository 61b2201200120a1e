// Child side of the fuzzer: builds each case from (seed, index) and runs it through the analysis
// in scan and diff mode. A child process, so the parent can stop a case that hangs and each case's
// CPU time is its own (wall time on a shared machine says little).
import { analyzeChange, type AnalysisResult } from '../../src/core/analyze';
import { setGrammarDir } from '../../src/core/languages';
import { defaultRules } from '../../src/core/rules';
import { buildCase, extremeCases, seedFiles, type FuzzCase } from './fuzz-corpus';

export interface FuzzJob {
  seed: number;
  iterations: number;
  extremes: boolean;
  /** Include the multi-megabyte extremes (long mode). */
  large: boolean;
  /** First case index to run (after a restart). */
  from: number;
  /** Run only every `stride`-th case starting at `from + offset` (parallel workers). */
  stride: number;
  offset: number;
  fixturesDir: string;
  grammarDir: string;
}

export type FuzzMessage =
  | { type: 'start'; id: number; label: string; path: string; bytes: number }
  | { type: 'done'; id: number; ms: number; cpuMs: number; problems: string[] }
  | { type: 'input'; id: number; path: string; data: Uint8Array }
  | { type: 'end' };

/** Invariants of any analysis result, however broken the input. */
export function checkResult(r: AnalysisResult, text: string | undefined, mode: string): string[] {
  const problems: string[] = [];
  if (!r.analysed && r.notes.length === 0) problems.push(`${mode}: not analysed and no note says why (passed silently)`);
  const lines = text === undefined ? Infinity : text.split(/\r\n|\r|\n/).length;
  for (const f of r.findings) {
    const { startLine, startColumn, endLine, endColumn } = f.range;
    if (!(startLine >= 1 && startColumn >= 1 && endLine >= startLine && endColumn >= 1 && endLine <= lines + 1)) {
      problems.push(`${mode}: ${f.ruleId} has an impossible range ${JSON.stringify(f.range)}`);
    }
    if (!/^[0-9a-f]{64}$/.test(f.fingerprint)) problems.push(`${mode}: ${f.ruleId} has a malformed fingerprint`);
    if (!f.message || f.message.includes('undefined') || f.message.includes('NaN')) problems.push(`${mode}: ${f.ruleId} message is broken: ${f.message}`);
  }
  return problems;
}

async function runOne(c: FuzzCase, diffFirst: boolean): Promise<string[]> {
  const rules = defaultRules();
  const problems: string[] = [];
  const text = Buffer.from(c.bytes).toString('utf8');
  const attempt = async (mode: string, fn: () => Promise<AnalysisResult>) => {
    try {
      problems.push(...checkResult(await fn(), mode === 'scan' || mode === 'diff' ? text : undefined, mode));
    } catch (err) {
      problems.push(`${mode}: threw ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  };
  await attempt('scan', () => analyzeChange({ path: c.path, after: c.bytes }, { rules, mode: 'scan' }));
  // Both directions: the broken file as the new state, and as the old state being repaired.
  if (diffFirst) await attempt('diff', () => analyzeChange({ path: c.path, before: c.original, after: c.bytes }, { rules, mode: 'diff' }));
  else await attempt('diff (broken before)', () => analyzeChange({ path: c.path, before: c.bytes, after: c.original }, { rules, mode: 'diff' }));
  return problems;
}

function send(m: FuzzMessage): void {
  process.send!(m);
}

async function work(job: FuzzJob): Promise<void> {
  setGrammarDir(job.grammarDir);
  let current = -1;
  process.on('unhandledRejection', (reason) => {
    send({ type: 'done', id: current, ms: 0, cpuMs: 0, problems: [`unhandled rejection: ${String(reason)}`] });
  });
  const seeds = seedFiles(job.fixturesDir);
  const extremes = job.extremes ? extremeCases(seeds, job.large) : [];
  const total = extremes.length + job.iterations;
  for (let id = job.from; id < total; id++) {
    if ((id - job.offset) % job.stride !== 0) continue;
    current = id;
    const c = buildCase(job, seeds, extremes, id);
    send({ type: 'start', id, label: c.label, path: c.path, bytes: c.bytes.length });
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const problems = await runOne(c, id % 2 === 0);
    const cpu = process.cpuUsage(cpu0);
    const ms = performance.now() - t0;
    if (problems.length) send({ type: 'input', id, path: c.path, data: c.bytes });
    send({ type: 'done', id, ms, cpuMs: (cpu.user + cpu.system) / 1000, problems });
  }
  send({ type: 'end' });
}

if (process.send && process.env.FOUREYES_FUZZ_JOB) {
  work(JSON.parse(process.env.FOUREYES_FUZZ_JOB) as FuzzJob).catch((err: unknown) => {
    send({ type: 'done', id: -1, ms: 0, cpuMs: 0, problems: [`fuzz child failed: ${err instanceof Error ? err.stack : String(err)}`] });
    send({ type: 'end' });
  });
}
