// Configuration drift (drift/*): safety settings weakened, protected keys changed, environments
// diverging, pinned values moved — in every format the model lowers, compared key by key.
import { makeFinding, SEVERITIES, type Finding, type Severity } from '../findings';
import type { Doc, SourceRange } from '../model';
import { formatPath } from '../model';
import { CATALOGUE_RULES } from '../drift/catalogue';
import { driftConfig, type CompiledPin, type DriftConfig } from '../drift/config';
import { declaredSiblings, divergences, groupOf, productionSiblings, type SiblingPair } from '../drift/environments';
import { flatten, type Entry, type FlatDoc } from '../drift/flatten';
import { matchKeyPath } from '../drift/keys';
import { safetyHits, type SafetyHit } from '../drift/safety';
import { entryValue, isOpaque, scalarValue, showValue, valueKey, valueText, type Value } from '../drift/values';
import type { Detector, DetectorContext, RuleMeta } from './detector';

const RULES: RuleMeta[] = [
  ...CATALOGUE_RULES.map((r): RuleMeta => ({ id: r.id, category: 'drift', defaultSeverity: r.severity, title: r.title })),
  { id: 'drift/protected-key', category: 'drift', defaultSeverity: 'medium', title: 'Protected configuration key changed' },
  { id: 'drift/environment-divergence', category: 'drift', defaultSeverity: 'medium', title: 'Environments no longer aligned' },
  { id: 'drift/pinned-value', category: 'drift', defaultSeverity: 'high', title: 'Pinned configuration value changed' },
];

export const driftDetector: Detector<FlatDoc> = {
  family: 'drift',
  rules: RULES,
  siblings(path, paths, ctx) {
    if (ctx.mode !== 'diff') return [];
    const cfg = driftConfig(ctx.rules);
    const g = groupOf(path, cfg.environments);
    if (g) return declaredSiblings(path, g.group, paths);
    return ctx.isProductionFile ? productionSiblings(path, paths) : [];
  },
  // The flattened baseline is kept for every edit compared with it.
  prepare: (before) => flatten(before),
  run(before, after, ctx, prepared) {
    const cfg = driftConfig(ctx.rules);
    const a = flatten(after);
    const b = before ? (prepared ?? flatten(before)) : undefined;
    const out: Finding[] = [];
    for (const hit of safetyHits(b, a, cfg.catalogue, { language: after.language, production: ctx.isProductionFile, path: after.path })) {
      out.push(safetyFinding(hit, a, b, ctx));
    }
    if (ctx.mode === 'diff') out.push(...protectedKeys(cfg, b, a, ctx));
    out.push(...pinned(cfg, b, a, ctx));
    if (b && ctx.sibling) out.push(...divergence(cfg, b, a, ctx));
    return dedupe(out);
  },
};

function bump(s: Severity, production: boolean): Severity {
  if (!production) return s;
  return SEVERITIES[Math.min(SEVERITIES.indexOf(s) + 1, SEVERITIES.length - 1)];
}

const PROD = ' in a production file';

/** How a key reads in a message: its path, and the name a `{name, value}` item or `KEY=v` gives it. */
export function displayKey(e: Entry): string {
  const path = formatPath(e.path) || '(document)';
  const name = e.names[e.names.length - 1];
  const lastKey = [...e.path].reverse().find((p) => typeof p === 'string');
  return name !== undefined && name !== lastKey ? `${path} (${name})` : path;
}

function safetyFinding(hit: SafetyHit, a: FlatDoc, b: FlatDoc | undefined, ctx: DetectorContext): Finding {
  const { entry } = hit;
  const key = displayKey(hit.key);
  const prod = ctx.isProductionFile ? PROD : '';
  let message: string;
  let content: string;
  if (hit.removed) {
    message = `${entry.description}: \`${key}\` (was ${showValue(hit.before)}) was removed${prod}.`;
    content = `${key} removed`;
  } else if (hit.param) {
    const was = hit.before ? `${hit.param}=${valueText(hit.before)}` : `no ${hit.param}`;
    message = `${entry.description} in the connection string at \`${key}\`: ${was} -> ${hit.param}=${valueText(hit.after)}${prod}.`;
    content = `${key} ${hit.param}=${valueText(hit.after)}`;
  } else {
    const delta = hit.before?.kind === 'scalar' && hit.after?.kind === 'scalar' && hit.before.num !== undefined && hit.after.num !== undefined && entry.unsafe.some((c) => 'lowered' in c) ? ` (${hit.after.num - hit.before.num})` : '';
    message = `${entry.description} at \`${key}\`: ${hit.before ? showValue(hit.before) : '(not set)'} -> ${showValue(hit.after)}${delta}${prod}.`;
    content = `${key} = ${valueText(hit.after)}`;
  }
  return makeFinding({
    ruleId: entry.rule,
    category: 'drift',
    severity: bump(entry.severity, ctx.isProductionFile),
    message,
    doc: a.doc,
    range: hit.removed ? anchorRange(hit.at, a.doc) : hit.at.range,
    content,
    beforeDoc: b?.doc,
    beforeNode: hit.beforeEntry?.node,
    keyPath: hit.key.path,
    details: `Catalogue entry ${entry.id}; switch it off with drift.safety.off in the rules file if this setting is intended.`,
  });
}

