// Runs a review over gathered inputs: findings per changed file (from the cache, or by analysis),
// merge parents, rules weakening, AI-origin marks, then the four-eyes policy.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { AnalysisResult, FileNote, SiblingSource } from '../analyze';
import type { Finding } from '../findings';
import type { RawChange } from '../git';
import { aiLines, originInRange, readProvenanceChecked } from '../provenance';
import type { ResolvedRules, RulesConfig } from '../rules';
import { RULES_FILE } from '../rules-file';
import { AnalysisCache, type ParsedRules } from './cache';
import { readBlobs, readOtherFiles, type ReviewInput, type StagedListing } from './inputs';
import { evaluatePolicy, isBlocking, policyWithoutProvenance, type PolicyResult, type ReviewedFinding } from './policy';
import { span, spanAsync } from '../trace';

export interface ReviewTools {
  /**
   * Parses and validates a rules file (throws with the reason). Absent on the hook's fast path,
   * which keeps the schema validator out of its bundle and reads results cached by text instead.
   */
  parseRules?(text: string, which: string): RulesConfig;
  /**
   * Full analysis of one change; absent on the hook's fast path. `others`: the repository's other
   * files the change reads (given only for changes `moduleReferences` names files for).
   */
  analyze?(change: { path: string; before: Buffer | null; after: Buffer }, rules: ResolvedRules, others?: SiblingSource): Promise<AnalysisResult>;
  /**
   * The other files a changed file's analysis reads (Terraform `file()` targets, the module
   * directory of merged policy documents), from its text on each side; undefined for the common
   * file that reads none. Optional: without it every change is analysed on its own.
   */
  moduleReferences?(path: string, texts: readonly string[]): { files: string[]; dir?: string } | undefined;
  /**
   * Analyses many changes at once (worker threads for large change sets), results in input order
   * and equal to `analyze` one by one. Optional: without it the engine calls `analyze` per file.
   */
  analyzeMany?(changes: Array<{ path: string; before: Buffer | null; after: Buffer }>, rules: ResolvedRules): Promise<AnalysisResult[]>;
  resolve?(config: RulesConfig, source: string): ResolvedRules;
  weakenings?(base: RulesConfig, target: RulesConfig, targetText: string): Finding[];
  /** Gets ready to analyse these paths (grammars loaded side by side), while the blobs are read. */
  prepare?(paths: string[]): Promise<void>;
  /**
   * Parses rules files elsewhere (the hook's warm analysis server): each `{ text, which }` as
   * `parseRules` would, a thrown error becoming `{ error }`. Used, before `parseRules`, only for
   * parses the cache does not hold; its answers are cached like in-process parses.
   */
  parseRulesAsync?(items: Array<{ text: string; which: string }>): Promise<ParsedRules[]>;
  /**
   * Analyses changes named by blob ids ('' before: a new file) where the tools can read git's
   * objects themselves (the hook's warm server), results in input order and equal to `analyze`
   * of those blobs' bytes. When present it is used instead of reading the blobs here.
   */
  analyzeBlobs?(changes: Array<{ path: string; before: string; after: string; cacheKey: string }>, rules: ResolvedRules): Promise<AnalysisResult[]>;
  /**
   * `analyzeBlobs` files each result in the analysis cache under its `cacheKey` itself, after
   * answering (the warm server, off the commit's critical path): the engine does not write them.
   */
  storesBlobAnalyses?: boolean;
}

export interface ReviewOutcome extends PolicyResult {
  notes: FileNote[];
  /** Things the user should know that are not failures: first rules file, break-glass in use. */
  info: string[];
  analysedFiles: number;
  policy: RulesConfig;
  blocking: ReviewedFinding[];
}

/** What cached analyses are keyed by besides content: tool version and test-only switches. */
export function analysisVersion(version: string, env: NodeJS.ProcessEnv): string {
  return env.FOUREYES_TEST_DETECTOR === '1' ? `${version}+test-detector` : version;
}

export class NeedsFullAnalysis extends Error {}

