// Running analysis over a set of file changes and printing the report in the chosen format.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyzeChange, type AnalysisResult, type FileChange, type FileNote, type SiblingSource } from '../core/analyze';
import { allRules } from '../core/detectors/registry';
import { prefetchActionCatalog } from '../core/iam/aws-actions';
import { detectLanguage } from '../core/languages';
import type { LanguageId } from '../core/model';
import { prepareParsers } from '../core/parse';
import type { Finding } from '../core/findings';
import { toJsonReport } from '../core/output/json';
import { toSarif } from '../core/output/sarif';
import { toText } from '../core/output/text';
import type { ResolvedRules } from '../core/rules';
import { analyzeParallel, PARALLEL_MIN_FILES } from './analyse-pool';
import { EXIT_FINDINGS, EXIT_OK, type CliIO } from './io';
import { atOrAbove, type ReportOptions } from './options';
import { DOCS_BASE, VERSION } from './version';

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
  /** The change set's files (repo-relative path -> absolute paths of each side), for detectors reading siblings. */
  siblingFiles?: SiblingFiles;
}

/** `analysed`: the file is itself analysed in the run (scanned, or one of the changes). */
export type SiblingFiles = ReadonlyMap<string, { before?: string; after?: string; analysed?: boolean }>;

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
  // Grammars compile off the main thread: start every one the run will need now, so the first
  // file of each language does not wait for its grammar while the thread has nothing else to do.
  const languages = opts.siblingFiles ? languagesOf(opts.siblingFiles.keys()) : [];
  if (jobs > 1 && (opts.count ?? Infinity) >= PARALLEL_MIN_FILES) {
    for (const r of await analyzeParallel(changes, rules, mode, jobs, opts.siblingFiles, { preload: languages })) add(r);
  } else {
    if (languages.length) {
      prefetchActionCatalog();
      prepareParsers(languages).catch(() => undefined);
    }
    const siblings = opts.siblingFiles ? fileSiblings(opts.siblingFiles) : undefined;
    for (const change of changes) add(await analyzeChange(change, { rules, mode, siblings }));
  }
  return { findings, notes, analysed };
}

/** The languages of these paths as their names tell (content-detected ones load when met). */
export function languagesOf(paths: Iterable<string>): LanguageId[] {
  const out = new Set<LanguageId>();
  for (const p of paths) {
    const l = detectLanguage(p);
    if (l) out.add(l);
  }
  return [...out];
}

/** Prints the report; returns 1 when findings at or above the threshold remain, else 0. */
export function printReport(result: RunResult, opts: ReportOptions, io: CliIO): number {
  const shown = atOrAbove(result.findings, opts.minSeverity);
  switch (opts.format) {
    case 'json':
      io.stdout(toJsonReport(shown, result.notes));
      break;
    case 'sarif':
      io.stdout(toSarif(shown, result.notes, allRules(), { toolVersion: VERSION, docsBase: DOCS_BASE }));
      break;
    default:
      io.stdout(toText(shown, result.notes, { color: opts.color }, result.analysed));
  }
  if (shown.length) return EXIT_FINDINGS;
  return opts.strict && result.notes.some(notAnalysedFully) ? EXIT_FINDINGS : EXIT_OK;
}

/** A note that means some content went unanalysed; informational notes do not count. */
export function notAnalysedFully(n: FileNote): boolean {
  return n.level === 'warning' || n.level === 'error';
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

/** Other files of the run, by repo-relative path, read from disk on demand. */
export function fileSiblings(files: SiblingFiles): SiblingSource {
  const paths = [...files.keys()];
  const read = (abs: string | undefined): Uint8Array | null => {
    if (!abs) return null;
    try {
      return readFileSync(abs);
    } catch {
      return null;
    }
  };
  return {
    paths: () => paths,
    read: (p) => {
      const f = files.get(p);
      return f ? { before: read(f.before), after: read(f.after) } : undefined;
    },
    analysed: (p) => files.get(p)?.analysed === true,
  };
}
