// Kubernetes RBAC widening (iam/k8s-*): Role/ClusterRole rules and (Cluster)RoleBindings found
// anywhere in a document (multi-document manifests, `List` items, objects embedded in Helm values
// or other files), plus literal rule lists in Helm values. Objects are matched between before and
// after by kind + namespace + name; only permissions and subjects that after adds are reported.
import type { Finding, Severity } from '../findings';
import { makeFinding } from '../findings';
import type { Doc, Node } from '../model';
import { formatPath, get, resolve, scalarText, walkDoc } from '../model';
import type { Detector, RuleMeta } from './detector';

const RULES: readonly RuleMeta[] = [
  { id: 'iam/k8s-wildcard-rule', category: 'iam', defaultSeverity: 'critical', title: 'RBAC rule grants a wildcard' },
  { id: 'iam/k8s-escalation-verb', category: 'iam', defaultSeverity: 'critical', title: 'RBAC rule grants escalate, bind or impersonate' },
  { id: 'iam/k8s-exec-access', category: 'iam', defaultSeverity: 'high', title: 'RBAC rule grants exec, attach or node proxy' },
  { id: 'iam/k8s-secrets-read', category: 'iam', defaultSeverity: 'high', title: 'RBAC rule grants read of every secret' },
  { id: 'iam/k8s-webhook-write', category: 'iam', defaultSeverity: 'high', title: 'RBAC rule grants write to admission webhooks' },
  { id: 'iam/k8s-csr-approval', category: 'iam', defaultSeverity: 'high', title: 'RBAC rule grants certificate signing request approval' },
  { id: 'iam/k8s-privileged-binding', category: 'iam', defaultSeverity: 'critical', title: 'Binding grants cluster-admin, admin or edit cluster-wide, or cluster-admin in a namespace' },
  { id: 'iam/k8s-public-subject', category: 'iam', defaultSeverity: 'critical', title: 'Binding grants to anonymous, all authenticated users or system:masters' },
  { id: 'iam/k8s-aggregated-role', category: 'iam', defaultSeverity: 'high', title: 'Aggregated ClusterRole pulls in more rules' },
];

const ROLE_KINDS = new Set(['Role', 'ClusterRole']);
const BINDING_KINDS = new Set(['RoleBinding', 'ClusterRoleBinding']);
const RBAC_API = /^rbac\.authorization\.k8s\.io\//;

interface RbacObject {
  /** kind/namespace/name, or `rules@<key path>` for a literal rule list in values. */
  id: string;
  label: string;
  kind: string;
  node: Node;
  clusterScoped: boolean;
  namespace?: string;
}

interface Rule {
  groups: string[];
  resources: string[];
  verbs: string[];
  names: string[];
  urls: string[];
  node: Node;
  index: number;
}

export const k8sRbacDetector: Detector = {
  family: 'k8s-rbac',
  rules: RULES,
  run(before, after) {
    const next = collect(after);
    if (!next.length) return [];
    const prev = new Map(before ? collect(before).map((o) => [o.id, o]) : []);
    const findings: Finding[] = [];
    for (const obj of next) {
      const old = prev.get(obj.id);
      if (obj.kind === 'Rules' || ROLE_KINDS.has(obj.kind)) {
        findings.push(...checkRules(obj, old, after));
        if (obj.kind === 'ClusterRole') findings.push(...checkAggregation(obj, old, after));
      } else {
        findings.push(...checkBinding(obj, old, after));
      }
    }
    return findings;
  },
};

function text(n: Node | undefined): string | undefined {
  return n ? scalarText(resolve(n)) : undefined;
}

function strings(n: Node | undefined): string[] {
  if (!n) return [];
  const r = resolve(n);
  const items = r.kind === 'array' ? r.items : [r];
  return items.map((i) => text(i) ?? (i.kind === 'opaque' ? i.text : undefined)).filter((s): s is string => s !== undefined);
}

function isRuleShaped(n: Node): boolean {
  const r = resolve(n);
  return r.kind === 'object' && !!get(r, 'verbs') && (!!get(r, 'resources') || !!get(r, 'nonResourceURLs'));
}

