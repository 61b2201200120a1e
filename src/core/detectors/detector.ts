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
  /**
   * Other files of the same change, parsed, for the paths the detector asked for through
   * `Detector.siblings`. Absent when the caller cannot provide other files (one-file diff, the
   * editor); detectors must then skip what needs them.
   */
  sibling?(path: string): SiblingDocs | undefined;
  /** The paths `Detector.siblings` asked for and `sibling` can answer (set together with it). */
  siblingPaths?: readonly string[];
  /**
   * Whether another file is analysed in the same run and not ignored, so its own findings are
   * reported (set together with `sibling`): a detector that reads a file's content into this one
   * can leave what that file reports to it, instead of reporting one risk in two places.
   */
  siblingAnalysed?(path: string): boolean;
}

/** Both versions of another file: `before` as at the base (HEAD, the before directory), `after` as changed. */
export interface SiblingDocs {
  before?: Doc;
  after?: Doc;
}

/**
 * `P` is what `prepare` derives from the before document alone. Optional and additive: a detector
 * without `prepare` gets no `prepared` argument and works as before.
 */
export interface Detector<P = unknown> {
  /** Family name: `endpoint`, `iam`, `drift`, ... */
  family: string;
  rules: readonly RuleMeta[];
  /**
   * Findings that `after` introduces relative to `before`. `before` is undefined for a new file
   * and in scan mode; detectors then treat every risk in `after` as introduced. `prepared`, when
   * given, is `prepare(before, ctx)` for this very `before` and rules.
   */
  run(before: Doc | undefined, after: Doc, ctx: DetectorContext, prepared?: P): Finding[];
  /**
   * Optional: the state `run` derives from `before` alone (collected values, extracted policies).
   * The engine computes it once per before document and rules (when the caller provides no other
   * files of the change) and passes it to every `run` against that document: the editor compares
   * each edit with the same baseline. It must not depend on `after`, and `run` must give the same
   * findings with or without it.
   */
  prepare?(before: Doc, ctx: DetectorContext): P;
  /**
   * Optional: the other files (chosen from `paths`, the repo-relative paths the caller can read)
   * that `run` needs for this file. The caller parses them before `run`, which reads them
   * through `ctx.sibling`. `texts` holds this file's text on each side it has (after, then before),
   * for detectors that pick files named in the content (Terraform `file("policy.json")`).
   */
  siblings?(path: string, paths: readonly string[], ctx: DetectorContext, texts?: readonly string[]): string[];
}
