// The rules file (.foureyes/rules.jsonc): its shape, loading and merging with built-in defaults.
import { readFileSync } from 'node:fs';
import { minimatch } from 'minimatch';
import type { Severity } from './findings';
import { validateRulesText, type RulesProblem } from './rules-validate';

export { RULES_FILE } from './rules-file';

export interface Senior {
  id: string;
  publicKey: string;
  name?: string;
}

export interface ProductionConfig {
  hosts?: string[];
  urls?: string[];
  awsAccounts?: string[];
  gcpProjects?: string[];
  azureSubscriptions?: string[];
  kubeContexts?: string[];
  paths?: string[];
}

/** One accepted finding, matched by fingerprint (so it lapses when the flagged content changes). */
export interface Suppression {
  fingerprint: string;
  ruleId?: string;
  path?: string;
  reason: string;
}

/** Whether the rules suppress this finding (by fingerprint; a suppression without a reason does not count). */
export function isSuppressed(config: RulesConfig, fingerprint: string): boolean {
  return Array.isArray(config.suppress) && config.suppress.some((s) => s && s.fingerprint === fingerprint && typeof s.reason === 'string' && s.reason.trim() !== '');
}

export interface RuleOverride {
  severity?: Severity;
  off?: boolean;
}

export interface RulesConfig {
  review?: {
    require?: 'all' | 'ai-only' | 'none';
    minSeverity?: Severity;
    approvals?: Partial<Record<Severity, number>>;
    expiresAfterDays?: number;
  };
  seniors?: Senior[];
  production?: ProductionConfig;
  /** Detector families own their sections (drift, ...); they validate what they read. */
  drift?: Record<string, unknown>;
  rules?: Record<string, RuleOverride | 'off' | Severity>;
  ignore?: string[];
  /** Single findings accepted with a reason; adding one is a rules change that needs review. */
  suppress?: Suppression[];
  /** Replaces the default ignore globs instead of adding to them. */
  ignoreDefaults?: boolean;
  limits?: { maxFileBytes?: number };
}

/** What analysis runs with: the file (if any) merged over defaults, globs compiled. */
export interface ResolvedRules {
  config: RulesConfig;
  /** Path of the rules file these came from; undefined for built-in defaults. */
  source?: string;
  production: Required<ProductionConfig>;
  ignore: string[];
  maxFileBytes: number;
  isIgnored(path: string): boolean;
  override(ruleId: string): RuleOverride | undefined;
  /** Problems that do not stop analysis (an unknown rule id), as `file:line: key: message`. */
  warnings?: string[];
}

/**
 * Tests, fixtures, docs and vendored code are where production-looking values are expected;
 * flagging them is noise. The starter rules file lists these so teams can see and change them.
 */
export const DEFAULT_IGNORE = [
  '**/node_modules/**',
  '**/vendor/**',
  '**/.git/**',
  '**/test/**',
  '**/tests/**',
  '**/__tests__/**',
  '**/*.test.*',
  '**/*.spec.*',
  '**/*_test.go',
  '**/test_*.py',
  '**/testdata/**',
  '**/fixtures/**',
  '**/docs/**',
  '**/*.md',
];

/**
 * Tree-sitter plus lowering costs seconds per megabyte on a small CI machine (10 MB of JSON took
 * over 30 s); config files worth reviewing are far smaller. Larger files are reported as skipped.
 */
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

export class RulesError extends Error {
  /** Every problem found, in file order; the message names the first. */
  problems: RulesProblem[] = [];

  constructor(
    readonly file: string,
    readonly line: number,
    readonly key: string | undefined,
    readonly problem: string,
  ) {
    super(`${file}:${line}: ${key ? `${key}: ` : ''}${problem}`);
    this.name = 'RulesError';
  }

  static fromProblems(file: string, problems: RulesProblem[]): RulesError {
    const [first] = problems;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''} in this file)` : '';
    const err = new RulesError(file, first.line, first.keyPath || undefined, first.message + more);
    err.problems = problems;
    return err;
  }
}

export function formatRulesProblem(file: string, p: RulesProblem): string {
  return `${file}:${p.line}: ${p.keyPath ? `${p.keyPath}: ` : ''}${p.message}`;
}

export function resolveRules(config: RulesConfig, source?: string): ResolvedRules {
  const p = config.production ?? {};
  const production: Required<ProductionConfig> = {
    hosts: p.hosts ?? [],
    urls: p.urls ?? [],
    awsAccounts: p.awsAccounts ?? [],
    gcpProjects: p.gcpProjects ?? [],
    azureSubscriptions: p.azureSubscriptions ?? [],
    kubeContexts: p.kubeContexts ?? [],
    paths: p.paths ?? [],
  };
  const ignore = [...(config.ignoreDefaults === false ? [] : DEFAULT_IGNORE), ...(config.ignore ?? [])];
  const matchers = ignore.map((g) => new minimatch.Minimatch(g, { dot: true, nocomment: true }));
  const overrides = new Map<string, RuleOverride>();
  for (const [id, v] of Object.entries(config.rules ?? {})) {
    overrides.set(id, v === 'off' ? { off: true } : typeof v === 'string' ? { severity: v } : v);
  }
  return {
    config,
    source,
    production,
    ignore,
    maxFileBytes: config.limits?.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    isIgnored: (path) => matchers.some((m) => m.match(path)),
    override: (ruleId) => overrides.get(ruleId) ?? overrides.get(ruleId.split('/')[0] + '/*'),
  };
}

export function defaultRules(): ResolvedRules {
  return resolveRules({});
}

export interface LoadRulesOptions {
  /** How to name the file in messages (`.foureyes/rules.jsonc`); defaults to the path read. */
  displayName?: string;
  /** Rule ids this build knows; an override naming another id is a warning with a suggestion. */
  knownRuleIds?: readonly string[];
}

/**
 * Parses and validates rules text against schema/rules.schema.json; throws a RulesError naming
 * the file, line and key path of the first problem (all of them in `problems`).
 */
export function parseRules(text: string, file: string, opts: LoadRulesOptions = {}): RulesConfig {
  return parseRulesWithWarnings(text, file, opts).config;
}

function parseRulesWithWarnings(text: string, file: string, opts: LoadRulesOptions): { config: RulesConfig; warnings: string[] } {
  const result = validateRulesText(text.replace(/^\uFEFF/, ''), opts.knownRuleIds);
  if (result.errors.length) throw RulesError.fromProblems(file, result.errors);
  return { config: result.value as RulesConfig, warnings: result.warnings.map((w) => formatRulesProblem(file, w)) };
}

export function loadRulesFile(file: string, opts: LoadRulesOptions = {}): ResolvedRules {
  const name = opts.displayName ?? file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new RulesError(name, 0, undefined, `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const { config, warnings } = parseRulesWithWarnings(text, name, opts);
  const resolved = resolveRules(config, file);
  if (warnings.length) resolved.warnings = warnings;
  return resolved;
}