export interface ReviewOptions {
  now?: Date;
  version: string;
  /** Where the analysis cache lives; undefined disables it. */
  cacheDir?: string;
  /** Check every approval's repository binding (default: in range mode), not only those that could count. */
  bindAll?: boolean;
}

/** How a staged check names the rules file at HEAD and in the index (in messages and cache keys). */
export const STAGED_RULES_LABELS = { base: `${RULES_FILE} at HEAD`, target: `${RULES_FILE} (staged)` } as const;

/** What a rules file's parse is cached under: keyed by the exact text and label, since a cached error message names the file as `which` does. */
export function rulesParseKey(version: string, which: string, text: string): string {
  return AnalysisCache.key([version, 'rules', which, text]);
}

function parseOrFail(text: string, which: string, errors: string[], cache: AnalysisCache, tools: ReviewTools, version: string): RulesConfig | undefined {
  const key = rulesParseKey(version, which, text);
  let parsed = cache.getRules(key);
  if (!parsed) {
    if (!tools.parseRules) throw new NeedsFullAnalysis();
    try {
      parsed = { config: span(`parse rules ${which}`, () => tools.parseRules!(text.replace(/^\uFEFF/, ''), which)) };
    } catch (err) {
      parsed = { error: (err as Error).message };
    }
    cache.setRules(key, parsed);
  }
  if ('error' in parsed) {
    errors.push(`rules file ${which} cannot be read: ${parsed.error}`);
    return undefined;
  }
  return parsed.config;
}

export function cacheDirFor(input: { commonDir: string }): string {
  return path.join(input.commonDir, 'foureyes', 'cache', 'analysis');
}

/**
 * What one file change's analysis is cached under: the tool version, the rules file's blob id
 * ('' without one), the path and both blob ids. Blob ids are hashes of content (git's, or
 * `blobId` computed in process), so an entry can only ever answer for exactly this content
 * analysed under exactly these rules by exactly this version.
 */
export function analysisKey(version: string, rulesId: string | undefined, filePath: string, before: string, after: string): string {
  return AnalysisCache.key([version, rulesId ?? '', filePath, before, after]);
}

/** Changes the detectors judge (the rules file and records are judged by the policy instead). */
export function analysedChanges(changes: RawChange[]): RawChange[] {
  return changes.filter((c) => !c.path.startsWith('.foureyes/'));
}

/**
 * The staged changes whose analysis is not in the cache, judged as soon as git lists them: the
 * hook reads their blobs in its one `cat-file` and starts loading the analyser meanwhile. Only a
 * hint (an entry present here may still turn out unreadable; `runReview` decides).
 */
export function uncachedChanges(listing: StagedListing, version: string): RawChange[] {
  const cache = new AnalysisCache(cacheDirFor(listing));
  return analysedChanges(listing.changes).filter((c) => !cache.has(analysisKey(version, listing.targetRulesId, c.path, c.oldBlob, c.newBlob)));
}

/**
 * For the changes whose analysis reads other files of the repository: those files on both sides
 * (read only when some change names any, so a commit without such references runs no extra git).
 */
async function otherFilesFor(input: ReviewInput, needs: ReadonlyArray<{ key: string; path: string; before: string; after: string }>, blobs: Map<string, Buffer | undefined>, tools: ReviewTools): Promise<Map<string, SiblingSource>> {
  const refs = new Map<string, { files: string[]; dir?: string }>();
  if (!tools.moduleReferences) return new Map();
  for (const n of needs) {
    const texts = [n.after, n.before].flatMap((id) => {
      const b = id ? blobs.get(id) : undefined;
      return b ? [b.toString('utf8')] : [];
    });
    const r = texts.length ? tools.moduleReferences(n.path, texts) : undefined;
    if (r) refs.set(n.key, r);
  }
  if (!refs.size) return new Map();
  const files = [...new Set([...refs.values()].flatMap((r) => r.files))];
  const dirs = [...new Set([...refs.values()].flatMap((r) => (r.dir === undefined ? [] : [r.dir])))];
  // Without them each file is judged alone: what it reads shows as an unresolved value, never as safe.
  const read = await spanAsync(`read ${files.length} referenced files, ${dirs.length} module directories`, () => readOtherFiles(input, files, dirs)).catch(() => undefined);
  if (!read) return new Map();
  const changed = new Set(analysedChanges(input.changes).map((c) => c.path));
  const source: SiblingSource = {
    paths: () => read.paths,
    read: (p) => ({ before: read.before.get(p) ?? null, after: read.after.get(p) ?? null }),
    analysed: (p) => changed.has(p),
  };
  return new Map([...refs.keys()].map((k) => [k, source]));
}