function collect(doc: Doc): RbacObject[] {
  const out: RbacObject[] = [];
  const seen = new Set<string>();
  walkDoc(doc, (node, parent) => {
    if (node.kind === 'object') {
      const kind = text(get(node, 'kind'));
      const api = text(get(node, 'apiVersion'));
      if (kind && api && RBAC_API.test(api) && (ROLE_KINDS.has(kind) || BINDING_KINDS.has(kind))) {
        const meta = get(node, 'metadata');
        const name = text(get(meta, 'name')) ?? '';
        const ns = text(get(meta, 'namespace')) ?? '';
        const id = `${kind}/${ns}/${name}`;
        if (!seen.has(id)) {
          seen.add(id);
          const clusterScoped = kind.startsWith('Cluster');
          out.push({ id, kind, node, clusterScoped, namespace: ns || undefined, label: `${kind} \`${ns && !clusterScoped ? `${ns}/` : ''}${name || '(unnamed)'}\`` });
        }
        return 'skip';
      }
    }
    if (node.kind === 'array' && node.items.length && node.items.every(isRuleShaped)) {
      const p = parent ? resolve(parent) : undefined;
      const parentKind = p && p.kind === 'object' ? text(get(p, 'kind')) : undefined;
      if (parentKind && ROLE_KINDS.has(parentKind)) return;
      const where = formatPath(node.path) || '(root)';
      const id = `rules@${where}`;
      if (seen.has(id)) return;
      seen.add(id);
      out.push({ id, kind: 'Rules', node, clusterScoped: node.path.some((s) => typeof s === 'string' && /cluster/i.test(s)), label: `RBAC rules at \`${where}\`` });
      return 'skip';
    }
    return undefined;
  });
  return out;
}

function rulesOf(obj: RbacObject): Rule[] {
  const list = obj.kind === 'Rules' ? resolve(obj.node) : get(obj.node, 'rules');
  if (!list || list.kind !== 'array') return [];
  return list.items.map((item, index) => {
    const r = resolve(item);
    const groups = strings(get(r, 'apiGroups'));
    return {
      groups: groups.length ? groups : [''],
      resources: strings(get(r, 'resources')),
      verbs: strings(get(r, 'verbs')).map((v) => v.toLowerCase()),
      names: strings(get(r, 'resourceNames')),
      urls: strings(get(r, 'nonResourceURLs')),
      node: item,
      index,
    };
  });
}

type Triple = [group: string, resource: string, verb: string];

function matchesResource(granted: string[], r: string): boolean {
  if (granted.includes('*') || granted.includes(r)) return true;
  const slash = r.indexOf('/');
  return slash > 0 && granted.includes(`${r.slice(0, slash)}/*`);
}

function covers(rules: Rule[], [g, r, v]: Triple, names: string[]): boolean {
  return rules.some(
    (b) =>
      (b.groups.includes('*') || b.groups.includes(g)) &&
      matchesResource(b.resources, r) &&
      (b.verbs.includes('*') || b.verbs.includes(v)) &&
      (b.names.length === 0 || (names.length > 0 && names.every((n) => b.names.includes(n)))),
  );
}

function coversUrl(rules: Rule[], url: string, v: string): boolean {
  return rules.some((b) => (b.verbs.includes('*') || b.verbs.includes(v)) && b.urls.some((u) => u === '*' || u === url || (u.endsWith('*') && url.startsWith(u.slice(0, -1)))));
}

function list(xs: string[]): string {
  return xs.map((x) => (x === '' ? '""' : x)).join(', ');
}

interface Hit {
  ruleId: string;
  severity: Severity;
  what: string;
  triples: string[];
}

const READ = new Set(['get', 'list', 'watch']);
const WRITE = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
const EXEC_RESOURCES = new Set(['pods/exec', 'pods/attach', 'nodes/proxy', 'pods/*', 'nodes/*']);
const WEBHOOKS = new Set(['mutatingwebhookconfigurations', 'validatingwebhookconfigurations']);

/** Which wildcard components of a new permission were not already wildcards before. */
function newWildcards(prev: Rule[], [g, r, v]: Triple): string[] {
  const group = (b: Rule) => b.groups.includes('*') || b.groups.includes(g);
  const dims: string[] = [];
  if (v === '*' && !prev.some((b) => b.verbs.includes('*') && matchesResource(b.resources, r) && group(b))) dims.push('verbs');
  if (r === '*' && !prev.some((b) => b.resources.includes('*') && (b.verbs.includes('*') || b.verbs.includes(v)) && group(b))) dims.push('resources');
  if (g === '*' && !prev.some((b) => b.groups.includes('*') && matchesResource(b.resources, r))) dims.push('apiGroups');
  return dims;
}

