// `npm run bench`: runs each benchmark module and prints a table and JSON (bench/results.json).
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { hookBench } from './hook';

export interface BenchResult {
  name: string;
  medianMs: number;
  runs: number;
  /** Against the baseline (node -e 0), where the benchmark has one. */
  ratio?: number;
  target?: string;
}

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const runs = Number(process.env.BENCH_RUNS ?? 15);

const BENCHMARKS: Array<{ name: string; run: () => BenchResult[] }> = [{ name: 'hook', run: () => hookBench(CLI, runs) }];

const results: Record<string, BenchResult[]> = {};
for (const b of BENCHMARKS) results[b.name] = b.run();
const rows = Object.values(results).flat();
const width = Math.max(...rows.map((r) => r.name.length));
console.log(`${'benchmark'.padEnd(width)}  median ms  runs  ratio`);
for (const r of rows) console.log(`${r.name.padEnd(width)}  ${r.medianMs.toFixed(1).padStart(9)}  ${String(r.runs).padStart(4)}  ${r.ratio ? r.ratio.toFixed(2) + 'x' : ''}${r.target ? `  (target ${r.target})` : ''}`);
writeFileSync(path.join(ROOT, 'bench/results.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2) + '\n');
console.log(JSON.stringify(results));
