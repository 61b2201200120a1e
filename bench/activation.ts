// Extension activation time: loading dist/extension.js and running activate() in a fresh Node
// process against a stand-in `vscode` module (every API a no-op), so what is measured is the
// extension's own cost. No grammar loads and no git runs during activation.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { summarize, type BenchContext, type BenchRow } from './measure';

export function activationBench(ctx: BenchContext): BenchRow[] {
  const { root, runs } = ctx;
  const probe = path.join(root, 'out/bench/activation-probe.js');
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [probe, path.join(root, 'dist/extension.js')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`activation probe failed: ${r.stderr}`);
    times.push(Number(r.stdout.trim()));
  }
  return [{ group: 'editor', name: 'extension load + activate()', unit: 'ms', value: summarize(times), note: 'target < 50 ms; no grammar loads, no git' }];
}
