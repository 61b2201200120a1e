// Environment divergence: which files are the same configuration for another environment, and
// which changed keys leave an environment differing where it was aligned before.
import type { Doc } from '../model';
import type { CompiledGroup } from './config';
import { flatten, type Entry, type FlatDoc } from './flatten';
import { escapeRe, matchKeyPath, type KeyPattern } from './keys';
import { entryValue, valueKey, type Value } from './values';

/** A sibling file's two versions, as the caller provides them. */
export interface SiblingPair {
  path: string;
  before?: Doc;
  after?: Doc;
}

const MAX_SIBLINGS = 20;

/** The declared group `path` belongs to and its environment name. */
export function groupOf(path: string, groups: readonly CompiledGroup[]): { group: CompiledGroup; env: string } | undefined {
  for (const group of groups) {
    const m = group.regex.exec(path);
    if (m) return { group, env: m[1] };
  }
  return undefined;
}

/** Other files of the same declared group: same pattern, another environment. */
export function declaredSiblings(path: string, group: CompiledGroup, paths: readonly string[]): string[] {
  const out: string[] = [];
  const self = withoutEnv(path, group.regex);
  if (!self) return out;
  for (const p of paths) {
    if (p === path) continue;
    const other = withoutEnv(p, group.regex);
    // Only the environment part may differ: `config/{env}/*.yaml` pairs app.yaml with app.yaml.
    if (other && other.env !== self.env && other.rest === self.rest) out.push(p);
    if (out.length >= MAX_SIBLINGS) break;
  }
  return out;
}

function withoutEnv(path: string, regex: RegExp): { env: string; rest: string } | undefined {
  const m = regex.exec(path);
  const at = m?.indices?.[1];
  if (!m || !at) return undefined;
  return { env: m[1], rest: path.slice(0, at[0]) + '\u0000' + path.slice(at[1]) };
}

const PROD_TOKEN = /(^|[/._-])(prod|production|prd)(?=[/._-]|$)/gi;
const NON_PROD_WORD = /^(dev|develop|development|test|testing|qa|uat|stage|staging|stg|sandbox|preprod|pre-prod|preview|int|integration|local|demo|nonprod|non-prod)$/i;

/**
 * Without a declaration: the files whose path differs from this production file only where it
 * says `prod` (`envs/prod/x.tfvars` -> `envs/staging/x.tfvars`, `values-prod.yaml` ->
 * `values-dev.yaml`), and where it says a recognisable non-production environment instead.
 */
export function productionSiblings(path: string, paths: readonly string[]): string[] {
  const out = new Set<string>();
  for (const m of path.matchAll(PROD_TOKEN)) {
    const start = (m.index ?? 0) + m[1].length;
    const end = start + m[2].length;
    const re = new RegExp('^' + escapeRe(path.slice(0, start)) + '([A-Za-z0-9-]+?)' + escapeRe(path.slice(end)) + '$');
    for (const p of paths) {
      if (p === path) continue;
      const pm = re.exec(p);
      if (pm && NON_PROD_WORD.test(pm[1])) out.add(p);
      if (out.size >= MAX_SIBLINGS) break;
    }
  }
  return [...out].sort();
}

export interface Divergence {
  /** The entry in the changed file's after version (or nearest for a removal). */
  entry?: Entry;
  beforeEntry?: Entry;
  keyId: string;
  before?: Value;
  after?: Value;
  /** Siblings that were aligned and now differ, with the value they keep. */
  siblings: Array<{ path: string; value?: Value }>;
}

/**
 * Leaves whose value changed here, that every listed sibling had equal before and that at least
 * one sibling now does not match. Keys are restricted to `keys` patterns.
 */
export function divergences(before: FlatDoc, after: FlatDoc, siblings: readonly SiblingPair[], keys: readonly KeyPattern[]): Divergence[] {
  const out: Divergence[] = [];
  const flats = siblings
    .filter((s) => s.after)
    .map((s) => ({ path: s.path, before: flatten((s.before ?? s.after)!), after: flatten(s.after!) }));
  if (!flats.length) return out;
  const ids = new Set<string>();
  for (const [id, e] of after.entries) if (e.leaf) ids.add(id);
  for (const [id, e] of before.entries) if (e.leaf) ids.add(id);
  for (const id of ids) {
    const a = after.entries.get(id);
    const b = before.entries.get(id);
    const path = (a ?? b)!.path;
    if (!keys.some((k) => matchKeyPath(k, path))) continue;
    const av = a ? entryValue(a) : undefined;
    const bv = b ? entryValue(b) : undefined;
    if (key(av) === key(bv)) continue;
    // A key absent everywhere before and added here only is a divergence only if its parent existed.
    const diverged: Array<{ path: string; value?: Value }> = [];
    for (const s of flats) {
      const sb = s.before.entries.get(id);
      const sa = s.after.entries.get(id);
      const sbv = sb ? entryValue(sb) : undefined;
      const sav = sa ? entryValue(sa) : undefined;
      if (key(sbv) !== key(bv)) continue;
      if (!b && !sb && !(a?.parent && s.before.entries.has(a.parent.id))) continue;
      if (key(sav) !== key(av)) diverged.push({ path: s.path, value: sav });
    }
    if (diverged.length) out.push({ entry: a, beforeEntry: b, keyId: id, before: bv, after: av, siblings: diverged });
  }
  return out;
}

function key(v: Value | undefined): string {
  return v ? valueKey(v) : '<absent>';
}
