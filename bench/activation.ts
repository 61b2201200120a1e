// Extension activation time: loading dist/extension.js and running activate() in a fresh Node
// process against a stand-in `vscode` module (every API a no-op), so what is measured is the
// extension's own cost. No grammar loads and no git runs during activation.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { BenchResult } from './run';

export function activationBench(root: string, runs: number): BenchResult[] {
  const probe = path.join(root, 'out/bench/activation-probe.js');
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [probe, path.join(root, 'dist/extension.js')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`activation probe failed: ${r.stderr}`);
    times.push(Number(r.stdout.trim()));
  }
  times.sort((a, b) => a - b);
  return [{ name: 'extension: load + activate', medianMs: times[Math.floor(times.length / 2)], runs, target: '< 50 ms' }];
}
