// Production endpoints in new or changed string values (endpoint/*): production hosts and URLs,
// managed data stores, credentials embedded in URLs and connection strings, production cloud
// accounts and Kubernetes contexts.
import { makeFinding, severityRank, SEVERITIES, type Finding, type Severity } from '../findings';
import { formatPath, resolve, walkDoc, type Doc, type KeyPath, type LanguageId, type Node, type Obj, type Opaque } from '../model';
import { extractEndpoints, HOLE, isDatabaseScheme, REMOTE_SHELL_COMMANDS, type EndpointRef } from '../endpoints/extract';
import { gcpProjectIds } from '../endpoints/gcp-projects';
import { hostProductionToken, isLocalOrReserved, managedService, productionToken } from '../endpoints/hosts';
import { isHostKey, isKubeContextKey, isPasswordKey, lastKey } from '../endpoints/keys';
import { productionMatcher, type ProductionMatcher } from '../endpoints/production-rules';
import { isPlaceholderSecret, maskSecrets } from '../endpoints/secrets';
import { collectMemo } from '../node-memo';
import { nodesMayBeShared } from '../parse';
import type { Detector, DetectorContext, RuleMeta } from './detector';

export const ENDPOINT_RULES = {
  productionHost: 'endpoint/production-host',
  managedDatabase: 'endpoint/managed-database',
  credentialInUrl: 'endpoint/credential-in-url',
  productionAccount: 'endpoint/production-account',
  productionKubeContext: 'endpoint/production-kube-context',
} as const;

const RULES: readonly RuleMeta[] = [
  { id: ENDPOINT_RULES.productionHost, category: 'endpoint', defaultSeverity: 'high', title: 'Points at a production host or URL' },
  { id: ENDPOINT_RULES.managedDatabase, category: 'endpoint', defaultSeverity: 'medium', title: 'Points at a managed database, cache or search endpoint' },
  { id: ENDPOINT_RULES.credentialInUrl, category: 'endpoint', defaultSeverity: 'critical', title: 'Password embedded in a URL or connection string' },
  { id: ENDPOINT_RULES.productionAccount, category: 'endpoint', defaultSeverity: 'high', title: 'Names a production cloud account, project or subscription' },
  { id: ENDPOINT_RULES.productionKubeContext, category: 'endpoint', defaultSeverity: 'high', title: 'Selects a production Kubernetes context' },
];

const DEFAULT_SEVERITY = new Map(RULES.map((r) => [r.id, r.defaultSeverity]));

/** One risk found in a document, before change-awareness and reporting. */
interface Candidate {
  ruleId: string;
  node: Node;
  keyPath: KeyPath;
  /** The flagged value, secrets masked: what identity, fingerprint and message use. */
  value: string;
  /** What the value is and why it was flagged, without the subject: "points at production host ...". */
  what: string;
}

interface Collected {
  candidates: Candidate[];
  /** Every real embedded secret in the document, for masking snippets. */
  secrets: Set<string>;
}

/** Kubernetes CLIs whose `--context`/`--kube-context` flag or `use-context` argument picks a cluster. */
const KUBE_CLIS = new Set(['kubectl', 'helm', 'kubectx', 'oc', 'k9s', 'helmfile', 'skaffold', 'stern', 'kubie', 'flux', 'argocd']);

/** The before side, compared with every edit of the same baseline. */
interface Baseline {
  was: Collected;
  known: Set<string>;
  /** What the same rule flagged at the same key path before: the value this change replaced. */
  previous: Map<string, Candidate>;
}

function baseline(before: Doc, matcher: ProductionMatcher): Baseline {
  const was = collect(before, matcher);
  return { was, known: new Set(was.candidates.map(identity)), previous: new Map(was.candidates.map((c) => [`${c.ruleId}\0${formatPath(c.keyPath)}`, c])) };
}

