// Rules-file weakening: a change to .foureyes/rules.jsonc that lets more through (a senior added,
// a requirement lowered, an ignore or suppression added) is a finding that seniors of the BASE
// rules must approve, so nobody can add themselves as a senior and approve their own change.
import { findNodeAtLocation, parseTree, type JSONPath } from 'jsonc-parser';
import { allRules } from '../detectors/registry';
import { fingerprint, severityRank, isSeverity, type Finding, type Severity } from '../findings';
import type { RulesConfig, RuleOverride } from '../rules';
import { RULES_FILE } from '../rules';
import { LineIndex } from '../text';
import { DEFAULT_MIN_SEVERITY, WEAKENING_RULE_ID } from './policy';

const REQUIRE_ORDER = ['none', 'ai-only', 'all'];
/** Keys anywhere in the file whose added entries let findings through. */
const LOOSENING_KEY = /ignore|suppress|exclude|allow|skip|baseline/i;

interface Change {
  message: string;
  /** What the fingerprint covers: the weakened setting and its new value. */
  content: string;
  at: JSONPath;
}

function overrideOf(v: RulesConfig['rules'] extends Record<string, infer T> | undefined ? T : never): RuleOverride {
  return v === 'off' ? { off: true } : typeof v === 'string' ? { severity: v as Severity } : (v ?? {});
}

function effectiveSeverity(ruleId: string, rules: RulesConfig): Severity | 'off' {
  const all = rules.rules ?? {};
  const own = all[ruleId] ?? all[ruleId.split('/')[0] + '/*'];
  const o = own === undefined ? {} : overrideOf(own);
  if (o.off) return 'off';
  if (o.severity && isSeverity(o.severity)) return o.severity;
  return allRules().find((r) => r.id === ruleId)?.defaultSeverity ?? 'low';
}

function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))) : [];
}

function diffArrays(before: unknown, after: unknown, path: JSONPath, out: Change[], what: 'added' | 'removed', label: string): void {
  const b = new Set(asStrings(before));
  const a = new Set(asStrings(after));
  const items = what === 'added' ? [...a].filter((x) => !b.has(x)) : [...b].filter((x) => !a.has(x));
  for (const item of items) out.push({ message: `${label} ${what}: ${item}`, content: `${path.join('.')} ${what} ${item}`, at: path });
}

function walkLoosening(before: unknown, after: unknown, path: JSONPath, out: Change[]): void {
  if (!after || typeof after !== 'object') return;
  if (Array.isArray(after)) return;
  for (const [k, v] of Object.entries(after as Record<string, unknown>)) {
    const bv = before && typeof before === 'object' && !Array.isArray(before) ? (before as Record<string, unknown>)[k] : undefined;
    const p = [...path, k];
    if (Array.isArray(v) && LOOSENING_KEY.test(k)) diffArrays(bv, v, p, out, 'added', `"${p.join('.')}" entry`);
    else if (v && typeof v === 'object') walkLoosening(bv, v, p, out);
  }
}

