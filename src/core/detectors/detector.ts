// The contract every detector family implements.
import type { Category, Finding, Severity } from '../findings';
import type { Doc } from '../model';
import type { ResolvedRules } from '../rules';

/** Static description of one rule id, for docs, SARIF `tool.driver.rules` and the editor. */
export interface RuleMeta {
  id: string;
  category: Category;
  defaultSeverity: Severity;
  /** Short title, sentence case, no period. */
  title: string;
}

export interface DetectorContext {
  rules: ResolvedRules;
  /** True when the file matches `production.paths` or has a `prod`/`production` path segment. */
  isProductionFile: boolean;
  /** `scan` analyses state (before is empty); `diff` analyses a change. */
  mode: 'scan' | 'diff';
}

export interface Detector {
  /** Family name: `endpoint`, `iam`, `drift`, ... */
  family: string;
  rules: readonly RuleMeta[];
  /**
   * Findings that `after` introduces relative to `before`. `before` is undefined for a new file
   * and in scan mode; detectors then treat every risk in `after` as introduced.
   */
  run(before: Doc | undefined, after: Doc, ctx: DetectorContext): Finding[];
}
