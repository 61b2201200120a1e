// Azure RBAC widening (iam/azure-*): role assignments and custom role definitions matched between
// before and after by resource address. New privileged assignments (Owner, User Access
// Administrator, RBAC Administrator, Contributor, or a custom role with `*`) at subscription,
// management-group or root scope are reported on their own; existing assignments that move to a
// broader scope or change role, and custom roles that gain actions or scopes, are widening.
import { makeFinding, severityRank, type Finding, type Severity } from '../findings';
import type { Doc, Node } from '../model';
import { patternCovers } from '../iam/aws-grant';
import { SCOPE_NAMES, ScopeLevel, extractAzureRbac, type AzureAssignment, type AzureRoleDefinition } from '../iam/azure-roles';
import type { Detector, RuleMeta } from './detector';

export const AZURE_IAM_RULES: readonly RuleMeta[] = [
  { id: 'iam/azure-privileged-role', category: 'iam', defaultSeverity: 'critical', title: 'Assigns Owner, User Access Administrator, RBAC Administrator or Contributor at a broad scope' },
  { id: 'iam/azure-custom-role-wildcard', category: 'iam', defaultSeverity: 'critical', title: "Custom role grants '*' actions" },
  { id: 'iam/azure-role-permissions-management', category: 'iam', defaultSeverity: 'critical', title: 'Custom role can assign roles' },
  { id: 'iam/azure-role-actions-widened', category: 'iam', defaultSeverity: 'medium', title: 'Custom role actions widened' },
  { id: 'iam/azure-scope-widened', category: 'iam', defaultSeverity: 'medium', title: 'Role assignment or definition scope widened' },
  { id: 'iam/azure-assignment-role-changed', category: 'iam', defaultSeverity: 'medium', title: 'Role assignment changed to another role' },
  { id: 'iam/azure-unresolved-value', category: 'iam', defaultSeverity: 'low', title: 'Assignment depends on a value that cannot be resolved' },
];

const ASSIGNS_ROLES = /^(\*|microsoft\.authorization\/\*|microsoft\.authorization\/roleassignments\/(\*|write)|microsoft\.authorization\/\*\/write|microsoft\.authorization\/roledefinitions\/(\*|write)|microsoft\.authorization\/elevateaccess\/action)$/i;

function q(s: string): string {
  return `'${s}'`;
}

function finding(doc: Doc, ruleId: string, severity: Severity, message: string, node: Node, content: string): Finding {
  return makeFinding({ ruleId, category: 'iam', severity, message, doc, node, content: `${ruleId}|${content}` });
}

function wildcard(d: AzureRoleDefinition): boolean {
  return d.actions.some((a) => a.trim() === '*');
}

function assignsRoles(d: AzureRoleDefinition): string[] {
  return d.actions.filter((a) => ASSIGNS_ROLES.test(a.trim()) && !d.notActions.some((n) => patternCovers(n.toLowerCase(), a.toLowerCase())));
}

function widestScope(d: AzureRoleDefinition): ScopeLevel {
  return d.assignableScopes.reduce((m, s) => (s.level === ScopeLevel.Unknown || m === ScopeLevel.Unknown ? ScopeLevel.Unknown : Math.max(m, s.level)), d.assignableScopes.length ? ScopeLevel.Resource : ScopeLevel.Unknown);
}

function scopeText(level: ScopeLevel, text: string): string {
  return level === ScopeLevel.Unknown ? `scope \`${text}\` (cannot prove it is narrower than a subscription)` : `${SCOPE_NAMES[level]} (${text})`;
}

interface Privilege {
  label: string;
  /** Severity at subscription scope or above; one step lower below it. */
  broad: Severity;
}