export const endpointDetector: Detector<Baseline> = {
  family: 'endpoint',
  rules: RULES,
  prepare(before, ctx) {
    return baseline(before, productionMatcher(ctx.rules.production));
  },
  run(before: Doc | undefined, after: Doc, ctx: DetectorContext, prepared?: Baseline): Finding[] {
    const matcher = productionMatcher(ctx.rules.production);
    const now = collect(after, matcher);
    if (!now.candidates.length) return [];
    const base = before ? (prepared ?? baseline(before, matcher)) : undefined;
    const was = base?.was;
    const known = base?.known ?? new Set<string>();
    const previous = base?.previous ?? new Map<string, Candidate>();
    const secrets = new Set([...now.secrets, ...(was?.secrets ?? [])]);
    const findings: Finding[] = [];
    const seen = new Set<string>();
    for (const c of now.candidates) {
      if (known.has(identity(c))) continue;
      const where = formatPath(c.keyPath);
      const key = `${c.ruleId}\0${c.value}\0${c.node.range.startOffset}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const severity = raise(DEFAULT_SEVERITY.get(c.ruleId)!, ctx.isProductionFile && c.ruleId !== ENDPOINT_RULES.credentialInUrl);
      const suffix = ctx.isProductionFile ? '; the file is under a production path' : '';
      const f = makeFinding({
        ruleId: c.ruleId,
        category: 'endpoint',
        severity,
        message: `${where || 'A string value'} ${c.what}${suffix}.`,
        doc: after,
        node: c.node,
        keyPath: c.keyPath,
        content: `${c.value} @ ${where}`,
        beforeDoc: before,
        beforeNode: previous.get(`${c.ruleId}\0${where}`)?.node,
      });
      if (f.after !== undefined) f.after = maskSecrets(f.after, secrets);
      if (f.before !== undefined) f.before = maskSecrets(f.before, secrets);
      findings.push(f);
    }
    return findings;
  },
};

/** Change-awareness compares the flagged value alone: a moved or re-indented value is not new. */
function identity(c: Candidate): string {
  return `${c.ruleId}\0${c.value}`;
}

function raise(s: Severity, up: boolean): Severity {
  if (!up) return s;
  return SEVERITIES[Math.min(severityRank(s) + 1, SEVERITIES.length - 1)];
}

/** One node's share of `Collected`: what `collect` memoises per node. */
type Item = { candidate: Candidate } | { secret: string };

const memos = new WeakMap<ProductionMatcher, Map<LanguageId, WeakMap<Node, readonly Item[]>>>();

function memoFor(matcher: ProductionMatcher, language: LanguageId): WeakMap<Node, readonly Item[]> {
  let byLanguage = memos.get(matcher);
  if (!byLanguage) memos.set(matcher, (byLanguage = new Map()));
  let memo = byLanguage.get(language);
  if (!memo) byLanguage.set(language, (memo = new WeakMap()));
  return memo;
}

function collect(doc: Doc, matcher: ProductionMatcher): Collected {
  // Where incremental lowering keeps untouched nodes, what they yielded is kept with them.
  if (nodesMayBeShared(doc)) {
    const out: Collected = { candidates: [], secrets: new Set() };
    const items = collectMemo(doc.roots, memoFor(matcher, doc.language), (node, acc: Item[]) => {
      const one: Collected = { candidates: [], secrets: new Set() };
      inspectNode(node, doc, matcher, one);
      for (const c of one.candidates) acc.push({ candidate: c });
      for (const x of one.secrets) acc.push({ secret: x });
    });
    for (const it of items) {
      if ('candidate' in it) out.candidates.push(it.candidate);
      else out.secrets.add(it.secret);
    }
    return out;
  }
  const out: Collected = { candidates: [], secrets: new Set() };
  walkDoc(doc, (node) => inspectNode(node, doc, matcher, out));
  return out;
}

function inspectNode(node: Node, doc: Doc, matcher: ProductionMatcher, out: Collected): void {
  switch (node.kind) {
    case 'string':
      // A document inside the string is walked on its own; its text is not searched twice.
      if (!node.embedded) inspectString(node, node.value.replace(BRACED_INTERPOLATION, HOLE), node.path, matcher, out);
      break;
    case 'number':
      if (matcher.hasAccounts) accountCandidates(node, node.raw, node.path, matcher, out);
      break;
    case 'object':
      separatePassword(node, out);
      break;
    case 'opaque': {
      if (node.callee !== undefined) {
        kubeCliContexts(node, matcher, out);
        remoteShellTargets(node, matcher, out);
      }
      const t = templateText(node, doc.language);
      if (t !== undefined) inspectString(node, t, node.path, matcher, out);
      break;
    }
  }
}

function inspectString(node: Node, text: string, path: KeyPath, matcher: ProductionMatcher, out: Collected, remoteShell = false): void {
  if (!text || text.length < 3) return;
  let keyPath = path;
  // `KEY=value` as one string: docker-compose environment lists, `helm --set k=v`, `env` args.
  const assignment = /^([A-Za-z_][\w.-]*)=(\S.*)$/s.exec(text.trim());
  if (assignment && !/[;,]|\s[\w.-]+=/.test(assignment[2])) {
    keyPath = [...path, assignment[1]];
    text = assignment[2];
  }
  const key = lastKey(keyPath);
  if (isKubeContextKey(keyPath)) kubeContextCandidate(node, text.trim(), path, matcher, out);
  for (const ref of extractEndpoints(text, { hostKey: isHostKey(key), remoteShell })) {
    credentialCandidate(node, ref, path, out);
    for (const host of ref.hosts) hostCandidate(node, ref, host, path, matcher, out);
  }
  if (matcher.hasAccounts) accountCandidates(node, text, path, matcher, out);
  gcpProjectCandidates(node, text, keyPath, path, out);
}

/** Built in: a GCP project whose id carries a production token (`acme-prod`, `shop-prd-1`). */
function gcpProjectCandidates(node: Node, text: string, keyPath: KeyPath, path: KeyPath, out: Collected): void {
  for (const id of gcpProjectIds(text, keyPath)) {
    const token = productionToken(id);
    if (!token) continue;
    out.candidates.push({
      ruleId: ENDPOINT_RULES.productionAccount,
      node,
      keyPath: path,
      value: id,
      what: `names production GCP project ${id} (built-in: token '${token}')`,
    });
  }
}

/** `ssh deploy@prod-web-01`, `scp f ops@db1.prod.acme.io:/tmp`: login targets of remote-shell commands. */
function remoteShellTargets(op: Opaque, matcher: ProductionMatcher, out: Collected): void {
  const cli = (op.callee ?? '').split(/[/\\]/).pop()!.toLowerCase();
  if (!REMOTE_SHELL_COMMANDS.has(cli)) return;
  for (const a of op.args ?? []) {
    if (a.kind === 'string' && a.value.includes('@')) inspectString(a, a.value, a.path, matcher, out, true);
  }
}

/**
 * Connection settings written as separate fields (`{host, username, password}` in Rails
 * `database.yml`, Django `DATABASES`, knex/TypeORM options): a literal password beside a host
 * that is not local is the same leak as a password inside a URL.
 */
function separatePassword(obj: Obj, out: Collected): void {
  let pw: { node: Node; value: string; key: string } | undefined;
  for (const e of obj.entries) {
    if (!isPasswordKey(e.key)) continue;
    const v = resolve(e.value);
    if (v.kind === 'string' && !v.embedded && !isPlaceholderSecret(v.value)) pw = { node: v, value: v.value, key: e.key };
  }
  if (!pw) return;
  for (const e of obj.entries) {
    if (!isHostKey(e.key)) continue;
    const v = resolve(e.value);
    if (v.kind !== 'string') continue;
    const hosts = extractEndpoints(v.value, { hostKey: true }).filter((r) => r.trusted).flatMap((r) => r.hosts);
    const host = hosts.find((h) => !isLocalOrReserved(h) && !h.startsWith('/') && !h.includes('*'));
    if (!host) continue;
    out.secrets.add(pw.value);
    const user = obj.entries.map((x) => ({ key: x.key.toLowerCase(), v: resolve(x.value) })).find((x) => (x.key === 'user' || x.key === 'username') && x.v.kind === 'string');
    const who = user?.v.kind === 'string' && user.v.value ? ` for user ${user.v.value}` : '';
    out.candidates.push({
      ruleId: ENDPOINT_RULES.credentialInUrl,
      node: pw.node,
      keyPath: pw.node.path,
      value: `${pw.key} for ${host}`,
      what: `sets a literal password${who} beside host ${host} (\`${e.key}\`) in the same connection settings (secret not shown)`,
    });
    return;
  }
}

