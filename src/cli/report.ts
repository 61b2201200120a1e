// Running analysis over a set of file changes and printing the report in the chosen format.
import * as path from 'node:path';
import { analyzeChange, type AnalysisResult, type FileChange, type FileNote } from '../core/analyze';
import { allRules } from '../core/detectors/registry';
import type { Finding } from '../core/findings';
import { toJsonReport } from '../core/output/json';
import { toSarif } from '../core/output/sarif';
import { toText } from '../core/output/text';
import type { ResolvedRules } from '../core/rules';
import { analyzeParallel, PARALLEL_MIN_FILES } from './analyse-pool';
import { EXIT_FINDINGS, EXIT_OK, type CliIO } from './io';
import { atOrAbove, type ReportOptions } from './options';
import { VERSION } from './version';

export interface RunResult {
  findings: Finding[];
  notes: FileNote[];
  analysed: number;
}

export interface AnalyzeAllOptions {
  /** Worker threads to use; 1 (the default) analyses on this thread. */
  jobs?: number;
  /** How many changes there are, when known: few files are analysed on this thread whatever `jobs` says. */
  count?: number;
}

export async function analyzeAll(changes: Iterable<FileChange>, rules: ResolvedRules, mode: 'scan' | 'diff', opts: AnalyzeAllOptions = {}): Promise<RunResult> {
  const findings: Finding[] = [];
  const notes: FileNote[] = [];
  let analysed = 0;
  const add = (r: AnalysisResult) => {
    for (const f of r.findings) findings.push(f);
    for (const n of r.notes) notes.push(n);
    if (r.analysed) analysed++;
  };
  const jobs = opts.jobs ?? 1;
  if (jobs > 1 && (opts.count ?? Infinity) >= PARALLEL_MIN_FILES) {
    for (const r of await analyzeParallel(changes, rules, mode, jobs)) add(r);
  } else {
    for (const change of changes) add(await analyzeChange(change, { rules, mode }));
  }
  return { findings, notes, analysed };
}

/** Prints the report; returns 1 when findings at or above the threshold remain, else 0. */
export function printReport(result: RunResult, opts: ReportOptions, io: CliIO): number {
  const shown = atOrAbove(result.findings, opts.minSeverity);
  switch (opts.format) {
    case 'json':
      io.stdout(toJsonReport(shown, result.notes));
      break;
    case 'sarif':
      io.stdout(toSarif(shown, result.notes, allRules(), { toolVersion: VERSION }));
      break;
    default:
      io.stdout(toText(shown, result.notes, { color: opts.color }, result.analysed));
  }
  return shown.length ? EXIT_FINDINGS : EXIT_OK;
}

/** Repo-relative form of a path: relative to `base` when inside it, forward slashes. */
export function displayPath(abs: string, base: string, fallbackBase: string): string {
  let rel = path.relative(base, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) rel = path.relative(fallbackBase, abs) || path.basename(abs);
  return rel.split(path.sep).join('/');
}

/** The directory rule globs are relative to: the one holding `.foureyes/`, else the cwd. */
export function rulesBase(rules: ResolvedRules, cwd: string): string {
  return rules.source ? path.dirname(path.dirname(rules.source)) : cwd;
}