function privilegeOf(a: AzureAssignment, defs: Map<string, AzureRoleDefinition>): Privilege | undefined {
  switch (a.builtin) {
    case 'Owner':
      return { label: 'Owner (full control, can grant access)', broad: 'critical' };
    case 'User Access Administrator':
    case 'Role Based Access Control Administrator':
      return { label: `${a.builtin} (can grant any role, including Owner)`, broad: 'critical' };
    case 'Contributor':
      return { label: 'Contributor (create, change and delete every resource)', broad: 'high' };
  }
  const def = a.customRef ? defs.get(a.customRef) : a.roleName ? [...defs.values()].find((d) => d.name === a.roleName) : undefined;
  if (def && wildcard(def)) return { label: `custom role ${q(def.name)} with '*' actions`, broad: 'critical' };
  if (def && assignsRoles(def).length) return { label: `custom role ${q(def.name)} that can assign roles`, broad: 'critical' };
  return undefined;
}

function down(s: Severity): Severity {
  return (['low', 'low', 'medium', 'high'] as Severity[])[severityRank(s)];
}

function assignmentKey(a: AzureAssignment): string {
  return `${a.role}|${a.scope}|${a.principal}`;
}

function checkAssignments(doc: Doc, after: AzureAssignment[], before: AzureAssignment[], defs: Map<string, AzureRoleDefinition>, out: Finding[]): void {
  const beforeKeys = new Set(before.map(assignmentKey));
  const beforeByAddress = new Map(before.map((a) => [a.address, a]));
  for (const a of after) {
    const key = assignmentKey(a);
    if (beforeKeys.has(key)) continue;
    const prev = beforeByAddress.get(a.address);
    const priv = privilegeOf(a, defs);
    const broad = a.scopeLevel >= ScopeLevel.Subscription;
    if (priv) {
      const severity = broad ? priv.broad : a.scopeLevel === ScopeLevel.Unknown ? (priv.broad === 'critical' ? 'high' : 'medium') : down(priv.broad);
      if (broad || a.scopeLevel === ScopeLevel.Unknown || priv.broad === 'critical') {
        const was = prev ? ` (was ${q(prev.role)} on ${SCOPE_NAMES[prev.scopeLevel]})` : '';
        out.push(finding(doc, 'iam/azure-privileged-role', severity, `Assigns ${priv.label} to principal ${q(a.principal)} on ${scopeText(a.scopeLevel, a.scope)}${was}`, a.node, key));
        continue;
      }
    }
    if (!prev) {
      if (a.roleOpaque && a.scopeLevel !== ScopeLevel.Resource && a.scopeLevel !== ScopeLevel.ResourceGroup) {
        out.push(finding(doc, 'iam/azure-unresolved-value', 'low', `Role assignment on ${scopeText(a.scopeLevel, a.scope)} names its role by a variable (\`${a.role}\`); cannot prove it is not Owner or Contributor`, a.node, key));
      }
      continue;
    }
    if (a.scopeLevel > prev.scopeLevel && prev.scopeLevel !== ScopeLevel.Unknown) {
      out.push(finding(doc, 'iam/azure-scope-widened', 'medium', `Role assignment ${q(a.role)} widened from ${SCOPE_NAMES[prev.scopeLevel]} to ${SCOPE_NAMES[a.scopeLevel]} (${a.scope})`, a.node, key));
    } else if (a.scopeLevel === ScopeLevel.Unknown && prev.scope !== a.scope) {
      out.push(finding(doc, 'iam/azure-unresolved-value', 'low', `Role assignment scope is now a variable (\`${a.scope}\`); cannot prove it is narrower than ${SCOPE_NAMES[prev.scopeLevel]} (${prev.scope})`, a.node, key));
    }
    if (prev.role !== a.role) {
      out.push(finding(doc, 'iam/azure-assignment-role-changed', a.roleOpaque ? 'low' : 'medium', `Role assignment changed from ${q(prev.role)} to ${q(a.role)} on ${scopeText(a.scopeLevel, a.scope)}; cannot prove the new role is narrower`, a.node, key));
    }
  }
}