function credentialCandidate(node: Node, ref: EndpointRef, path: KeyPath, out: Collected): void {
  const secret = ref.secret;
  if (!secret || isPlaceholderSecret(secret.value)) return;
  if (ref.hosts.length && ref.hosts.every(isLocalOrReserved)) return;
  out.secrets.add(secret.value);
  const field = /^(userinfo|password|passwd|pwd|pass|sslpassword|user password)$/i.test(secret.key) ? 'a password' : `an ${secret.key}`;
  const who = ref.user && !ref.user.includes(HOLE) ? ` for user ${ref.user}` : '';
  out.candidates.push({
    ruleId: ENDPOINT_RULES.credentialInUrl,
    node,
    keyPath: path,
    value: ref.display,
    what: `embeds ${field}${who} in ${describeRef(ref)} ${ref.display} (secret masked)`,
  });
}

function describeRef(ref: EndpointRef): string {
  return ref.form === 'url' && !isDatabaseScheme(ref.scheme ?? '') ? 'URL' : 'connection string';
}

function hostCandidate(node: Node, ref: EndpointRef, host: string, path: KeyPath, matcher: ProductionMatcher, out: Collected): void {
  if (isLocalOrReserved(host) || (host.startsWith('/') && !host.startsWith('/cloudsql/'))) return;
  const push = (ruleId: string, value: string, what: string) => out.candidates.push({ ruleId, node, keyPath: path, value, what });
  const urlHit = ref.url ? matcher.url(ref.url) : undefined;
  if (urlHit) {
    push(ENDPOINT_RULES.productionHost, ref.url!, `points at production URL ${ref.url} (rules: ${urlHit.list} '${urlHit.pattern}')`);
    return;
  }
  const hostHit = matcher.host(host);
  if (hostHit) {
    push(ENDPOINT_RULES.productionHost, host, `points at production host ${host} (rules: ${hostHit.list} '${hostHit.pattern}')`);
    return;
  }
  if (!ref.trusted) return;
  const service = host.startsWith('/cloudsql/') ? 'Google Cloud SQL' : managedService(host);
  // A lone word (`server: production`) names an environment, not a host; `prod-db` names a host.
  const lone = !host.includes('.') && !host.includes(':') && !/[-_]/.test(host);
  const token = host.startsWith('/') || lone ? undefined : hostProductionToken(host);
  if (token) {
    const extra = service ? `, a managed ${service} endpoint` : '';
    push(ENDPOINT_RULES.productionHost, host, `points at production host ${host}${extra} (built-in: label '${token}')`);
    return;
  }
  if (service) push(ENDPOINT_RULES.managedDatabase, host, `points at managed data store ${host} (built-in: ${service})`);
}