export async function runReview(input: ReviewInput, tools: ReviewTools, opts: ReviewOptions): Promise<ReviewOutcome> {
  const errors: string[] = [];
  const info: string[] = [];
  const notes: FileNote[] = [];
  const where = input.mode === 'staged' ? 'HEAD' : input.base.slice(0, 12);
  const cache = span('cache load', () => new AnalysisCache(opts.cacheDir));
  const staged = input.mode === 'staged';
  const baseLabel = staged ? STAGED_RULES_LABELS.base : `${RULES_FILE} at ${where}`;
  const targetLabel = staged ? STAGED_RULES_LABELS.target : `${RULES_FILE} (${input.target.slice(0, 12)})`;
  if (tools.parseRulesAsync) {
    const missing = [
      ...(input.baseRules ? [{ text: input.baseRules.text, which: baseLabel }] : []),
      ...(input.targetRules ? [{ text: input.targetRules.text, which: targetLabel }] : []),
    ].filter((r) => !cache.getRules(rulesParseKey(opts.version, r.which, r.text)));
    if (missing.length) {
      const parsed = await tools.parseRulesAsync(missing.map((r) => ({ text: r.text.replace(/^\uFEFF/, ''), which: r.which })));
      if (parsed.length !== missing.length) throw new NeedsFullAnalysis();
      missing.forEach((r, i) => cache.setRules(rulesParseKey(opts.version, r.which, r.text), parsed[i]));
    }
  }
  const baseConfig = input.baseRules ? parseOrFail(input.baseRules.text, baseLabel, errors, cache, tools, opts.version) : undefined;
  const targetConfig = input.targetRules ? parseOrFail(input.targetRules.text, targetLabel, errors, cache, tools, opts.version) : undefined;
  const rulesChanged = (input.baseRules?.id ?? '') !== (input.targetRules?.id ?? '');

  let policy: RulesConfig = baseConfig ?? {};
  if (!input.baseRules && targetConfig) {
    policy = targetConfig;
    if (rulesChanged) info.push(`first rules file in this repository (${RULES_FILE}) accepted as the policy for this change`);
  } else if (baseConfig && targetConfig && !(baseConfig.seniors ?? []).length && (targetConfig.seniors ?? []).length) {
    policy = { ...baseConfig, seniors: targetConfig.seniors };
    info.push(`first seniors in ${RULES_FILE} accepted: ${(targetConfig.seniors ?? []).map((s) => s.id).join(', ')}`);
  }

  const needs: Array<{ key: string; path: string; before: string; after: string }> = [];
  const results = new Map<string, AnalysisResult>();
  const pairKey = (p: string, before: string, after: string) => analysisKey(opts.version, input.targetRules?.id, p, before, after);
  const want = (p: string, before: string, after: string) => {
    const key = pairKey(p, before, after);
    if (results.has(key)) return key;
    const hit = cache.get(key);
    if (hit) results.set(key, hit);
    else if (!needs.some((n) => n.key === key)) needs.push({ key, path: p, before, after });
    return key;
  };
  // The rules file is judged by the weakening check and records by the policy, not by detectors.
  const plan = analysedChanges(input.changes).map((c: RawChange) => ({
    change: c,
    main: want(c.path, c.oldBlob, c.newBlob),
    others: input.otherParents.map((m) => {
      const o = m.get(c.path);
      return o ? want(c.path, o.oldBlob, o.newBlob) : undefined;
    }),
  }));

  if (needs.length || (rulesChanged && targetConfig)) {
    if (!tools.analyze || !tools.resolve || !tools.weakenings) throw new NeedsFullAnalysis();
  }
  const resolvedRules = () => span('resolve rules', () => tools.resolve!(targetConfig ?? {}, input.targetRules ? path.join(input.root, RULES_FILE) : ''));
  if (needs.length && tools.analyzeBlobs && tools.resolve) {
    const analysed = await tools.analyzeBlobs(needs.map((n) => ({ path: n.path, before: n.before, after: n.after, cacheKey: n.key })), resolvedRules());
    if (analysed.length !== needs.length) throw new NeedsFullAnalysis();
    needs.forEach((n, i) => {
      results.set(n.key, analysed[i]);
      if (!tools.storesBlobAnalyses) cache.set(n.key, analysed[i]);
    });
  } else if (needs.length && tools.analyze && tools.resolve) {
    const resolved = resolvedRules();
    // Grammars load side by side; each group of files (by extension: one grammar) is analysed as
    // soon as its grammars are ready, so small grammars' files do not wait for a large one.
    // Files are still analysed one at a time, and errors reported in the original order.
    const groups = new Map<string, typeof needs>();
    for (const n of needs) {
      const ext = path.posix.extname(n.path).toLowerCase();
      groups.set(ext, [...(groups.get(ext) ?? []), n]);
    }
    const blobsRead = readBlobs(input, needs.flatMap((n) => [n.before, n.after]));
    const othersRead = blobsRead.then((blobs) => otherFilesFor(input, needs, blobs, tools));
    const unreadable = new Set<string>();
    // A large change set goes to the worker pool when the tools have one (results in input order,
    // equal to one by one); an empty answer means "below the threshold": analysed here instead.
    let pooled = false;
    if (tools.analyzeMany) {
      const blobs = await blobsRead;
      const others = await othersRead;
      const ready = needs.flatMap((n) => {
        const after = blobs.get(n.after);
        if (!after || others.has(n.key)) return [];
        return [{ need: n, change: { path: n.path, before: n.before ? (blobs.get(n.before) ?? null) : null, after } }];
      });
      const analysed = await tools.analyzeMany(ready.map((r) => r.change), resolved);
      if (analysed.length === ready.length && ready.length) {
        pooled = true;
        ready.forEach(({ need }, i) => {
          results.set(need.key, analysed[i]);
          cache.set(need.key, analysed[i]);
        });
        for (const n of needs) if (!blobs.get(n.after)) unreadable.add(n.key);
      }
    }
    const others = await othersRead;
    // Pooled: only the changes that read other files are left, analysed here with them.
    const left = pooled ? new Map([...groups].map(([ext, list]) => [ext, list.filter((n) => others.has(n.key))] as const).filter(([, list]) => list.length)) : groups;
    const pending = new Map([...left].map(([ext, list]) => [ext, (tools.prepare?.(list.map((n) => n.path)) ?? Promise.resolve()).then(() => ext)]));
    const blobs = await blobsRead;
    while (pending.size) {
      const ext = await Promise.race(pending.values());
      pending.delete(ext);
      for (const n of left.get(ext)!) {
        const after = blobs.get(n.after);
        if (!after) {
          unreadable.add(n.key);
          continue;
        }
        const before = n.before ? (blobs.get(n.before) ?? null) : null;
        const withOthers = others.get(n.key);
        const r = await spanAsync(`analyze ${n.path}`, () => tools.analyze!({ path: n.path, before, after }, resolved, withOthers));
        results.set(n.key, r);
        // Its findings depend on other files too, which the cache key does not name.
        if (!withOthers) cache.set(n.key, r);
      }
    }
    for (const n of needs) if (unreadable.has(n.key)) errors.push(`${n.path}: cannot read the staged content (blob ${n.after.slice(0, 12)})`);
  }
  span('cache save', () => cache.save());

  const provenanceRead = input.mode === 'staged' ? readProvenanceChecked(input.gitDir, input.commonDir) : {};
  const provenance = provenanceRead.record;
  const judgedBy = policyWithoutProvenance(policy, !!provenanceRead.unreadable);
  const aiBlind = judgedBy !== policy;
  if (provenanceRead.unreadable) {
    info.push(
      `the AI provenance record cannot be used (${provenanceRead.unreadable}); no finding is marked as AI-origin in this check` +
        (aiBlind ? ', so with review.require "ai-only" every finding needs review' : ''),
    );
  }
  // AI-origin lines of the staged files that have provenance entries and findings: their blobs
  // are read in one batch, only when needed.
  const aiByPath = new Map<string, ReturnType<typeof aiLines>>();
  const aiWanted = plan.filter((p) => provenance?.files[p.change.path]?.length && results.get(p.main)?.findings.length);
  if (aiWanted.length) {
    const contents = await readBlobs(input, aiWanted.map((p) => p.change.newBlob));
    for (const p of aiWanted) {
      const content = contents.get(p.change.newBlob);
      if (content) aiByPath.set(p.change.path, aiLines(provenance!.files[p.change.path], content.toString('utf8'), p.change.newBlob));
    }
  }
  const findings: Finding[] = [];
  let analysedFiles = 0;
  for (const p of plan) {
    const r = results.get(p.main);
    if (!r) continue;
    notes.push(...r.notes);
    // Fail closed: a file the engine could not analyse, or a detector that crashed on it, may hide
    // a risky change. Skipped large files and partial parses stay notes (they are reported).
    for (const n of r.notes) if (n.level === 'error') errors.push(`${n.path}: ${n.message}`);
    if (r.analysed) analysedFiles++;
    for (const f of r.findings) {
      // In a merge, a finding is the merge's own only when it is new relative to every parent.
      const fromOther = p.others.some((k) => !k || !results.get(k)?.findings.some((g) => g.fingerprint === f.fingerprint));
      if (fromOther) continue;
      const ai = aiByPath.get(f.path);
      const origin = ai && originInRange(ai, f.range.startLine, f.range.endLine);
      if (origin) f.aiOrigin = origin;
      findings.push(f);
    }
  }
  if (rulesChanged && baseConfig && targetConfig && tools.weakenings) {
    const base = policy === baseConfig ? baseConfig : { ...baseConfig, seniors: policy.seniors };
    findings.push(...tools.weakenings(base, targetConfig, input.targetRules!.text));
  }
  if (input.baseRules && !input.targetRules) {
    findings.push({
      ruleId: 'review/rules-weakened',
      category: 'drift',
      severity: 'critical',
      message: `${RULES_FILE} deleted; every requirement it set is dropped.`,
      path: RULES_FILE,
      range: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
      fingerprint: createHash('sha256').update(`review/rules-weakened\0${RULES_FILE}\0deleted`).digest('hex'),
    });
  }

  const result = span('policy', () => evaluatePolicy({
      findings,
      records: input.records,
      policy: judgedBy,
      authorsOf: input.authorsOf,
      now: opts.now ?? new Date(),
      repository: input.repository,
      bindAll: opts.bindAll ?? input.mode === 'range',
    }),
  );
  errors.unshift(...result.errors.filter((e) => !errors.includes(e)));
  for (const r of result.findings) {
    if (r.state === 'break-glass') info.push(`break-glass record ${r.coveredBy[0]?.slice(0, 12)} lets ${r.finding.path}:${r.finding.range.startLine} through without review`);
    if (r.required && !(policy.seniors ?? []).length && isBlocking(r)) {
      const msg = `no seniors are named in ${RULES_FILE}${input.baseRules ? ` at ${where}` : ''}, so nobody can approve; add seniors (id and SSH public key) and commit the rules file`;
      if (!info.includes(msg)) info.push(msg);
    }
  }
  return { ...result, errors, notes, info, analysedFiles, policy, blocking: result.findings.filter(isBlocking) };
}
