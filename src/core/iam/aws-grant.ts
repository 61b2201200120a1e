// Effective grants: a statement's action patterns expanded against the action catalogue, its
// resources, principals and conditions normalised, and the question every widening check asks:
// does one statement's grant cover another's?
import { expandActionPattern, iamGlob, loadActionCatalog, type ActionCatalog } from './aws-actions';
import type { AwsStatement, PolicyValue } from './aws-policy';

export interface Grant {
  stmt: AwsStatement;
  /**
   * Lower-cased action keys granted (NotAction: every catalogued action not excluded). For a plain
   * `Action: "*"` this is the catalogue's shared `allKeySet`: never mutate it.
   */
  actions: ReadonlySet<string>;
  /** `Action: "*"` (every service) or an Allow over NotAction. */
  allActions: boolean;
  opaqueActions: PolicyValue[];
  /** Literal resource patterns; `NOT(a,b)` for NotResource; `(implicit)` when none is written. */
  resources: string[];
  opaqueResources: PolicyValue[];
  /**
   * `resources` plus each opaque resource as `{source text}`, for coverage: `!GetAtt Queue.Arn`
   * before and after is the same resource even though its value is unknown.
   */
  resourceKeys: string[];
  /** `AWS:*`, `Service:x`, ...; empty for identity policies. */
  principals: string[];
  opaquePrincipals: PolicyValue[];
  conditions: Set<string>;
}

function literal(vals: PolicyValue[] | undefined): string[] {
  return (vals ?? []).filter((v) => !v.opaque).map((v) => v.text.trim());
}

function opaque(vals: PolicyValue[] | undefined): PolicyValue[] {
  return (vals ?? []).filter((v) => v.opaque);
}

export function grantOf(stmt: AwsStatement, cat: ActionCatalog = loadActionCatalog()): Grant {
  const actions = new Set<string>();
  let allActions = false;
  const lit = literal(stmt.actions);
  if (!stmt.notActions && lit.some((p) => p === '*' || p === '*:*')) {
    return { ...grantRest(stmt), actions: cat.allKeySet, allActions: true };
  }
  if (stmt.notActions) {
    const excluded = new Set(literal(stmt.notActions).flatMap((p) => expandActionPattern(p, cat)));
    for (const k of cat.allKeys) if (!excluded.has(k)) actions.add(k);
    allActions = true;
  }
  for (const p of literal(stmt.actions)) {
    if (p === '*' || p === '*:*') allActions = true;
    for (const k of expandActionPattern(p, cat)) actions.add(k);
  }
  return { ...grantRest(stmt), actions, allActions };
}

function grantRest(stmt: AwsStatement): Omit<Grant, 'actions' | 'allActions'> {
  let resources: string[];
  if (stmt.notResources) resources = [`NOT(${literal(stmt.notResources).sort().join(',')})`];
  else if (stmt.resources) resources = literal(stmt.resources);
  else resources = ['(implicit)'];
  const opaqueResources = [...opaque(stmt.resources), ...opaque(stmt.notResources)];
  return {
    stmt,
    opaqueActions: [...opaque(stmt.actions), ...opaque(stmt.notActions)],
    resources,
    opaqueResources,
    resourceKeys: stmt.notResources ? resources : [...resources, ...opaqueResources.map((v) => `{${v.text}}`)],
    principals: stmt.notPrincipals ? [`NOT(${literal(stmt.notPrincipals).sort().join(',')})`] : literal(stmt.principals).map(normalizePrincipal),
    opaquePrincipals: [...opaque(stmt.principals), ...opaque(stmt.notPrincipals)],
    conditions: new Set(stmt.conditions.map((c) => c.text)),
  };
}

/** `AWS:123456789012` and `AWS:arn:aws:iam::123456789012:root` are the same principal. */
export function normalizePrincipal(p: string): string {
  const m = /^AWS:(\d{12})$/.exec(p);
  return m ? `AWS:arn:aws:iam::${m[1]}:root` : p;
}

/** Every resource, in any service: `*`, `arn:aws:*:*:*:*`, or an Allow over NotResource. */
export function isAllResources(r: string): boolean {
  if (r === '*' || r.startsWith('NOT(')) return true;
  return /^arn:(\*|aws[\w-]*):\*(:\**)*$/.test(r) || r === 'arn:*';
}

export function resourceBreadth(r: string): 0 | 1 | 2 {
  if (isAllResources(r)) return 2;
  return /[*?]/.test(r) ? 1 : 0;
}

/** Whether pattern `outer` matches everything `inner` matches (IAM wildcards, conservatively). */
export function patternCovers(outer: string, inner: string): boolean {
  if (outer === inner) return true;
  if (outer === '*') return true;
  if (inner.startsWith('NOT(') || outer.startsWith('NOT(')) return false;
  return iamGlob(outer).test(inner);
}

export function principalsCovered(inner: string[], outer: string[]): boolean {
  if (!inner.length && !outer.length) return true;
  if (!outer.length) return false;
  return inner.every((p) => outer.some((o) => o === p || o === 'AWS:*' || (o.split(':')[0] === p.split(':')[0] && patternCovers(o.slice(o.indexOf(':') + 1), p.slice(p.indexOf(':') + 1)))));
}

/** `outer`'s conditions constrain no more than `inner`'s: each of them is also on `inner`. */
export function conditionsCovered(innerConds: Set<string>, outerConds: Set<string>): boolean {
  for (const c of outerConds) if (!innerConds.has(c)) return false;
  return true;
}

export interface CoverageOptions {
  ignoreConditions?: boolean;
  ignorePrincipals?: boolean;
  ignoreResource?: boolean;
}

/** Actions of `resource` in grant `g` that no grant in `by` covers. */
export function uncoveredActions(g: Grant, resource: string, actions: Iterable<string>, by: Grant[], opts: CoverageOptions = {}): Set<string> {
  const left = new Set(actions);
  for (const t of by) {
    if (!left.size) break;
    if (!opts.ignoreResource && !t.resourceKeys.some((tr) => patternCovers(tr, resource))) continue;
    if (!opts.ignorePrincipals && !principalsCovered(g.principals, t.principals)) continue;
    if (!opts.ignoreConditions && !conditionsCovered(g.conditions, t.conditions)) continue;
    for (const a of left) if (t.actions.has(a)) left.delete(a);
  }
  return left;
}
