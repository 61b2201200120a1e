// GCP IAM widening (iam/gcp-*): grants (role, member, where) from Terraform, policy JSON and gcloud
// compared as sets between before and after. A new grant is judged by what it is on its own (public
// member, basic role, IAM-admin or impersonation role on a project/folder/organization, default
// service account); any other new grant on a scope that already had grants is generic widening.
// Several risks of one grant are one finding; the most severe rule names it.
import { makeFinding, severityRank, type Finding, type Severity } from '../findings';
import type { Doc } from '../model';
import { extractGcpGrants, type GcpGrant, type GcpScope } from '../iam/gcp-bindings';
import type { Detector, RuleMeta } from './detector';

export const GCP_IAM_RULES: readonly RuleMeta[] = [
  { id: 'iam/gcp-public-member', category: 'iam', defaultSeverity: 'critical', title: 'Grants a role to allUsers or allAuthenticatedUsers' },
  { id: 'iam/gcp-basic-role', category: 'iam', defaultSeverity: 'critical', title: 'Grants a basic role (owner, editor, viewer)' },
  { id: 'iam/gcp-iam-admin-role', category: 'iam', defaultSeverity: 'critical', title: 'Grants a role that can change IAM policy on a project, folder or organization' },
  { id: 'iam/gcp-service-account-impersonation', category: 'iam', defaultSeverity: 'critical', title: 'Grants service-account user or token creator above a single service account' },
  { id: 'iam/gcp-admin-role', category: 'iam', defaultSeverity: 'high', title: 'Grants an admin role on a project, folder or organization' },
  { id: 'iam/gcp-default-service-account', category: 'iam', defaultSeverity: 'medium', title: 'Grants a role to a default service account' },
  { id: 'iam/gcp-binding-widened', category: 'iam', defaultSeverity: 'medium', title: 'IAM binding widened' },
  { id: 'iam/gcp-unresolved-value', category: 'iam', defaultSeverity: 'low', title: 'Grant depends on a value that cannot be resolved' },
];

/** Roles that can set IAM policy (grant anything to anyone) where they are granted. */
const IAM_ADMIN_ROLES = new Set([
  'roles/resourcemanager.projectiamadmin',
  'roles/resourcemanager.folderiamadmin',
  'roles/resourcemanager.folderadmin',
  'roles/resourcemanager.organizationadmin',
  'roles/iam.securityadmin',
  'roles/iam.roleadmin',
  'roles/iam.organizationroleadmin',
]);

/** Roles that act as (or mint credentials for) every service account in scope. */
const IMPERSONATION_ROLES = new Set([
  'roles/iam.serviceaccountuser',
  'roles/iam.serviceaccounttokencreator',
  'roles/iam.serviceaccountkeyadmin',
  'roles/iam.serviceaccountadmin',
  'roles/iam.workloadidentityuser',
  'roles/iam.serviceaccountopenidtokencreator',
]);

const BASIC_ROLES: Record<string, Severity> = { 'roles/owner': 'critical', 'roles/editor': 'high', 'roles/viewer': 'medium' };
const WIDE_SCOPES: ReadonlySet<GcpScope> = new Set(['organization', 'folder', 'project', 'unknown']);
const PUBLIC_MEMBERS = new Set(['allusers', 'allauthenticatedusers']);
const DEFAULT_SA = /^serviceaccount:(\d+-compute@developer|[\w-]+@appspot)\.gserviceaccount\.com$/i;

interface Risk {
  ruleId: string;
  severity: Severity;
  label: string;
}

function scopeLabel(g: GcpGrant): string {
  return g.scope === 'unknown' ? `policy ${g.source}` : `${g.scopeType.replace(/_/g, ' ')} ${g.target.replace(/^[^(]*\(|\)$/g, '').replace(/(^|,)[\w-]+=/g, '$1') || '(provider default project)'}`;
}

function lower(s: Severity): Severity {
  const order: Severity[] = ['low', 'medium', 'high', 'critical'];
  return order[Math.max(0, order.indexOf(s) - 1)];
}