function accountCandidates(node: Node, text: string, path: KeyPath, matcher: ProductionMatcher, out: Collected): void {
  for (const hit of matcher.accounts(text)) {
    const kind = hit.list === 'production.awsAccounts' ? 'AWS account' : hit.list === 'production.gcpProjects' ? 'GCP project' : 'Azure subscription';
    out.candidates.push({
      ruleId: ENDPOINT_RULES.productionAccount,
      node,
      keyPath: path,
      value: hit.value,
      what: `names production ${kind} ${hit.value} (rules: ${hit.list} '${hit.pattern}')`,
    });
  }
}

/** Kubeconfig context names: letters, digits, `-_.:@/` (EKS contexts are ARNs). */
const CONTEXT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,252}$/;

function kubeContextCandidate(node: Node, name: string, path: KeyPath, matcher: ProductionMatcher, out: Collected): void {
  if (!CONTEXT_NAME.test(name)) return;
  const hit = matcher.kubeContext(name);
  const token = hit ? undefined : productionToken(name.replace(/[:@/]/g, '-'));
  if (!hit && !token) return;
  const why = hit ? `rules: ${hit.list} '${hit.pattern}'` : `built-in: token '${token}'`;
  out.candidates.push({
    ruleId: ENDPOINT_RULES.productionKubeContext,
    node,
    keyPath: path,
    value: name,
    what: `selects production Kubernetes context ${name} (${why})`,
  });
}

