// Shared by the review commands: running a review with the full analyser, and printing it.
import { analyzeChange } from '../core/analyze';
import { prefetchActionCatalog } from '../core/iam/aws-actions';
import { terraformModuleReferences } from '../core/iam/tf-module';
import { detectLanguage } from '../core/languages';
import type { LanguageId } from '../core/model';
import { prepareParsers } from '../core/parse';
import { testMarkerDetector } from '../core/detectors/test-marker';
import { parseRules, resolveRules } from '../core/rules';
import { analysisVersion, cacheDirFor, runReview, type ReviewOutcome, type ReviewTools } from '../core/review/engine';
import { rangeInput, stagedInput, type ReviewInput } from '../core/review/inputs';
import { RootsError } from '../core/review/roots';
import type { ReviewedFinding } from '../core/review/policy';
import { weakeningFindings } from '../core/review/weakening';
import { analyzeParallel, defaultJobs, PARALLEL_MIN_FILES } from './analyse-pool';
import { spanAsync } from '../core/trace';
import { UsageError, type CliIO } from './io';
import { VERSION } from './version';

const testDetector = () => process.env.FOUREYES_TEST_DETECTOR === '1';

export const FULL_TOOLS: ReviewTools = {
  analyze: (change, rules, others) => analyzeChange(change, { rules, mode: 'diff', extraDetectors: testDetector() ? [testMarkerDetector] : [], ...(others ? { siblings: others } : {}) }),
  moduleReferences: terraformModuleReferences,
  // Large change sets (a big merge, `verify` over a long range) go to the worker pool, past the
  // same measured threshold as scan; results come back in input order, equal to one by one.
  analyzeMany: async (changes, rules) => {
    const jobs = defaultJobs(process.env);
    if (jobs < 2 || changes.length < PARALLEL_MIN_FILES) return [];
    return spanAsync(`analyze ${changes.length} files on ${jobs} workers`, () => analyzeParallel(changes, rules, 'diff', jobs, undefined, { testDetector: testDetector() }));
  },
  resolve: (config, source) => resolveRules(config, source || undefined),
  parseRules: (text, which) => parseRules(text, which),
  weakenings: weakeningFindings,
  // A grammar that fails to load here is reported by the file's own analysis.
  prepare: (paths) => {
    const languages = paths.map((p) => detectLanguage(p)).filter((l): l is LanguageId => !!l);
    if (languages.length) prefetchActionCatalog();
    return prepareParsers(languages).catch(() => undefined);
  },
};

export function nowFrom(io: CliIO): Date {
  // Tests move the clock to check expiry; never used to make an approval valid longer.
  const fake = io.env.FOUREYES_NOW;
  return fake && !Number.isNaN(Date.parse(fake)) ? new Date(fake) : new Date();
}

export async function reviewStaged(io: CliIO): Promise<{ input: ReviewInput; outcome: ReviewOutcome }> {
  const input = await stagedInput(io.cwd, io.env);
  const outcome = await runReview(input, FULL_TOOLS, { version: analysisVersion(VERSION, io.env), cacheDir: cacheDirFor(input), now: nowFrom(io) });
  return { input, outcome };
}

export async function reviewRange(io: CliIO, from: string | undefined, to: string): Promise<{ input: ReviewInput; outcome: ReviewOutcome }> {
  const input = rangeInput(io.cwd, from, to, io.env);
  const outcome = await runReview(input, FULL_TOOLS, { version: analysisVersion(VERSION, io.env), cacheDir: cacheDirFor(input), now: nowFrom(io) });
  return { input, outcome };
}

export function stateLabel(r: ReviewedFinding): string {
  switch (r.state) {
    case 'approved':
      return `approved by ${r.approvedBy.join(', ')}`;
    case 'required':
      return r.required > 1 ? `needs ${r.required} distinct senior approvals` : 'needs senior review';
    case 'stale':
      return 'approval is stale (the flagged content changed since it was approved)';
    case 'expired':
      return 'approval expired';
    case 'break-glass':
      return 'let through by break-glass (unreviewed)';
    default:
      return 'review not required';
  }
}

/** The root commits an approval made here is bound to; a usage error when they cannot be found. */
export function repositoryRoots(input: ReviewInput): string[] {
  try {
    return input.repository.roots();
  } catch (err) {
    if (err instanceof RootsError) throw new UsageError(err.message);
    throw err;
  }
}
