// `npm run bench`: one runner over one module per benchmark. Prints a table (median, min, max of
// repeated side-by-side runs) and writes the same numbers as JSON to bench/results.json, or to
// stdout with --json. `--only hook,scan` runs a subset; BENCH_RUNS sets the repetitions; `--quick`
// uses a 500-file scan corpus and 3 runs instead of the 5,000 files and 5 runs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { activationBench } from './activation';
import { captureBench } from './capture';
import { editorBench } from './editor';
import { hookBench } from './hook';
import type { BenchContext, BenchRow } from './measure';
import { panelBench } from './panel';
import { scanBench } from './scan';
import { setGrammarDir } from '../src/core/languages';

const BENCHMARKS: Array<{ name: string; run: (ctx: BenchContext) => BenchRow[] | Promise<BenchRow[]> }> = [
  { name: 'hook', run: hookBench },
  { name: 'scan', run: scanBench },
  { name: 'editor', run: editorBench },
  { name: 'activation', run: activationBench },
  { name: 'capture', run: () => captureBench() },
  { name: 'panel', run: panelBench },
];

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

export function formatTable(rows: BenchRow[]): string {
  const head = ['benchmark', 'median', 'min', 'max', 'unit', 'runs', 'ratio', 'peak RSS', 'note'];
  const body = rows.map((r) => [
    `${r.group}: ${r.name}`,
    fmt(r.value.median),
    fmt(r.value.min),
    fmt(r.value.max),
    r.unit,
    String(r.value.runs),
    r.ratio !== undefined ? `${r.ratio.toFixed(2)}x ${r.ratioTo ?? ''}`.trim() : '',
    r.rssMb !== undefined ? `${r.rssMb.toFixed(0)} MB` : '',
    r.note ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 1 && i <= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  const quick = argv.includes('--quick');
  const onlyArg = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? (argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined);
  const only = onlyArg ? new Set(onlyArg.split(',')) : undefined;
  const root = path.resolve(__dirname, '../..');
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'foureyes-bench-'));
  // The editor benchmarks analyse in this process.
  setGrammarDir(path.join(root, 'dist/grammars'));
  const ctx: BenchContext = {
    root,
    cli: path.join(root, 'dist/cli.js'),
    runs: Number(process.env.BENCH_RUNS ?? (quick ? 3 : 5)),
    quick,
    scratch,
    log: (l) => process.stderr.write(`[bench] ${l}\n`),
  };
  const results: Record<string, BenchRow[]> = {};
  try {
    for (const b of BENCHMARKS) {
      if (only && !only.has(b.name)) continue;
      ctx.log(`${b.name} ...`);
      results[b.name] = await b.run(ctx);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const report = { date: new Date().toISOString(), node: process.version, cpus: os.availableParallelism(), loadavg: os.loadavg(), runs: ctx.runs, results };
  if (json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return;
  }
  process.stdout.write(formatTable(Object.values(results).flat()) + '\n');
  process.stdout.write(`\nnode ${process.version}, ${report.cpus} cores, load average ${report.loadavg.map((x) => x.toFixed(1)).join(' ')}; JSON in bench/results.json\n`);
  writeFileSync(path.join(root, 'bench/results.json'), JSON.stringify(report, null, 2) + '\n');
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
