// Measuring spawned commands: wall time and peak RSS (through /usr/bin/time when present), and the
// median/min/max summary every figure in the table is reported as.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Sample {
  ms: number;
  /** Peak resident set size in MB, when measurable. */
  rssMb?: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** One row of the table: a figure (median of runs, with min and max) and what it is compared to. */
export interface BenchRow {
  group: string;
  name: string;
  unit: string;
  value: Summary;
  /** Ratio to the group's baseline (e.g. x `node -e 0`), computed on medians. */
  ratio?: number;
  ratioTo?: string;
  /** Peak RSS over the runs, MB. */
  rssMb?: number;
  note?: string;
}

export interface BenchContext {
  root: string;
  cli: string;
  runs: number;
  /** Scratch directory for corpora and repositories (removed at the end). */
  scratch: string;
  log: (line: string) => void;
  /** `--quick`: a small scan corpus (500 files, ~5 MB) and 3 runs, for a check that the bench works. */
  quick?: boolean;
}

const TIME = '/usr/bin/time';

export function summarize(xs: number[]): Summary {
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median, min: s[0], max: s[s.length - 1], runs: s.length };
}

export function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): Sample {
  const measureRss = existsSync(TIME);
  const tmp = measureRss ? mkdtempSync(path.join(os.tmpdir(), 'foureyes-bench-time-')) : '';
  const rssFile = path.join(tmp, 'rss');
  const [c, a] = measureRss ? [TIME, ['-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c, a, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  let rssMb: number | undefined;
  if (measureRss) {
    const kb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    if (Number.isFinite(kb)) rssMb = kb / 1024;
    rmSync(tmp, { recursive: true, force: true });
  }
  return { ms, rssMb, code: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/**
 * Runs each command `runs` times, interleaved (a, b, c, a, b, c, ...) so drift in the machine's
 * speed hits every command alike; one untimed warm-up round first (file cache, JIT of node).
 */
export function sideBySide(runs: number, commands: Array<{ key: string; cmd: string; args: string[]; opts?: SpawnSyncOptions; ok?: (s: Sample) => boolean; before?: () => void }>): Map<string, Sample[]> {
  const out = new Map<string, Sample[]>(commands.map((c) => [c.key, []]));
  for (let i = -1; i < runs; i++) {
    for (const c of commands) {
      c.before?.();
      const s = run(c.cmd, c.args, c.opts);
      if (c.ok && !c.ok(s)) throw new Error(`${c.key} failed (exit ${s.code}): ${s.stderr.slice(0, 500)}`);
      if (i >= 0) out.get(c.key)!.push(s);
    }
  }
  return out;
}

export function peakRss(samples: Sample[]): number | undefined {
  const xs = samples.map((s) => s.rssMb).filter((x): x is number => x !== undefined);
  return xs.length ? Math.max(...xs) : undefined;
}
