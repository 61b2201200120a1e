// One file's change -> findings and notes: decode, detect language, parse, run detectors, apply rules.
import { minimatch } from 'minimatch';
import { BudgetExceeded, newBudget, withinBudget } from './budget';
import { DETECTORS } from './detectors/registry';
import { maskFindings } from './endpoints/document-secrets';
import type { Detector, DetectorContext, SiblingDocs } from './detectors/detector';
import { compareFindings, type Finding } from './findings';
import { detectLanguage } from './languages';
import type { Doc, LanguageId } from './model';
import { parseDocument } from './parse';
import { isSuppressed, type ResolvedRules } from './rules';
import { decodeText } from './text';

export type NoteLevel = 'info' | 'warning' | 'error';

/** Something the user should know about a file beyond its findings: skipped, partly parsed. */
export interface FileNote {
  path: string;
  level: NoteLevel;
  message: string;
}

export interface AnalysisResult {
  findings: Finding[];
  notes: FileNote[];
  /** Whether the file was analysed at all (false: ignored, unsupported, too large, binary). */
  analysed: boolean;
}

export interface FileChange {
  /** Repo-relative, forward slashes. */
  path: string;
  /** Bytes or text before the change; undefined or null when the file did not exist. */
  before?: Uint8Array | string | null;
  after: Uint8Array | string;
}

export interface AnalyzeOptions {
  rules: ResolvedRules;
  mode: 'scan' | 'diff';
  /** Force a language instead of detecting it. */
  language?: LanguageId;
  /** Other files of the same change, for detectors that compare files (environment divergence). */
  siblings?: SiblingSource;
  /** Detectors run in addition to the registry (test-only detectors). */
  extraDetectors?: readonly Detector[];
  /**
   * Parses one side instead of `parseDocument`: the editor keeps an incremental parser for the
   * open text and a cached before document.
   */
  parse?: (side: 'before' | 'after', path: string, text: string, language: LanguageId) => Promise<Doc>;
}

/**
 * Read access to the other files of a change set. `paths` lists repo-relative paths (forward
 * slashes) present on either side; `read` returns their bytes or text (null or undefined: absent
 * on that side). In scan mode only `after` is read. Parsed documents are cached per source.
 */
export interface SiblingSource {
  paths(): readonly string[];
  read(path: string): { before?: Uint8Array | string | null; after?: Uint8Array | string | null } | undefined;
  /**
   * Optional: whether `path` is itself analysed in the same run (scanned, or part of the change
   * set), so its own findings are reported. Absent: no listed file counts as analysed.
   */
  analysed?(path: string): boolean;
}

const PROD_SEGMENT = /(^|[/._-])(prod|production|prd)([/._-]|$)/i;

export function isProductionPath(path: string, rules: ResolvedRules): boolean {
  if (rules.production.paths.some((g) => minimatch(path, g, { dot: true }))) return true;
  return PROD_SEGMENT.test(path);
}

type Decoded = { ok: true; text: string; lossy: boolean } | { ok: false; reason: string };

function decode(input: Uint8Array | string): Decoded {
  if (typeof input === 'string') return { ok: true, text: input.replace(/^\uFEFF/, ''), lossy: false };
  return decodeText(input);
}

function byteLength(input: Uint8Array | string): number {
  return typeof input === 'string' ? Buffer.byteLength(input) : input.length;
}

