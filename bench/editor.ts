// Benchmark: the editor's numbers. Activation (process start to activate() returning, and the
// activate() call alone) and the engine's change-to-diagnostic latency for a one-line edit.
import * as path from 'node:path';
import { run, sideBySide, summarize, type BenchContext, type BenchRow } from './measure';

export function editorBench(ctx: BenchContext): BenchRow[] {
  const probe = path.join(ctx.root, 'out/bench/editor-probe.js');
  const m = sideBySide(ctx.runs, [
    { key: 'node', cmd: process.execPath, args: ['-e', '0'] },
    { key: 'activate', cmd: process.execPath, args: [probe, 'activate'], ok: (s) => s.code === 0 },
  ]);
  const nodeMs = summarize(m.get('node')!.map((s) => s.ms)).median;
  const proc = summarize(m.get('activate')!.map((s) => s.ms));
  const inside = summarize(m.get('activate')!.map((s) => (JSON.parse(s.stdout) as { activateMs: number }).activateMs));
  const rows: BenchRow[] = [
    { group: 'editor', name: 'extension: load bundle + activate() (in process)', unit: 'ms', value: inside },
    { group: 'editor', name: 'extension: process start to activated', unit: 'ms', value: proc, ratio: proc.median / nodeMs, ratioTo: 'node -e 0' },
  ];
  const lat = run(process.execPath, [probe, 'latency', String(Math.max(10, ctx.runs * 3))]);
  if (lat.code !== 0) throw new Error(`editor latency probe failed: ${lat.stderr}`);
  for (const [name, times] of Object.entries(JSON.parse(lat.stdout) as Record<string, number[]>)) {
    rows.push({ group: 'editor', name: `change-to-diagnostic, engine share: ${name}`, unit: 'ms', value: summarize(times), rssMb: lat.rssMb });
  }
  return rows;
}
