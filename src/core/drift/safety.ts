// Safety settings weakened: each key of the after document checked against the catalogue and
// compared with the same key before; removals of keys whose default is unsafe; connection strings.
import { minimatch } from 'minimatch';
import type { LanguageId } from '../model';
import type { CatalogueEntry, Condition } from './catalogue';
import { ancestors, type Entry, type FlatDoc } from './flatten';
import { nameCandidates, negated, normalizeName, words } from './keys';
import { entryValue, scalarValue, valueKey, type Value } from './values';

export interface SafetyHit {
  entry: CatalogueEntry;
  /** The after entry flagged; for a removal, the nearest entry that is still there. */
  at: Entry;
  /** The key the hit is about (for a removal, the before entry). */
  key: Entry;
  before?: Value;
  after?: Value;
  beforeEntry?: Entry;
  removed?: boolean;
  /** The connection-string parameter, when the hit is inside a string value. */
  param?: string;
}

export interface SafetyScope {
  language: LanguageId;
  production: boolean;
  path: string;
}

interface Index {
  byName: Map<string, CatalogueEntry[]>;
  /** Broad names (`verify`), matched only near their entry's context words. */
  byBroadName: Map<string, CatalogueEntry[]>;
  byParam: Map<string, CatalogueEntry[]>;
  /** Every suffix of every name: a key whose last word is not among them cannot match. */
  suffixes: Set<string>;
}

const indexes = new WeakMap<readonly CatalogueEntry[], Index>();

