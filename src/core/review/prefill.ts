// Filling the hook's analysis cache ahead of the commit, from a file that has just been saved (the
// editor) : the entry the hook will look up when that content is staged, computed the way the
// hook computes it, so the ordinary commit finds it and parses nothing.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyzeChange } from '../analyze';
import { terraformModuleReferences } from '../iam/tf-module';
import { readObjectsAsync, type GitObject } from '../git';
import { parseRules, resolveRules, RULES_FILE } from '../rules';
import { blobId } from '../status-worktree';
import { AnalysisCache, type ParsedRules } from './cache';
import { analysisKey, cacheDirFor, rulesParseKey, STAGED_RULES_LABELS } from './engine';

export interface PrefillTarget {
  /** Working-tree root. */
  root: string;
  /** The repository's common git directory (where the hook's cache lives). */
  commonDir: string;
  /** Repo-relative path, forward slashes. */
  path: string;
  /** The analysis version the hook keys by (`analysisVersion`). */
  version: string;
  /** Whether HEAD exists (before the first commit every file is new). */
  hasHead: boolean;
}

export type PrefillOutcome = 'written' | 'present' | 'skipped';

function readMaybe(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Analyses the file as it is on disk against HEAD, exactly as `foureyes check --staged` would
 * once this content is staged, and stores the result under the key the hook will ask for:
 * (version, rules blob, path, HEAD blob, disk blob). Everything is read afresh from disk and git
 * here (nothing from an editor's buffers or incremental trees), and the rules the result is
 * computed under are parsed from the same bytes their blob id is taken from. A key that does not
 * match what gets staged (the file changes again, a clean filter rewrites it) is simply never
 * asked for. Skips, rather than guesses, whenever the hook would not analyse the same way: test
 * detectors switched on, a rules file that does not parse (its parse error is stored, as the hook
 * would store it).
 */
export async function prefillAnalysis(target: PrefillTarget, env: NodeJS.ProcessEnv = process.env): Promise<PrefillOutcome> {
  if (env.FOUREYES_TEST_DETECTOR === '1' || target.path.startsWith('.foureyes/') || target.path.startsWith('../')) return 'skipped';
  const content = readMaybe(path.join(target.root, target.path));
  if (!content) return 'skipped';
  const rulesFile = path.join(target.root, RULES_FILE);
  const rulesBytes = readMaybe(rulesFile);
  const cache = new AnalysisCache(cacheDirFor(target));
  const headNames = [`HEAD:${target.path}`, `HEAD:${RULES_FILE}`];
  const fromHead = target.hasHead ? await readObjectsAsync(target.root, headNames, env) : new Map<string, GitObject | undefined>();
  // The rules parses the hook looks up too (staged and HEAD), or it would still load the analyser.
  const rulesText = rulesBytes?.toString('utf8');
  const parsed = rulesText === undefined ? undefined : storeRulesParse(cache, target.version, STAGED_RULES_LABELS.target, rulesText);
  const headRules = fromHead.get(headNames[1])?.data;
  if (headRules) storeRulesParse(cache, target.version, STAGED_RULES_LABELS.base, headRules.toString('utf8'));
  if (parsed && 'error' in parsed) {
    cache.save();
    return 'skipped';
  }
  const rules = resolveRules(parsed?.config ?? {}, rulesBytes ? rulesFile : undefined);
  const head = fromHead.get(headNames[0])?.data;
  const key = analysisKey(target.version, rulesBytes ? blobId(rulesBytes) : undefined, target.path, head ? blobId(head) : '', blobId(content));
  if (cache.has(key)) {
    cache.save();
    return 'present';
  }
  // The hook analyses a file that reads other files with those files and never caches it.
  if (terraformModuleReferences(target.path, [content.toString('utf8'), ...(head ? [head.toString('utf8')] : [])])) {
    cache.save();
    return 'skipped';
  }
  const result = await analyzeChange({ path: target.path, before: head ?? null, after: content }, { rules, mode: 'diff' });
  cache.set(key, result);
  cache.save();
  return 'written';
}

/** Parses a rules text as the hook would (same label, same BOM handling) and stores the outcome. */
function storeRulesParse(cache: AnalysisCache, version: string, which: string, text: string): ParsedRules {
  const key = rulesParseKey(version, which, text);
  const known = cache.getRules(key);
  if (known) return known;
  let parsed: ParsedRules;
  try {
    parsed = { config: parseRules(text.replace(/^\uFEFF/, ''), which) };
  } catch (err) {
    parsed = { error: (err as Error).message };
  }
  cache.setRules(key, parsed);
  return parsed;
}
