// Options shared by the analysing commands: output format, threshold, rules file, colour.
import { existsSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { allRules } from '../core/detectors/registry';
import { isSeverity, severityRank, type Finding, type Severity } from '../core/findings';
import { defaultRules, loadRulesFile, RULES_FILE, type ResolvedRules } from '../core/rules';
import { defaultJobs } from './analyse-pool';
import { UsageError, type CliIO } from './io';

export type OutputFormat = 'text' | 'json' | 'sarif';

export interface ReportOptions {
  format: OutputFormat;
  minSeverity: Severity;
  color: boolean;
  rulesPath?: string;
  /** Worker threads for analysing many files. */
  jobs: number;
  /** Exit 1 also when a file could not be analysed (skipped, unreadable, partly parsed). */
  strict: boolean;
}

export const REPORT_OPTIONS = {
  format: { type: 'string', short: 'f' },
  'min-severity': { type: 'string' },
  rules: { type: 'string' },
  'no-color': { type: 'boolean' },
  color: { type: 'boolean' },
  jobs: { type: 'string', short: 'j' },
  strict: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export const REPORT_USAGE = `  -f, --format text|json|sarif   output format (default text)
      --min-severity LEVEL       only report findings at or above low|medium|high|critical (default low)
      --rules FILE               rules file (default: .foureyes/rules.jsonc found from the current directory)
      --no-color                 never colour the text output (also: NO_COLOR set); --color forces it
  -j, --jobs N                   worker threads for many files (default: one per core, or FOUREYES_JOBS)
      --strict                   exit 1 also when a file was skipped or could not be fully analysed
  -h, --help                     show this help

exit codes: 0 no findings at or above --min-severity; 1 findings (or, with --strict, files not
fully analysed); 2 usage error, unreadable rules file or internal error`;

export function parseCommandArgs<O extends ParseArgsConfig['options']>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/\. To specify a positional.*$/s, '').replace(/\s+/g, ' ')}`);
  }
}

export function reportOptions(values: Record<string, unknown>, io: CliIO): ReportOptions {
  const format = (values.format as string | undefined) ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'sarif') {
    throw new UsageError(`--format must be text, json or sarif, not '${format}'`);
  }
  const minSeverity = (values['min-severity'] as string | undefined) ?? 'low';
  if (!isSeverity(minSeverity)) throw new UsageError(`--min-severity must be low, medium, high or critical, not '${minSeverity}'`);
  const noColor = values['no-color'] === true || io.env.NO_COLOR !== undefined;
  const color = !noColor && (values.color === true || io.isTTY);
  const jobsArg = values.jobs as string | undefined;
  const jobs = jobsArg === undefined ? defaultJobs(io.env) : Number(jobsArg);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new UsageError(`--jobs must be a whole number from 1 to 64, not '${jobsArg}'`);
  return { format, minSeverity, color, rulesPath: values.rules as string | undefined, strict: values.strict === true, jobs };
}

/** The rules file named by --rules, else the nearest .foureyes/rules.jsonc above `from`. */
export function loadRules(opts: ReportOptions, io: CliIO, from: string = io.cwd): ResolvedRules {
  let file: string | undefined;
  if (opts.rulesPath) {
    file = path.resolve(io.cwd, opts.rulesPath);
    if (!existsSync(file)) throw new UsageError(`rules file not found: ${opts.rulesPath}`);
  } else {
    file = findRulesFile(from);
    if (file) insideRepository(file, path.dirname(path.dirname(file)));
  }
  if (!file) return defaultRules();
  const displayName = opts.rulesPath ?? (path.relative(io.cwd, file).split(path.sep).join('/') || file);
  const rules = loadRulesFile(file, { displayName, knownRuleIds: allRules().map((r) => r.id) });
  for (const w of rules.warnings ?? []) io.stderr(`foureyes: warning: ${w}\n`);
  return rules;
}

/**
 * The rules file found in a repository is the repository's own: a symbolic link out of it (to
 * another project's rules, or to any file the user can read) is refused, not followed.
 */
function insideRepository(file: string, root: string): void {
  let real: string;
  try {
    real = realpathSync(file);
  } catch (err) {
    throw new UsageError(`${RULES_FILE}: cannot resolve it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const rel = path.relative(realpathSync(root), real);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new UsageError(`${RULES_FILE} resolves to ${real}, outside the repository; a rules file is read only from inside it`);
  }
}

export function findRulesFile(from: string): string | undefined {
  let dir = path.resolve(from);
  for (;;) {
    const candidate = path.join(dir, RULES_FILE);
    if (existsSync(candidate)) return candidate;
    if (existsSync(path.join(dir, '.git'))) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function atOrAbove(findings: Finding[], min: Severity): Finding[] {
  const r = severityRank(min);
  return findings.filter((f) => severityRank(f.severity) >= r);
}
