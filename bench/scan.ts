// Benchmark: `foureyes scan` throughput over a generated corpus (default 5,000 files, ~50 MB of
// mixed IaC and code) on one thread and on every core, side by side with the bare web-tree-sitter
// parse of the same files (the limit of our architecture) and ast-grep running equivalent
// wildcard-IAM rules (one thread and all threads). Peak RSS of each.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { writeCorpus, type CorpusStats } from './corpus';
import { peakRss, sideBySide, summarize, type BenchContext, type BenchRow, type Sample } from './measure';

const MEAN_BYTES = Number(process.env.BENCH_CORPUS_MEAN_BYTES ?? 10_500);
const SEED = 7;

/** The corpus (5,000 files, ~50 MB) unless BENCH_CORPUS_FILES or --quick (500) says otherwise. */
function corpusFiles(ctx: BenchContext): number {
  return Number(process.env.BENCH_CORPUS_FILES ?? (ctx.quick ? 500 : 5000));
}

/** The corpus is kept between runs (bench/.corpus, ignored by git) and regenerated when its parameters change. */
function corpus(ctx: BenchContext): { dir: string; stats: CorpusStats } {
  const FILES = corpusFiles(ctx);
  const dir = path.join(ctx.root, 'bench/.corpus', `${FILES}-${MEAN_BYTES}-${SEED}`);
  const statsFile = path.join(dir, '.stats.json');
  if (existsSync(statsFile)) return { dir, stats: JSON.parse(readFileSync(statsFile, 'utf8')) as CorpusStats };
  ctx.log(`scan: generating ${FILES} files in ${dir}`);
  mkdirSync(dir, { recursive: true });
  const stats = writeCorpus(path.join(dir, 'files'), { files: FILES, meanBytes: MEAN_BYTES, seed: SEED });
  writeFileSync(statsFile, JSON.stringify(stats));
  return { dir, stats };
}

export function scanBench(ctx: BenchContext): BenchRow[] {
  const { dir, stats } = corpus(ctx);
  const files = path.join(dir, 'files');
  const cores = availableParallelism();
  const astGrep = path.join(ctx.root, 'node_modules/@ast-grep/cli-linux-x64-gnu/ast-grep');
  const rules = readFileSync(path.join(ctx.root, 'bench/ast-grep-rules.yml'), 'utf8');
  const opts = { cwd: files, env: { ...process.env, NO_COLOR: '1' } };
  const scanOk = (s: Sample) => s.code === 0 || s.code === 1;
  const ok = (s: Sample) => s.code === 0;
  ctx.log(`scan: ${stats.files} files, ${(stats.bytes / 1e6).toFixed(1)} MB, ${ctx.runs} runs each`);
  const commands = [
    { key: 'parse', cmd: process.execPath, args: [path.join(ctx.root, 'out/bench/parse-only.js'), '.'], opts, ok },
    { key: 'scan1', cmd: process.execPath, args: [ctx.cli, 'scan', '.', '--format', 'json', '--jobs', '1'], opts, ok: scanOk },
    { key: 'scanN', cmd: process.execPath, args: [ctx.cli, 'scan', '.', '--format', 'json', '--jobs', String(cores)], opts, ok: scanOk },
  ];
  const haveAstGrep = existsSync(astGrep);
  if (haveAstGrep) {
    const sg = (threads: number) => ['scan', '--inline-rules', rules, '--json=stream', '--no-ignore', 'hidden', '-j', String(threads), '.'];
    commands.push({ key: 'sg1', cmd: astGrep, args: sg(1), opts, ok }, { key: 'sgN', cmd: astGrep, args: sg(cores), opts, ok });
  }
  const m = sideBySide(ctx.runs, commands);
  const mb = stats.bytes / 1e6;
  const group = `scan, ${stats.files} files / ${mb.toFixed(1)} MB`;
  const scan1 = summarize(m.get('scan1')!.map((s) => s.ms)).median;
  const throughput = (key: string, name: string, note?: string): BenchRow[] => {
    const ms = m.get(key)!.map((s) => s.ms);
    const value = summarize(ms.map((x) => mb / (x / 1000)));
    const filesPerS = summarize(ms.map((x) => stats.files / (x / 1000)));
    return [
      { group, name, unit: 'MB/s', value, ratio: scan1 / summarize(ms).median, ratioTo: 'foureyes scan, 1 thread (time)', rssMb: peakRss(m.get(key)!), note },
      { group, name: `${name}: files/s`, unit: 'files/s', value: filesPerS },
    ];
  };
  const findings = (JSON.parse(m.get('scan1')![0].stdout) as { findings: unknown[] }).findings.length;
  // Worker threads must not change a byte of the report; a run that differs is named in the table.
  const differing = m.get('scanN')!.filter((s, i) => s.stdout !== m.get('scan1')![i].stdout).length;
  const rows = [
    ...throughput('parse', 'web-tree-sitter parse only, 1 thread (floor)'),
    ...throughput('scan1', 'foureyes scan, 1 thread', `${findings} findings`),
    ...throughput('scanN', `foureyes scan, ${cores} worker threads`, differing ? `REPORT DIFFERS from 1 thread in ${differing} of ${ctx.runs} runs` : 'report identical to 1 thread'),
  ];
  if (haveAstGrep) {
    const matches = m.get('sg1')![0].stdout.split('\n').filter(Boolean).length;
    rows.push(...throughput('sg1', 'ast-grep 0.51.1, wildcard-IAM rules, 1 thread', `${matches} matches`), ...throughput('sgN', `ast-grep 0.51.1, ${cores} threads`));
  }
  return rows;
}