function classify(obj: RbacObject, rule: Rule, prev: Rule[], fresh: Triple[], freshUrls: string[]): Hit[] {
  const hits: Hit[] = [];
  const add = (ruleId: string, severity: Severity, what: string, ts: Triple[]) =>
    hits.push({ ruleId, severity, what, triples: ts.map((t) => t.join(':')).sort() });

  const dims = new Set<string>();
  const wild = fresh.filter((t) => {
    const d = newWildcards(prev, t);
    d.forEach((x) => dims.add(x));
    return d.length > 0;
  });
  const wildUrls = freshUrls.filter((u) => u === '*' || u.endsWith('*'));
  if (wildUrls.length) dims.add('nonResourceURLs');
  if (wild.length || wildUrls.length) {
    const allVerbs = rule.verbs.includes('*');
    const allRes = rule.resources.includes('*');
    const sev: Severity = (allVerbs && allRes) || (allVerbs && rule.resources.some((r) => r === 'secrets' || r.includes('/'))) ? 'critical' : 'high';
    const implied: string[] = [];
    if (allVerbs || allRes) implied.push('including escalate, bind and impersonate');
    if ((allRes || rule.resources.includes('secrets')) && (allVerbs || rule.verbs.some((v) => READ.has(v)))) implied.push('read of every secret');
    const what = rule.urls.length && !rule.resources.length
      ? `verbs [${list(rule.verbs)}] on nonResourceURLs [${list(rule.urls)}]`
      : `verbs [${list(rule.verbs)}] on resources [${list(rule.resources)}] in apiGroups [${list(rule.groups)}] (new wildcard in ${[...dims].join(' and ')})${implied.length ? `, ${implied.join(' and ')}` : ''}`;
    add('iam/k8s-wildcard-rule', sev, what, [...wild, ...wildUrls.map((u): Triple => ['url', u, rule.verbs.join('|')])]);
  }
  // Specific capabilities need a concrete verb and resource; a wildcard apiGroup still counts.
  const explicit = fresh.filter(([, r, v]) => r !== '*' && v !== '*');
  const esc = explicit.filter(([, , v]) => v === 'escalate' || v === 'bind' || v === 'impersonate');
  if (esc.length) {
    add('iam/k8s-escalation-verb', 'critical', `${[...new Set(esc.map((t) => t[2]))].join(', ')} on ${[...new Set(esc.map((t) => t[1]))].join(', ')}, which lets its holder grant itself any permission`, esc);
  }
  const exec = explicit.filter(([, r, v]) => EXEC_RESOURCES.has(r) && (v === 'create' || v === 'get'));
  if (exec.length) {
    add('iam/k8s-exec-access', 'high', `${[...new Set(exec.map((t) => `${t[2]} ${t[1]}`))].join(', ')}, which runs commands inside ${exec.some((t) => t[1].startsWith('nodes')) ? 'any pod through the kubelet' : 'running pods'}`, exec);
  }
  if (rule.names.length === 0) {
    // A namespaced Role reading every secret of its namespace still hands out that namespace's
    // service-account tokens and credentials: reported, one level lower.
    const secrets = explicit.filter(([g, r, v]) => (g === '' || g === '*') && r === 'secrets' && READ.has(v));
    const where = obj.clusterScoped ? 'in every namespace' : `in ${obj.namespace ? `namespace \`${obj.namespace}\`` : 'its namespace'}`;
    if (secrets.length) add('iam/k8s-secrets-read', obj.clusterScoped ? 'high' : 'medium', `${secrets.map((t) => t[2]).join(', ')} on every secret ${where}`, secrets);
  }
  const hooks = explicit.filter(([, r, v]) => WEBHOOKS.has(r) && WRITE.has(v));
  if (hooks.length) {
    add('iam/k8s-webhook-write', 'high', `${[...new Set(hooks.map((t) => t[2]))].join(', ')} on ${[...new Set(hooks.map((t) => t[1]))].join(', ')}, which can intercept or rewrite every API request`, hooks);
  }
  const csr = explicit.filter(([, r, v]) => (r === 'certificatesigningrequests/approval' && (v === 'update' || v === 'patch')) || (r === 'signers' && v === 'approve'));
  if (csr.length) add('iam/k8s-csr-approval', 'high', `${csr.map((t) => `${t[2]} ${t[1]}`).join(', ')}, which can issue client certificates for any identity`, csr);
  return hits;
}

function checkRules(obj: RbacObject, old: RbacObject | undefined, doc: Doc): Finding[] {
  const prev = old ? rulesOf(old) : [];
  const out: Finding[] = [];
  for (const rule of rulesOf(obj)) {
    const fresh: Triple[] = [];
    for (const g of rule.groups) {
      for (const r of rule.resources) for (const v of rule.verbs) if (!covers(prev, [g, r, v], rule.names)) fresh.push([g, r, v]);
    }
    const freshUrls = rule.urls.filter((u) => rule.verbs.some((v) => !coversUrl(prev, u, v)));
    if (!fresh.length && !freshUrls.length) continue;
    for (const hit of classify(obj, rule, prev, fresh, freshUrls)) {
      const since = old ? `; before, ${prev.length} rule${prev.length === 1 ? '' : 's'} granted none of this` : ' (new object)';
      out.push(
        makeFinding({
          ruleId: hit.ruleId,
          category: 'iam',
          severity: hit.severity,
          message: `${obj.label} rule ${rule.index + 1} now grants ${hit.what}${since}.`,
          doc,
          node: rule.node,
          content: `${obj.id}|${hit.triples.join(',')}${rule.names.length ? `|names=${[...rule.names].sort().join(',')}` : ''}`,
          details: `${hit.triples.length} new (apiGroup:resource:verb) permission${hit.triples.length === 1 ? '' : 's'}: ${hit.triples.slice(0, 20).join(' ')}${hit.triples.length > 20 ? ' ...' : ''}`,
        }),
      );
    }
  }
  return out;
}

// ---- Aggregation

const AGGREGATE_LABEL = /^rbac\.authorization\.k8s\.io\/aggregate-to-(.+)$/;

function selectorKey(sel: Node): string {
  const s = resolve(sel);
  const labels = get(s, 'matchLabels');
  const parts: string[] = [];
  if (labels && labels.kind === 'object') for (const e of labels.entries) parts.push(`${e.key}=${text(e.value) ?? '?'}`);
  const exprs = get(s, 'matchExpressions');
  if (exprs && exprs.kind === 'array') {
    for (const x of exprs.items) parts.push(`${text(get(x, 'key')) ?? '?'} ${text(get(x, 'operator')) ?? '?'} (${strings(get(x, 'values')).sort().join(',')})`);
  }
  return parts.sort().join(', ');
}

function selectors(obj: RbacObject | undefined): Array<{ key: string; node: Node }> {
  if (!obj) return [];
  const sels = get(get(obj.node, 'aggregationRule'), 'clusterRoleSelectors');
  if (!sels || sels.kind !== 'array') return [];
  return sels.items.map((n) => ({ key: selectorKey(n), node: n }));
}

function aggregateTargets(obj: RbacObject | undefined): Map<string, Node> {
  const out = new Map<string, Node>();
  const labels = obj ? get(get(obj.node, 'metadata'), 'labels') : undefined;
  if (!labels || labels.kind !== 'object') return out;
  for (const e of labels.entries) {
    const m = AGGREGATE_LABEL.exec(e.key);
    if (m && (text(e.value) ?? '').toLowerCase() === 'true') out.set(m[1], e.value);
  }
  return out;
}

function checkAggregation(obj: RbacObject, old: RbacObject | undefined, doc: Doc): Finding[] {
  const out: Finding[] = [];
  const before = new Set(selectors(old).map((s) => s.key));
  for (const s of selectors(obj)) {
    if (before.has(s.key)) continue;
    const everything = s.key === '';
    out.push(
      makeFinding({
        ruleId: 'iam/k8s-aggregated-role',
        category: 'iam',
        severity: everything ? 'critical' : 'high',
        message: everything
          ? `${obj.label} gained an empty aggregation selector, so it now aggregates the rules of every ClusterRole in the cluster, cluster-admin included.`
          : `${obj.label} now aggregates the rules of every ClusterRole labelled ${s.key}, so anyone able to label a ClusterRole widens it.`,
        doc,
        node: s.node,
        content: `${obj.id}|selector|${s.key}`,
      }),
    );
  }
  const targetsBefore = aggregateTargets(old);
  const ruleCount = rulesOf(obj).length;
  if (ruleCount === 0) return out;
  for (const [target, node] of aggregateTargets(obj)) {
    if (targetsBefore.has(target)) continue;
    const builtin = ['admin', 'edit', 'view'].includes(target);
    out.push(
      makeFinding({
        ruleId: 'iam/k8s-aggregated-role',
        category: 'iam',
        severity: target === 'view' ? 'medium' : builtin ? 'high' : 'medium',
        message: `${obj.label} now aggregates its ${ruleCount} rule${ruleCount === 1 ? '' : 's'} into the ${builtin ? 'built-in ' : ''}\`${target}\` ClusterRole, so every subject bound to \`${target}\` gains them.`,
        doc,
        node,
        content: `${obj.id}|aggregate-to|${target}`,
      }),
    );
  }
  return out;
}