export async function analyzeChange(change: FileChange, opts: AnalyzeOptions): Promise<AnalysisResult> {
  const { path } = change;
  const { rules } = opts;
  const notes: FileNote[] = [];
  const skip = (level: NoteLevel, message: string): AnalysisResult => ({ findings: [], notes: [{ path, level, message }], analysed: false });

  if (rules.isIgnored(path)) return { findings: [], notes: [], analysed: false };
  const size = byteLength(change.after);
  if (size > rules.maxFileBytes) {
    return skip('warning', `skipped: ${formatBytes(size)} is over the ${formatBytes(rules.maxFileBytes)} limit (limits.maxFileBytes); not analysed`);
  }
  const after = decode(change.after);
  if (!after.ok) {
    // An image or archive in a scanned tree is not a file anyone expects analysed; a `.json` that
    // turned out binary is, and must not pass silently.
    if (!opts.language && !detectLanguage(path, '')) return { findings: [], notes: [], analysed: false };
    return skip('warning', `skipped: ${after.reason}; not analysed`);
  }
  const language = opts.language ?? detectLanguage(path, after.text.slice(0, 200));
  if (!language) return { findings: [], notes: [], analysed: false };
  if (!after.text.trim()) {
    return { findings: [], notes: [{ path, level: 'info', message: `empty file (${language}); nothing to analyse` }], analysed: true };
  }
  if (after.lossy) notes.push({ path, level: 'warning', message: 'invalid UTF-8 replaced with U+FFFD; positions after it may be approximate' });

  // One allowance for lowering both sides and running every detector: a file that cannot be
  // analysed within it is reported as not analysed (an error note: the hook blocks on it).
  const budget = newBudget(after.text.length + (opts.mode === 'diff' && change.before ? byteLength(change.before) : 0));
  let beforeDoc: Doc | undefined;
  let afterDoc: Doc;
  try {
    afterDoc = opts.parse ? await opts.parse('after', path, after.text, language) : await parseDocument(path, after.text, language, budget);
  } catch (err) {
    return skip('error', `not analysed (${language}): ${errorMessage(err)}`);
  }
  if (afterDoc.problems.length) {
    const first = afterDoc.problems[0];
    notes.push({
      path,
      level: 'warning',
      message: `${afterDoc.problems.length} syntax error(s), first at line ${first.range.startLine}: ${first.message}; analysed what parsed`,
    });
  }
  if (opts.mode === 'diff' && change.before !== undefined && change.before !== null) {
    const before = byteLength(change.before) > rules.maxFileBytes ? undefined : decode(change.before);
    if (before?.ok) {
      try {
        beforeDoc = opts.parse ? await opts.parse('before', path, before.text, language) : await parseDocument(path, before.text, language, budget);
      } catch (err) {
        if (err instanceof BudgetExceeded) return skip('error', `not analysed (${language}): the before version's ${errorMessage(err)}`);
        notes.push({ path, level: 'warning', message: `could not parse the before version (${errorMessage(err)}); treating every risk as new` });
      }
    } else {
      notes.push({ path, level: 'warning', message: 'the before version could not be read; treating every risk as new' });
    }
  }

  const ctx: DetectorContext = { rules, isProductionFile: isProductionPath(path, rules), mode: opts.mode };
  const findings: Finding[] = [];
  let stopped: string | undefined;
  for (const detector of [...DETECTORS, ...(opts.extraDetectors ?? [])]) {
    try {
      if (detector.siblings && opts.siblings) {
        const source = opts.siblings;
        const wanted = detector.siblings(path, source.paths(), ctx, beforeDoc ? [afterDoc.text, beforeDoc.text] : [afterDoc.text]);
        const docs = new Map<string, SiblingDocs>();
        for (const p of wanted) docs.set(p, await parseSibling(source, p, opts.mode, rules));
        ctx.sibling = (p) => docs.get(p);
        ctx.siblingPaths = wanted;
        ctx.siblingAnalysed = (p) => !rules.isIgnored(p) && (source.analysed?.(p) ?? false);
      } else {
        delete ctx.sibling;
        delete ctx.siblingPaths;
        delete ctx.siblingAnalysed;
      }
      // With other files of the change in view, what a detector derives from `before` may read
      // them too: prepared afresh then, memoised only when the before document is all it sees.
      const produced = withinBudget(budget, `detector ${detector.family}`, () => {
        const prepared = beforeDoc && detector.prepare ? (ctx.sibling ? detector.prepare(beforeDoc, ctx) : preparedFor(detector, beforeDoc, ctx)) : undefined;
        return [...detector.run(beforeDoc, afterDoc, ctx, prepared)];
      });
      for (const f of produced) {
        const o = rules.override(f.ruleId);
        if (o?.off) continue;
        if (isSuppressed(rules.config, f.fingerprint)) continue;
        if (o?.severity) f.severity = o.severity;
        findings.push(f);
      }
    } catch (err) {
      if (err instanceof BudgetExceeded) {
        stopped = errorMessage(err);
        break;
      }
      notes.push({ path, level: 'error', message: `detector ${detector.family} failed: ${errorMessage(err)}` });
    }
  }
  maskFindings(findings, [beforeDoc, afterDoc]);
  findings.sort(compareFindings);
  if (stopped) {
    // What was found stays reported; the file as a whole was not analysed.
    notes.push({ path, level: 'error', message: `not analysed (${language}): ${stopped}; findings of the remaining detectors are missing` });
    return { findings, notes, analysed: false };
  }
  return { findings, notes, analysed: true };
}

/**
 * `Detector.prepare` results per before document, rules object and detector. The editor keeps
 * one before document per open file, so every edit after the first skips the baseline's share.
 */
const preparedCache = new WeakMap<Doc, WeakMap<ResolvedRules, Map<Detector, { key: string; value: unknown }>>>();

function preparedFor(detector: Detector, before: Doc, ctx: DetectorContext): unknown {
  let byRules = preparedCache.get(before);
  if (!byRules) {
    byRules = new WeakMap();
    preparedCache.set(before, byRules);
  }
  let byDetector = byRules.get(ctx.rules);
  if (!byDetector) {
    byDetector = new Map();
    byRules.set(ctx.rules, byDetector);
  }
  const key = `${ctx.mode}\0${ctx.isProductionFile}`;
  const hit = byDetector.get(detector);
  if (hit && hit.key === key) return hit.value;
  const value = detector.prepare!(before, ctx);
  byDetector.set(detector, { key, value });
  return value;
}

const siblingCache = new WeakMap<SiblingSource, Map<string, Promise<SiblingDocs>>>();

/** Both sides of another file, parsed once per source; unreadable or unparseable sides are left out. */
function parseSibling(source: SiblingSource, path: string, mode: 'scan' | 'diff', rules: ResolvedRules): Promise<SiblingDocs> {
  let cache = siblingCache.get(source);
  if (!cache) {
    cache = new Map();
    siblingCache.set(source, cache);
  }
  const key = `${mode}\0${path}`;
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const raw = source.read(path);
      if (!raw) return {};
      const side = async (bytes: Uint8Array | string | null | undefined): Promise<Doc | undefined> => {
        if (bytes === undefined || bytes === null || byteLength(bytes) > rules.maxFileBytes) return undefined;
        const d = decode(bytes);
        if (!d.ok) return undefined;
        const language = detectLanguage(path, d.text.slice(0, 200));
        if (!language) return undefined;
        try {
          return await parseDocument(path, d.text, language);
        } catch {
          return undefined;
        }
      };
      const out: SiblingDocs = {};
      const after = await side(raw.after);
      if (after) out.after = after;
      if (mode === 'diff') {
        const before = await side(raw.before);
        if (before) out.before = before;
      }
      return out;
    })();
    cache.set(key, p);
  }
  return p;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}