/** `kubectl --context prod ...`, `helm --kube-context prod`, `kubectl config use-context prod`, `kubectx prod`. */
function kubeCliContexts(op: Opaque, matcher: ProductionMatcher, out: Collected): void {
  const cli = (op.callee ?? '').split(/[/\\]/).pop()!.toLowerCase();
  if (!KUBE_CLIS.has(cli)) return;
  const args = op.args ?? [];
  const strings = args.map((a) => (a.kind === 'string' ? a.value : undefined));
  for (const e of op.kwargs?.entries ?? []) {
    if ((e.key === 'context' || e.key === 'kube-context' || e.key === 'kubecontext') && e.value.kind === 'string') {
      kubeContextCandidate(e.value, e.value.value, e.value.path.length ? e.value.path : [e.key], matcher, out);
    }
  }
  strings.forEach((s, i) => {
    if (s === undefined) return;
    const eq = /^--(kube-)?context=(.+)$/.exec(s);
    if (eq) kubeContextCandidate(args[i], eq[2], args[i].path, matcher, out);
    else if ((s === '--context' || s === '--kube-context') && strings[i + 1] !== undefined) {
      kubeContextCandidate(args[i + 1], strings[i + 1]!, args[i + 1].path, matcher, out);
    } else if (s === 'use-context' && strings[i + 1] !== undefined) {
      kubeContextCandidate(args[i + 1], strings[i + 1]!, args[i + 1].path, matcher, out);
    }
  });
  if ((cli === 'kubectx' || cli === 'kubie') && strings.length) {
    const target = strings.find((s, i) => s !== undefined && !s.startsWith('-') && !(cli === 'kubie' && i === 0));
    const i = strings.indexOf(target);
    if (target && i >= 0) kubeContextCandidate(args[i], target, args[i].path, matcher, out);
  }
}

/**
 * Braced references inside plain strings (`${DB_PASSWORD}` in docker-compose or Spring,
 * `{{ .Values.x }}` in Helm, `${{ secrets.X }}` in Actions): holes, like interpolations. A bare
 * `$word` is left alone there, since it may be part of a real password.
 */
const BRACED_INTERPOLATION = /\$\{\{.*?\}\}|\$\{[^}]*\}|\$\([^)]*\)|\{\{.*?\}\}|#\{[^}]*\}|%\{[^}]*\}/g;

/** Interpolations in template text, replaced by a hole so the literal parts can still be read. */
const INTERPOLATION = /\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_]\w*|\{\{.*?\}\}|#\{[^}]*\}|%\{[^}]*\}/g;

/**
 * The literal text of an interpolated string (`"https://${host}.prod.acme.io"`, a JS template
 * literal, a Python f-string, an `.env` value with `${VAR}`), holes marking the interpolations.
 * Undefined for identifiers, calls and expressions: their text is code, not a value.
 */
export function templateText(op: Opaque, language: LanguageId): string | undefined {
  if (op.callee !== undefined) return undefined;
  const t = op.text.trim();
  const q = /^([fFrRbBuU]{0,2})(["'`])([\s\S]*)\2$/.exec(t);
  if (q && !(q[2] !== '`' && q[3].includes(q[2]) && !/\\/.test(q[3]))) {
    let body = q[3];
    if (/[fF]/.test(q[1])) body = body.replace(/\{[^{}]*\}/g, HOLE);
    return body.replace(INTERPOLATION, HOLE);
  }
  if (language === 'dotenv' || language === 'properties') return t.replace(INTERPOLATION, HOLE);
  return undefined;
}