// ---- Bindings

const PRIVILEGED_ROLES: Record<string, Severity> = { 'cluster-admin': 'critical', admin: 'high', edit: 'high' };
const PUBLIC_SUBJECTS: Record<string, { severity: Severity; who: string }> = {
  'Group/system:anonymous': { severity: 'critical', who: 'unauthenticated callers' },
  'User/system:anonymous': { severity: 'critical', who: 'unauthenticated callers' },
  'Group/system:unauthenticated': { severity: 'critical', who: 'unauthenticated callers' },
  'Group/system:authenticated': { severity: 'high', who: 'every authenticated identity in the cluster' },
  'Group/system:masters': { severity: 'critical', who: 'the system:masters group, which bypasses all authorization' },
};

interface Subject {
  key: string;
  kind: string;
  name: string;
  display: string;
  node: Node;
}

function subjects(obj: RbacObject | undefined): Subject[] {
  if (!obj) return [];
  const subs = get(obj.node, 'subjects');
  if (!subs || subs.kind !== 'array') return [];
  return subs.items.map((n) => {
    const kind = text(get(n, 'kind')) ?? '?';
    const name = text(get(n, 'name')) ?? '?';
    const ns = text(get(n, 'namespace'));
    const display = `${kind} ${ns ? `${ns}/` : ''}${name}`;
    return { key: `${kind}/${ns ?? ''}/${name}`, kind, name, display, node: n };
  });
}