/** What the staged rules weaken relative to the base rules. */
export function rulesWeakenings(base: RulesConfig, staged: RulesConfig): Change[] {
  const out: Change[] = [];
  const baseSeniors = base.seniors ?? [];
  for (const s of staged.seniors ?? []) {
    const was = baseSeniors.find((b) => b.id === s.id);
    if (!was) out.push({ message: `Senior ${s.id} added; seniors can approve reviews`, content: `seniors+ ${s.id} ${s.publicKey}`, at: ['seniors'] });
    else if (was.publicKey !== s.publicKey) out.push({ message: `Senior ${s.id}'s signing key replaced`, content: `seniors~ ${s.id} ${s.publicKey}`, at: ['seniors'] });
  }
  const br = base.review ?? {};
  const sr = staged.review ?? {};
  const bReq = REQUIRE_ORDER.indexOf(br.require ?? 'all');
  const sReq = REQUIRE_ORDER.indexOf(sr.require ?? 'all');
  if (sReq < bReq) out.push({ message: `review.require lowered from "${br.require ?? 'all'}" to "${sr.require}"`, content: `review.require ${sr.require}`, at: ['review', 'require'] });
  const bMin = br.minSeverity ?? DEFAULT_MIN_SEVERITY;
  const sMin = sr.minSeverity ?? DEFAULT_MIN_SEVERITY;
  if (isSeverity(sMin) && isSeverity(bMin) && severityRank(sMin) > severityRank(bMin)) {
    out.push({ message: `review.minSeverity raised from ${bMin} to ${sMin}; fewer findings need review`, content: `review.minSeverity ${sMin}`, at: ['review', 'minSeverity'] });
  }
  for (const sev of ['critical', 'high', 'medium', 'low'] as Severity[]) {
    const b = br.approvals?.[sev] ?? 1;
    const s = sr.approvals?.[sev] ?? 1;
    if (s < b) out.push({ message: `review.approvals.${sev} lowered from ${b} to ${s}`, content: `review.approvals.${sev} ${s}`, at: ['review', 'approvals', sev] });
  }
  const bDays = br.expiresAfterDays;
  const sDays = sr.expiresAfterDays;
  if (typeof bDays === 'number' && (typeof sDays !== 'number' || sDays > bDays)) {
    out.push({ message: `review.expiresAfterDays raised from ${bDays} to ${sDays ?? 'never'}`, content: `review.expiresAfterDays ${sDays ?? 'none'}`, at: ['review', 'expiresAfterDays'] });
  }
  const ruleIds = new Set([...Object.keys(base.rules ?? {}), ...Object.keys(staged.rules ?? {}), ...allRules().map((r) => r.id)]);
  for (const id of ruleIds) {
    const b = id.endsWith('/*') ? undefined : effectiveSeverity(id, base);
    const s = id.endsWith('/*') ? undefined : effectiveSeverity(id, staged);
    if (id.endsWith('/*')) {
      const bo = base.rules?.[id] === undefined ? {} : overrideOf(base.rules[id]);
      const so = staged.rules?.[id] === undefined ? {} : overrideOf(staged.rules[id]);
      if (so.off && !bo.off) out.push({ message: `Rule family ${id} turned off`, content: `rules.${id} off`, at: ['rules', id] });
      else if (so.severity && (!bo.severity || severityRank(so.severity) < severityRank(bo.severity))) {
        out.push({ message: `Rule family ${id} severity set to ${so.severity}`, content: `rules.${id} ${so.severity}`, at: ['rules', id] });
      }
      continue;
    }
    if (s === b || !s || !b) continue;
    if (s === 'off') out.push({ message: `Rule ${id} turned off`, content: `rules.${id} off`, at: ['rules', id] });
    else if (b !== 'off' && severityRank(s) < severityRank(b)) out.push({ message: `Rule ${id} severity lowered from ${b} to ${s}`, content: `rules.${id} ${s}`, at: ['rules', id] });
  }
  diffArrays(base.ignore, staged.ignore, ['ignore'], out, 'added', 'Ignore glob');
  if (base.ignoreDefaults === false && staged.ignoreDefaults !== false) {
    out.push({ message: 'Default ignore globs turned back on (tests, docs, fixtures, vendored code are skipped)', content: 'ignoreDefaults', at: ['ignoreDefaults'] });
  }
  const bp = (base.production ?? {}) as Record<string, unknown>;
  const sp = (staged.production ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(bp)) diffArrays(bp[key], sp[key], ['production', key], out, 'removed', `production.${key} entry`);
  walkDrift(base.drift, staged.drift, ['drift'], out);
  const bMax = base.limits?.maxFileBytes;
  const sMax = staged.limits?.maxFileBytes;
  if (typeof sMax === 'number' && sMax < (bMax ?? Infinity)) out.push({ message: `limits.maxFileBytes lowered to ${sMax}; larger files are not analysed`, content: `limits.maxFileBytes ${sMax}`, at: ['limits', 'maxFileBytes'] });
  const skip = new Set(['seniors', 'review', 'rules', 'ignore', 'production', 'drift', 'limits', 'ignoreDefaults']);
  for (const [k, v] of Object.entries(staged as Record<string, unknown>)) {
    if (skip.has(k)) continue;
    const bv = (base as Record<string, unknown>)[k];
    if (Array.isArray(v) && LOOSENING_KEY.test(k)) diffArrays(bv, v, [k], out, 'added', `"${k}" entry`);
    else walkLoosening(bv, v, [k], out);
  }
  return out;
}

function walkDrift(before: unknown, after: unknown, path: JSONPath, out: Change[]): void {
  if (Array.isArray(before)) {
    diffArrays(before, after, path, out, 'removed', `${path.join('.')} entry`);
    return;
  }
  if (before && typeof before === 'object') {
    for (const [k, v] of Object.entries(before as Record<string, unknown>)) {
      const av = after && typeof after === 'object' ? (after as Record<string, unknown>)[k] : undefined;
      walkDrift(v, av, [...path, k], out);
    }
  }
  walkLoosening(before, after, path, out);
}

/** The weakenings as findings on the staged rules file. */
export function weakeningFindings(base: RulesConfig, staged: RulesConfig, stagedText: string, file = RULES_FILE): Finding[] {
  const changes = rulesWeakenings(base, staged);
  if (!changes.length) return [];
  const tree = parseTree(stagedText, [], { allowTrailingComma: true });
  const lines = new LineIndex(stagedText);
  return changes.map((c) => {
    let node = tree ? findNodeAtLocation(tree, c.at) : undefined;
    for (let p = c.at.slice(0, -1); !node && tree && p.length; p = p.slice(0, -1)) node = findNodeAtLocation(tree, p);
    const start = lines.position(node ? (node.parent?.type === 'property' ? node.parent.offset : node.offset) : 0);
    const end = lines.position(node ? node.offset + node.length : 0);
    return {
      ruleId: WEAKENING_RULE_ID,
      category: 'drift',
      severity: 'critical',
      message: `${c.message}; the rules file change needs approval by a senior of the rules before it.`,
      path: file,
      range: { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column },
      fingerprint: fingerprint(WEAKENING_RULE_ID, file, c.content),
      keyPath: c.at.join('.'),
      after: c.content,
    } satisfies Finding;
  });
}