function newPatterns(after: string[], before: string[]): string[] {
  return after.filter((p) => !before.some((b) => patternCovers(b.toLowerCase(), p.toLowerCase())));
}

function checkDefinitions(doc: Doc, after: AzureRoleDefinition[], before: AzureRoleDefinition[], out: Finding[]): void {
  const byAddress = new Map(before.map((d) => [d.address, d]));
  for (const d of after) {
    const prev = byAddress.get(d.address);
    const level = widestScope(d);
    const broad = level >= ScopeLevel.Subscription || level === ScopeLevel.Unknown;
    const where = d.assignableScopes.length ? `assignable at ${d.assignableScopes.map((s) => s.text).slice(0, 2).join(', ')}` : 'with no assignable scope written';
    const risks: Array<{ ruleId: string; severity: Severity; label: string }> = [];
    if (wildcard(d) && (!prev || !wildcard(prev))) {
      risks.push({ ruleId: 'iam/azure-custom-role-wildcard', severity: broad ? 'critical' : 'high', label: `actions '*' (every operation on every resource type${d.notActions.length ? `, except ${d.notActions.length} not_actions` : ''})` });
    }
    const assigns = assignsRoles(d).filter((a) => !prev || !assignsRoles(prev).includes(a));
    if (assigns.length && !wildcard(d)) risks.push({ ruleId: 'iam/azure-role-permissions-management', severity: broad ? 'critical' : 'high', label: `${assigns.join(', ')} lets holders assign any role, including Owner` });
    if (prev) {
      const added = newPatterns(d.actions, prev.actions).concat(newPatterns(d.dataActions, prev.dataActions));
      const removedNot = prev.notActions.filter((n) => !d.notActions.some((x) => patternCovers(x.toLowerCase(), n.toLowerCase())));
      if ((added.length || removedNot.length) && !risks.length) {
        const parts = [added.length ? `+${added.length} action pattern${added.length > 1 ? 's' : ''} (${added.slice(0, 3).join(', ')}${added.length > 3 ? ', ...' : ''})` : '', removedNot.length ? `${removedNot.length} not_action${removedNot.length > 1 ? 's' : ''} removed (${removedNot.slice(0, 2).join(', ')})` : ''].filter(Boolean);
        const nb = prev.actions.length + prev.dataActions.length;
        const na = d.actions.length + d.dataActions.length;
        risks.push({ ruleId: 'iam/azure-role-actions-widened', severity: 'medium', label: `actions widened from ${nb} to ${na} patterns: ${parts.join('; ')}` });
      }
      const prevLevel = widestScope(prev);
      if (level > prevLevel && prevLevel !== ScopeLevel.Unknown) risks.push({ ruleId: 'iam/azure-scope-widened', severity: 'medium', label: `assignable scope widened from ${SCOPE_NAMES[prevLevel]} to ${SCOPE_NAMES[level]}` });
    }
    if (!risks.length) continue;
    risks.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
    out.push(finding(doc, risks[0].ruleId, risks[0].severity, `Custom role ${q(d.name)} ${where}: ${risks.map((r) => r.label).join('; ')}`, d.node, `${d.address}|${[...d.actions].sort().join(',')}|${d.assignableScopes.map((s) => s.text).sort().join(',')}`));
  }
}

export const iamAzureDetector: Detector = {
  family: 'iam-azure',
  rules: AZURE_IAM_RULES,
  run(before, after) {
    if (!/role_?assignment|role_?definition|roleAssignments|roleDefinitions|az\s+role\s+assignment/i.test(after.text)) return [];
    const a = extractAzureRbac(after);
    if (!a.assignments.length && !a.definitions.length) return [];
    const b = before ? extractAzureRbac(before) : { assignments: [], definitions: [] };
    const out: Finding[] = [];
    const defs = new Map(a.definitions.map((d) => [d.address, d]));
    checkDefinitions(after, a.definitions, b.definitions, out);
    checkAssignments(after, a.assignments, b.assignments, defs, out);
    return out;
  },
};