/** Where to point for something that is gone: the key of the nearest entry still there, first line only. */
function anchorRange(e: Entry, doc: Doc): SourceRange {
  if (e.keyRange) return e.keyRange;
  const r = e.range;
  const nl = doc.text.indexOf('\n', r.startOffset);
  const end = nl < 0 || nl > r.endOffset ? r.endOffset : nl;
  const line = doc.text.slice(r.startOffset, end).replace(/\r$/, '');
  return { ...r, endOffset: r.startOffset + line.length, endLine: r.startLine, endColumn: r.startColumn + line.length };
}

/** The nearest ancestor of a removed before-entry that exists in after. */
function survivor(before: Entry, after: FlatDoc): Entry | undefined {
  for (let p = before.parent; p; p = p.parent) {
    const e = after.entries.get(p.id);
    if (e) return e;
  }
  return undefined;
}

function fallbackAnchor(after: FlatDoc): Entry | undefined {
  return after.entries.values().next().value;
}

function unresolvedNote(...vals: Array<Value | undefined>): string {
  return vals.some(isOpaque) ? ' (compared as text; the value is unresolved)' : '';
}

/** Leaves that changed between before and after (all of after's when there is no before). */
function changedLeaves(b: FlatDoc | undefined, a: FlatDoc): Array<{ id: string; a?: Entry; b?: Entry; av?: Value; bv?: Value }> {
  const out: Array<{ id: string; a?: Entry; b?: Entry; av?: Value; bv?: Value }> = [];
  for (const [id, e] of a.entries) {
    if (!e.leaf) continue;
    const be = b?.entries.get(id);
    const av = entryValue(e);
    const bv = be && be.leaf ? entryValue(be) : undefined;
    if (bv && valueKey(bv) === valueKey(av)) continue;
    out.push({ id, a: e, b: be, av, bv });
  }
  if (b) {
    for (const [id, e] of b.entries) {
      if (!e.leaf || a.entries.has(id)) continue;
      out.push({ id, b: e, bv: entryValue(e) });
    }
  }
  return out;
}

function protectedKeys(cfg: DriftConfig, b: FlatDoc | undefined, a: FlatDoc, ctx: DetectorContext): Finding[] {
  const path = a.doc.path;
  const rules = cfg.protect.filter((p) => p.files.some((m) => m.match(path)));
  if (!rules.length) return [];
  const out: Finding[] = [];
  for (const c of changedLeaves(b, a)) {
    const entry = (c.a ?? c.b)!;
    for (const rule of rules) {
      const k = rule.keys.find((x) => matchKeyPath(x.pattern, entry.path));
      if (!k) continue;
      const key = displayKey(entry);
      const prod = ctx.isProductionFile ? PROD : '';
      const what = !c.a ? 'removed' : !c.bv ? 'added' : 'changed';
      const anchor = c.a ?? (c.b && survivor(c.b, a)) ?? fallbackAnchor(a);
      if (!anchor) continue;
      out.push(
        makeFinding({
          ruleId: 'drift/protected-key',
          category: 'drift',
          severity: rule.severity ?? bump('medium', ctx.isProductionFile),
          message: `Protected key \`${key}\` ${what}: ${showValue(c.bv)} -> ${showValue(c.av)}${unresolvedNote(c.av, c.bv)}${prod} (protected by \`${k.text}\`).`,
          doc: a.doc,
          range: c.a ? c.a.range : anchorRange(anchor, a.doc),
          content: `${key} = ${c.av ? valueText(c.av) : '<removed>'}`,
          beforeDoc: b?.doc,
          beforeNode: c.b?.node,
          keyPath: entry.path,
        }),
      );
      break;
    }
  }
  return out;
}

function pinValue(pin: CompiledPin): Value {
  if (pin.value === null) return { kind: 'scalar', text: 'null', isNull: true };
  if (typeof pin.value === 'boolean') return { kind: 'scalar', text: String(pin.value), bool: pin.value };
  if (typeof pin.value === 'number') return { kind: 'scalar', text: String(pin.value), num: pin.value };
  return scalarValue(pin.value);
}