function roleRef(obj: RbacObject | undefined): string | undefined {
  if (!obj) return undefined;
  const ref = get(obj.node, 'roleRef');
  const name = text(get(ref, 'name'));
  return name === undefined ? undefined : `${text(get(ref, 'kind')) ?? 'ClusterRole'}/${name}`;
}

function checkBinding(obj: RbacObject, old: RbacObject | undefined, doc: Doc): Finding[] {
  const out: Finding[] = [];
  const ref = roleRef(obj);
  if (!ref) return out;
  const [refKind, refName] = ref.split(/\/(.*)/s);
  const sameRef = roleRef(old) === ref;
  const prevKeys = new Set(sameRef ? subjects(old).map((s) => s.key) : []);
  const added = subjects(obj).filter((s) => !prevKeys.has(s.key));
  if (!added.length) return out;
  const roleNode = get(obj.node, 'roleRef') ?? obj.node;

  const publicSubs = added.filter((s) => PUBLIC_SUBJECTS[`${s.kind}/${s.name}`]);
  for (const s of publicSubs) {
    const p = PUBLIC_SUBJECTS[`${s.kind}/${s.name}`];
    out.push(
      makeFinding({
        ruleId: 'iam/k8s-public-subject',
        category: 'iam',
        severity: p.severity,
        message: `${obj.label} now binds ${refKind} \`${refName}\` to ${s.display}, i.e. to ${p.who}${obj.kind === 'ClusterRoleBinding' ? ' cluster-wide' : ''}.`,
        doc,
        node: s.node,
        content: `${obj.id}|${ref}|${s.key}`,
      }),
    );
  }
  const sev = refKind === 'ClusterRole' ? PRIVILEGED_ROLES[refName] : undefined;
  const others = added.filter((s) => !publicSubs.includes(s));
  if (obj.kind === 'ClusterRoleBinding' && sev && others.length) {
    const how = old && sameRef ? `${others.length} more subject${others.length === 1 ? '' : 's'}` : `${others.length} subject${others.length === 1 ? '' : 's'}`;
    out.push(
      makeFinding({
        ruleId: 'iam/k8s-privileged-binding',
        category: 'iam',
        severity: sev,
        message: `${obj.label} now grants \`${refName}\` cluster-wide to ${how}: ${others.map((s) => s.display).join(', ')}.`,
        doc,
        node: others.length === 1 ? others[0].node : roleNode,
        content: `${obj.id}|${ref}|${others.map((s) => s.key).sort().join(',')}`,
      }),
    );
  }
  // cluster-admin through a RoleBinding: every permission on every resource of the namespace,
  // its Roles and secrets included. `admin`/`edit` RoleBindings are the intended namespaced use.
  if (obj.kind === 'RoleBinding' && ref === 'ClusterRole/cluster-admin' && others.length) {
    const ns = obj.namespace ? `namespace \`${obj.namespace}\`` : 'its namespace';
    out.push(
      makeFinding({
        ruleId: 'iam/k8s-privileged-binding',
        category: 'iam',
        severity: 'high',
        message: `${obj.label} now grants \`cluster-admin\` over ${ns} to ${others.length} subject${others.length === 1 ? '' : 's'}: ${others.map((s) => s.display).join(', ')}.`,
        doc,
        node: others.length === 1 ? others[0].node : roleNode,
        content: `${obj.id}|${ref}|${others.map((s) => s.key).sort().join(',')}`,
      }),
    );
  }
  return out;
}