function indexOf(catalogue: readonly CatalogueEntry[]): Index {
  let idx = indexes.get(catalogue);
  if (idx) return idx;
  idx = { byName: new Map(), byBroadName: new Map(), byParam: new Map(), suffixes: new Set() };
  for (const e of catalogue) {
    for (const [keys, map] of [[e.keys, idx.byName], [e.broadKeys, idx.byBroadName]] as const) {
      for (const k of keys ?? []) {
        const name = normalizeName(k);
        push(map, name, e);
        for (let i = 0; i < name.length; i++) idx.suffixes.add(name.slice(i));
      }
    }
    for (const p of e.params ?? []) push(idx.byParam, normalizeName(p), e);
  }
  indexes.set(catalogue, idx);
  return idx;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/**
 * Catalogue entries for a key path: the longest trailing name that is in the catalogue and not
 * negated by the word before it (`skip_verify` is not `verify`).
 */
export function entriesFor(names: readonly string[], catalogue: readonly CatalogueEntry[], scope: SafetyScope, callees: readonly string[] = []): CatalogueEntry[] {
  if (!names.length) return [];
  // The editor asks about the same keys on every edit; the answers depend on these inputs alone.
  // Most keys end in a word no catalogue entry names: that is settled per last name first.
  let memo = entriesMemo.get(catalogue);
  if (!memo || memo.answers.size + memo.lastNames.size > MAX_MEMO) entriesMemo.set(catalogue, (memo = { answers: new Map(), lastNames: new Map() }));
  const lastName = names[names.length - 1];
  let named = memo.lastNames.get(lastName);
  if (named === undefined) {
    const last = words(lastName);
    named = last.length > 0 && indexOf(catalogue).suffixes.has(last[last.length - 1]);
    memo.lastNames.set(lastName, named);
  }
  if (!named) return [];
  const key = `${scope.language}\0${scope.production}\0${scope.path}\0${names.join('\u0001')}\0${callees.join('\u0001')}`;
  let found = memo.answers.get(key);
  if (!found) memo.answers.set(key, (found = lookupEntries(names, catalogue, scope, callees)));
  return found;
}

const entriesMemo = new WeakMap<readonly CatalogueEntry[], { answers: Map<string, CatalogueEntry[]>; lastNames: Map<string, boolean> }>();
const MAX_MEMO = 50_000;

function lookupEntries(names: readonly string[], catalogue: readonly CatalogueEntry[], scope: SafetyScope, callees: readonly string[]): CatalogueEntry[] {
  const idx = indexOf(catalogue);
  const last = words(names[names.length - 1]);
  if (!last.length || !idx.suffixes.has(last[last.length - 1])) return [];
  const candidates = nameCandidates(names);
  for (let i = candidates.length - 1; i >= 0; i--) {
    const c = candidates[i];
    const broad = (idx.byBroadName.get(c.name) ?? []).filter((e) => near(e, c.prefix, callees));
    const found = [...(idx.byName.get(c.name) ?? []), ...broad];
    if (!found.length) continue;
    if (negated(c.prefix)) continue;
    const applicable = found.filter((e) => applies(e, scope, c.prefix));
    if (applicable.length) return applicable;
  }
  return [];
}

/** Whether a broad name is in its context: a `near` word before it or in an enclosing callee. */
function near(e: CatalogueEntry, prefix: readonly string[], callees: readonly string[]): boolean {
  if (!prefix.length) return true;
  const around = new Set([...prefix, ...callees.flatMap(words)]);
  return (e.near ?? []).some((w) => around.has(normalizeName(w)));
}

function applies(e: CatalogueEntry, scope: SafetyScope, prefix: readonly string[]): boolean {
  const w = e.when;
  if (!w) return true;
  if (w.production && !scope.production) return false;
  if (w.languages && !w.languages.includes(scope.language)) return false;
  if (w.under && !w.under.some((u) => prefix.includes(normalizeName(u)))) return false;

  if (w.files && !w.files.some((g) => minimatch(scope.path, g, { dot: true }))) return false;
  return true;
}

/** Whether `v` is in the unsafe state the conditions describe (`lowered` compares with `before`). */
export function isUnsafe(conditions: readonly Condition[], v: Value | undefined, before?: Value): boolean {
  if (!v || v.kind === 'opaque' || v.kind === 'object' || (v.kind === 'scalar' && v.unresolved)) return false;
  return conditions.some((c) => holds(c, v, before));
}

function holds(c: Condition, v: Value, before: Value | undefined): boolean {
  if ('is' in c) return v.kind === 'scalar' && v.bool === (c.is === 'true');
  if ('equals' in c) {
    if (v.kind !== 'scalar') return false;
    return c.equals.some((x) => (typeof x === 'number' ? v.num === x : x.toLowerCase() === v.text.toLowerCase()));
  }
  if ('includes' in c) {
    const parts = scalarTexts(v).flatMap((t) => t.split(/[\s,]+/)).map((t) => t.toLowerCase());
    return c.includes.some((x) => parts.includes(x.toLowerCase()));
  }
  if (v.kind !== 'scalar' || v.num === undefined) return false;
  const b = before?.kind === 'scalar' ? before.num : undefined;
  if (b === undefined) return !c.requireBefore && v.num <= (c.max ?? 0);
  return v.num < b && v.num <= (c.max ?? Infinity);
}

function scalarTexts(v: Value): string[] {
  if (v.kind === 'scalar') return [v.text];
  if (v.kind === 'list') return v.items.flatMap(scalarTexts);
  return [];
}

/** A weakening: unsafe now and not unsafe before (a lowered number is compared with its before). */
function weakened(e: CatalogueEntry, before: Value | undefined, after: Value | undefined): boolean {
  if (before && after && valueKey(before) === valueKey(after)) return false;
  if (!isUnsafe(e.unsafe, after, before)) return false;
  const comparative = e.unsafe.every((c) => 'lowered' in c);
  return comparative || !isUnsafe(e.unsafe, before);
}

export function safetyHits(before: FlatDoc | undefined, after: FlatDoc, catalogue: readonly CatalogueEntry[], scope: SafetyScope): SafetyHit[] {
  const hits: SafetyHit[] = [];
  const idx = indexOf(catalogue);
  for (const a of after.entries.values()) {
    if (!a.leaf) continue;
    const b = before?.entries.get(a.id);
    const av = entryValue(a);
    const bv = b && b.leaf ? entryValue(b) : undefined;
    for (const e of a.operand ? [] : entriesFor(a.names, catalogue, scope, a.callees)) {
      if (weakened(e, bv, av)) hits.push({ entry: e, at: a, key: a, before: bv, after: av, beforeEntry: b });
    }
    if (idx.byParam.size && av.kind === 'scalar' && av.text.includes('=')) {
      const aParams = connectionParams(av.text);
      if (!aParams.size) continue;
      const bParams = bv?.kind === 'scalar' ? connectionParams(bv.text) : new Map<string, { name: string; value: string }>();
      for (const [norm, p] of aParams) {
        for (const e of idx.byParam.get(norm) ?? []) {
          if (!applies(e, scope, [])) continue;
          const pb = bParams.get(norm);
          const pv = scalarValue(p.value);
          const pbv = pb ? scalarValue(pb.value) : undefined;
          if (weakened(e, pbv, pv)) hits.push({ entry: e, at: a, key: a, before: pbv, after: pv, beforeEntry: b, param: p.name });
        }
      }
    }
  }
  if (before) hits.push(...removals(before, after, catalogue, scope));
  return hits;
}

/**
 * The before keys whose removal the catalogue judges, in order: computed once per before
 * document (the editor compares every edit with the same flattened baseline).
 */
function removable(before: FlatDoc, catalogue: readonly CatalogueEntry[], scope: SafetyScope): Array<{ b: Entry; entries: CatalogueEntry[] }> {
  let byCatalogue = removableMemo.get(before);
  if (!byCatalogue) removableMemo.set(before, (byCatalogue = new WeakMap()));
  let byScope = byCatalogue.get(catalogue);
  if (!byScope) byCatalogue.set(catalogue, (byScope = new Map()));
  const key = `${scope.language}\0${scope.production}\0${scope.path}`;
  let list = byScope.get(key);
  if (list) return list;
  list = [];
  for (const b of before.entries.values()) {
    if (!b.parent || b.operand) continue;
    const entries = entriesFor(b.names, catalogue, scope, b.callees).filter((e) => e.removed);
    if (entries.length) list.push({ b, entries });
  }
  byScope.set(key, list);
  return list;
}

const removableMemo = new WeakMap<FlatDoc, WeakMap<readonly CatalogueEntry[], Map<string, Array<{ b: Entry; entries: CatalogueEntry[] }>>>>();

/**
 * Keys removed while the object holding them stays (its parent, or grandparent below the root),
 * for catalogue entries whose default is unsafe. A removed resource or document is not drift
 * of its settings; a removed descendant of something already reported is not reported again.
 */
function removals(before: FlatDoc, after: FlatDoc, catalogue: readonly CatalogueEntry[], scope: SafetyScope): SafetyHit[] {
  const hits: SafetyHit[] = [];
  const reported = new Set<Entry>();
  for (const { b, entries } of removable(before, catalogue, scope)) {
    if (after.entries.has(b.id)) continue;
    if (ancestors(b).some((x) => reported.has(x))) continue;
    const parent = b.parent!;
    const grand = parent.parent;
    const survivor = after.entries.get(parent.id) ?? (grand && grand.parent ? after.entries.get(grand.id) : undefined);
    if (!survivor) continue;
    const bv = b.leaf ? entryValue(b) : undefined;
    for (const e of entries) {
      if (bv && isUnsafe(e.unsafe, bv)) continue;
      hits.push({ entry: e, at: survivor, key: b, before: bv ?? { kind: 'object' }, beforeEntry: b, removed: true });
      reported.add(b);
    }
  }
  return hits;
}

/**
 * `key=value` parameters of a connection string or URL: `postgres://h/db?sslmode=disable`,
 * `host=h sslmode=disable`, `Server=h;Encrypt=false`. Names are normalised.
 */
export function connectionParams(text: string): Map<string, { name: string; value: string }> {
  const out = new Map<string, { name: string; value: string }>();
  const re = /(?:^|[?&;\s])([A-Za-z_][\w.-]*)\s*=\s*("[^"]*"|'[^']*'|[^&;\s]*)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const name = m[1];
    out.set(normalizeName(name), { name, value: m[2].replace(/^["']|["']$/g, '') });
  }
  return out;
}