/** Whether a value satisfies a pin: booleans by meaning, numbers by value, strings exactly. */
function meetsPin(pin: CompiledPin, v: Value | undefined): boolean {
  if (!v || v.kind !== 'scalar') return false;
  if (pin.value === null) return !!v.isNull;
  if (typeof pin.value === 'boolean') return v.bool === pin.value;
  if (typeof pin.value === 'number') return v.num === pin.value;
  return v.text === pin.value;
}

function pinned(cfg: DriftConfig, b: FlatDoc | undefined, a: FlatDoc, ctx: DetectorContext): Finding[] {
  const path = a.doc.path;
  const pins = cfg.pins.filter((p) => p.files.some((m) => m.match(path)));
  if (!pins.length) return [];
  const out: Finding[] = [];
  const prod = ctx.isProductionFile ? PROD : '';
  const candidates = ctx.mode === 'scan' || !b ? [...a.entries].filter(([, e]) => e.leaf).map(([id, e]) => ({ id, a: e as Entry | undefined, b: undefined as Entry | undefined, av: entryValue(e) as Value | undefined, bv: undefined as Value | undefined })) : changedLeaves(b, a);
  for (const c of candidates) {
    const entry = (c.a ?? c.b)!;
    const pin = pins.find((p) => matchKeyPath(p.pattern, entry.path));
    if (!pin || meetsPin(pin, c.av)) continue;
    const key = displayKey(entry);
    const anchor = c.a ?? (c.b && survivor(c.b, a)) ?? fallbackAnchor(a);
    if (!anchor) continue;
    const change = c.b ? `${showValue(c.bv)} -> ${showValue(c.av)}` : `set to ${showValue(c.av)}`;
    out.push(
      makeFinding({
        ruleId: 'drift/pinned-value',
        category: 'drift',
        severity: bump('high', ctx.isProductionFile),
        message: `Pinned key \`${key}\` moved away from its required value ${showValue(pinValue(pin))}: ${change}${unresolvedNote(c.av, c.bv)}${prod}.`,
        doc: a.doc,
        range: c.a ? c.a.range : anchorRange(anchor, a.doc),
        content: `${key} = ${c.av ? valueText(c.av) : '<removed>'}`,
        beforeDoc: b?.doc,
        beforeNode: c.b?.node,
        keyPath: entry.path,
        details: `Pinned by drift.pins (files ${pin.glob}, key ${pin.key}).`,
      }),
    );
  }
  return out;
}

function divergence(cfg: DriftConfig, b: FlatDoc, a: FlatDoc, ctx: DetectorContext): Finding[] {
  const path = a.doc.path;
  const g = groupOf(path, cfg.environments);
  if (!g && !ctx.isProductionFile) return [];
  const siblings: SiblingPair[] = [];
  for (const p of ctx.siblingPaths ?? []) {
    const docs = ctx.sibling?.(p);
    if (docs?.after) siblings.push({ path: p, before: docs.before, after: docs.after });
  }
  if (!siblings.length) return [];
  const keys = g ? g.group.keys.map((k) => k.pattern) : [['**']];
  const out: Finding[] = [];
  for (const d of divergences(b, a, siblings, keys)) {
    const entry = (d.entry ?? d.beforeEntry)!;
    const anchor = d.entry ?? (d.beforeEntry && survivor(d.beforeEntry, a)) ?? fallbackAnchor(a);
    if (!anchor) continue;
    const key = displayKey(entry);
    const others = d.siblings.map((s) => `${s.path} ${s.value ? 'keeps ' + showValue(s.value) : 'does not set it'}`).join(', ');
    const declared = g ? `environment group \`${g.group.files}\`` : 'sibling environment files';
    const severity = g ? (g.group.severity ?? bump('medium', ctx.isProductionFile)) : 'low';
    out.push(
      makeFinding({
        ruleId: 'drift/environment-divergence',
        category: 'drift',
        severity,
        message: `\`${key}\` changed ${showValue(d.before)} -> ${showValue(d.after)}${unresolvedNote(d.before, d.after)} in ${path} but not in ${d.siblings.length} of its ${declared} (${others}), which matched it before.`,
        doc: a.doc,
        range: d.entry ? d.entry.range : anchorRange(anchor, a.doc),
        content: `${key} = ${d.after ? valueText(d.after) : '<removed>'}`,
        beforeDoc: b.doc,
        beforeNode: d.beforeEntry?.node,
        keyPath: entry.path,
      }),
    );
  }
  return out;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.fingerprint}:${f.range.startLine}:${f.range.startColumn}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