function risksOf(g: GcpGrant): Risk[] {
  const role = g.role.toLowerCase();
  const member = g.member.toLowerCase();
  const out: Risk[] = [];
  if (!g.memberOpaque && PUBLIC_MEMBERS.has(member)) out.push({ ruleId: 'iam/gcp-public-member', severity: 'critical', label: `public member ${g.member}` });
  if (g.roleOpaque) return out;
  const wide = WIDE_SCOPES.has(g.scope);
  if (BASIC_ROLES[role]) out.push({ ruleId: 'iam/gcp-basic-role', severity: BASIC_ROLES[role], label: `basic role ${g.role}` });
  else if (IAM_ADMIN_ROLES.has(role) && wide) out.push({ ruleId: 'iam/gcp-iam-admin-role', severity: 'critical', label: `${g.role} can grant any role` });
  else if (IMPERSONATION_ROLES.has(role) && wide) out.push({ ruleId: 'iam/gcp-service-account-impersonation', severity: 'critical', label: `${g.role} impersonates every service account in the ${g.scope === 'unknown' ? 'policy scope' : g.scope}` });
  else if (/(^|\.)\w*admin$/i.test(role.split('/').pop() ?? '') && wide) out.push({ ruleId: 'iam/gcp-admin-role', severity: 'high', label: `admin role ${g.role}` });
  if (!g.memberOpaque && DEFAULT_SA.test(member) && wide) out.push({ ruleId: 'iam/gcp-default-service-account', severity: 'medium', label: `default service account ${g.member.replace(/^serviceAccount:/i, '')}` });
  return out;
}

function grantKey(g: GcpGrant): string {
  return `${g.target}|${g.role}|${g.member}`;
}

function emit(doc: Doc, g: GcpGrant, ruleId: string, severity: Severity, message: string, content: string): Finding {
  return makeFinding({ ruleId, category: 'iam', severity, message, doc, node: g.node, content: `${ruleId}|${content}` });
}

function report(g: GcpGrant, risks: Risk[], doc: Doc, beforeCount: number | undefined): Finding {
  risks.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  let severity = risks[0].severity;
  if (g.conditioned && risks[0].ruleId !== 'iam/gcp-public-member') severity = lower(severity);
  const cond = g.conditioned ? ' (with an IAM condition)' : '';
  const who = g.memberOpaque ? `a member given by a variable (\`${g.member}\`)` : g.member;
  const was = beforeCount ? `; the binding had ${beforeCount} member${beforeCount === 1 ? '' : 's'} for this role before` : '';
  const message = `Grants ${g.role} to ${who} on ${scopeLabel(g)}${cond}: ${risks.map((r) => r.label).join('; ')}${was}`;
  return emit(doc, g, risks[0].ruleId, severity, message, grantKey(g));
}

export const iamGcpDetector: Detector = {
  family: 'iam-gcp',
  rules: GCP_IAM_RULES,
  run(before: Doc | undefined, after: Doc): Finding[] {
    if (!/roles\/|google_iam_policy|_iam_(member|binding|policy)|add-iam-policy-binding|"bindings"|bindings\s*[:=]/.test(after.text)) return [];
    const grants = extractGcpGrants(after);
    if (!grants.length) return [];
    const prev = before ? extractGcpGrants(before) : [];
    const prevKeys = new Set(prev.map(grantKey));
    const prevTargets = new Set(prev.map((g) => g.target));
    const prevOpaque = new Set(prev.flatMap((g) => [g.role, g.member]));
    const out: Finding[] = [];
    const done = new Set<string>();
    for (const g of grants) {
      const key = grantKey(g);
      if (prevKeys.has(key) || done.has(key)) continue;
      done.add(key);
      const sameRole = prev.filter((p) => p.target === g.target && p.role === g.role).length;
      const risks = risksOf(g);
      if (risks.length) {
        out.push(report(g, risks, after, prevTargets.has(g.target) ? sameRole : undefined));
        continue;
      }
      const unresolved = (g.roleOpaque && !prevOpaque.has(g.role) ? [`role \`${g.role}\``] : []).concat(g.memberOpaque && !prevOpaque.has(g.member) ? [`member \`${g.member}\``] : []);
      if (unresolved.length && (WIDE_SCOPES.has(g.scope) || prevTargets.has(g.target))) {
        out.push(emit(after, g, 'iam/gcp-unresolved-value', 'low', `Grant on ${scopeLabel(g)} uses a variable (${unresolved.join(', ')}); cannot prove it is narrower than the grants it sits beside`, key));
        continue;
      }
      if (prevTargets.has(g.target)) {
        const n = new Set(prev.filter((p) => p.target === g.target).map(grantKey)).size;
        const m = new Set(grants.filter((p) => p.target === g.target).map(grantKey)).size;
        out.push(emit(after, g, 'iam/gcp-binding-widened', 'medium', `IAM grants on ${scopeLabel(g)} widened from ${n} to ${m} role-member pairs: ${g.role} added for ${g.member}${g.conditioned ? ' (with an IAM condition)' : ''}`, key));
      }
    }
    return out;
  },
};
