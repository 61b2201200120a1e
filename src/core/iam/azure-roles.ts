// Azure RBAC in one shape: role assignments (role, scope, principal) and custom role definitions
// (actions, not_actions, assignable scopes), read from Terraform `azurerm_role_assignment` /
// `azurerm_role_definition`, ARM templates and `az role assignment create`.
import { get, resolve, scalarText, values, walkDoc, type Doc, type Node, type Obj } from '../model';
import { blocks, iacResources, valueText, type IacResource } from '../iac/resources';

/** Built-in roles that matter here, by display name (lower case) and by role-definition GUID. */
export type BuiltinRole = 'Owner' | 'Contributor' | 'User Access Administrator' | 'Role Based Access Control Administrator';

const ROLE_BY_GUID: Record<string, BuiltinRole> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
  '18d7d88d-d35d-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
  'f58310d9-a9f6-439a-9e8d-f62e7b41a168': 'Role Based Access Control Administrator',
};
const ROLE_BY_NAME = new Map<string, BuiltinRole>(Object.values(ROLE_BY_GUID).map((r) => [r.toLowerCase(), r]));

/** Scope breadth: resource < resource group < subscription < management group < tenant root. */
export enum ScopeLevel {
  Unknown = -1,
  Resource = 0,
  ResourceGroup = 1,
  Subscription = 2,
  ManagementGroup = 3,
  Root = 4,
}

export const SCOPE_NAMES: Record<ScopeLevel, string> = {
  [ScopeLevel.Unknown]: 'an unresolved scope',
  [ScopeLevel.Resource]: 'a single resource',
  [ScopeLevel.ResourceGroup]: 'a resource group',
  [ScopeLevel.Subscription]: 'a subscription',
  [ScopeLevel.ManagementGroup]: 'a management group',
  [ScopeLevel.Root]: 'the tenant root',
};

export interface AzureAssignment {
  /** Resource address or command position: identity between before and after. */
  address: string;
  /** What the assignment names: a built-in role name, a GUID or the source text of a reference. */
  role: string;
  builtin?: BuiltinRole;
  /** Address of a custom role definition in the same file (`resource.azurerm_role_definition.x`). */
  customRef?: string;
  /** Custom role definition matched by its name (`role_definition_name = "my-role"`). */
  roleName?: string;
  roleOpaque: boolean;
  scope: string;
  scopeLevel: ScopeLevel;
  principal: string;
  node: Node;
}

export interface AzureRoleDefinition {
  address: string;
  name: string;
  actions: string[];
  notActions: string[];
  dataActions: string[];
  assignableScopes: Array<{ text: string; level: ScopeLevel }>;
  node: Node;
}

export function scopeLevelOf(text: string | undefined, deploymentLevel = ScopeLevel.Unknown): ScopeLevel {
  if (text === undefined || text.trim() === '') return deploymentLevel;
  const t = text.trim();
  if (t === '/' || /^\[?tenant\(\)/i.test(t)) return ScopeLevel.Root;
  if (/managementgroups?\b|azurerm_management_group\b|managementGroup\(\)/i.test(t)) return ScopeLevel.ManagementGroup;
  if (/\/resourcegroups\/[^/]+\/providers\//i.test(t)) return ScopeLevel.Resource;
  if (/\/resourcegroups\/[^/]+\/?$|azurerm_resource_group\.[\w-]+\.id|resourceGroup\(\)\.id/i.test(t)) return ScopeLevel.ResourceGroup;
  if (/^\/subscriptions\/[^/]+\/?$|azurerm_subscription\.[\w-]+\.(id|subscription_id)|azurerm_client_config\.[\w-]+\.subscription_id|subscription\(\)\.id/i.test(t)) return ScopeLevel.Subscription;
  if (/^\/subscriptions\/.+\/providers\//i.test(t) || /^(azurerm|data\.azurerm)_[\w]+\.[\w-]+\.id$/.test(t)) return ScopeLevel.Resource;
  return ScopeLevel.Unknown;
}

export function builtinRole(text: string): BuiltinRole | undefined {
  const byName = ROLE_BY_NAME.get(text.trim().toLowerCase());
  if (byName) return byName;
  const guid = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i.exec(text)?.[1];
  return guid ? ROLE_BY_GUID[guid.toLowerCase()] : undefined;
}

function isOpaque(n: Node | undefined): boolean {
  if (!n) return false;
  const r = resolve(n);
  return r.kind === 'opaque' || (r.kind === 'string' && /\$\{|^\[/.test(r.value));
}

function strings(n: Node | undefined): string[] {
  if (!n) return [];
  const r = resolve(n);
  const items = r.kind === 'array' ? r.items : [r];
  return items.map((i) => valueText(i)).filter((s): s is string => s !== undefined);
}

function roleFields(roleText: string, opaque: boolean): Pick<AzureAssignment, 'role' | 'builtin' | 'customRef' | 'roleOpaque'> {
  const builtin = builtinRole(roleText);
  const ref = /azurerm_role_definition\.([\w-]+)\./.exec(roleText)?.[1];
  return { role: builtin ?? roleText, ...(builtin ? { builtin } : {}), ...(ref ? { customRef: `resource.azurerm_role_definition.${ref}` } : {}), roleOpaque: opaque && !builtin && !ref };
}

function fromTerraform(r: IacResource, out: { assignments: AzureAssignment[]; definitions: AzureRoleDefinition[] }): void {
  if (r.type === 'azurerm_role_assignment') {
    const nameNode = get(r.body, 'role_definition_name');
    const idNode = get(r.body, 'role_definition_id');
    const roleNode = nameNode ?? idNode;
    const roleText = valueText(roleNode) ?? '(none)';
    const scopeNode = get(r.body, 'scope');
    const role = roleFields(roleText, isOpaque(roleNode));
    out.assignments.push({
      address: r.address,
      ...role,
      ...(nameNode && !role.builtin && !isOpaque(nameNode) ? { roleName: roleText } : {}),
      scope: valueText(scopeNode) ?? '(none)',
      scopeLevel: scopeLevelOf(valueText(scopeNode)),
      principal: valueText(get(r.body, 'principal_id')) ?? '(none)',
      node: roleNode ?? r.node,
    });
  } else if (r.type === 'azurerm_role_definition') {
    const perms = blocks(r.body, 'permissions');
    const scopes = strings(get(r.body, 'assignable_scopes'));
    const own = valueText(get(r.body, 'scope'));
    out.definitions.push({
      address: r.address,
      name: valueText(get(r.body, 'name')) ?? r.name,
      actions: perms.flatMap((p) => strings(get(p, 'actions'))),
      notActions: perms.flatMap((p) => strings(get(p, 'not_actions'))),
      dataActions: perms.flatMap((p) => strings(get(p, 'data_actions'))),
      assignableScopes: (scopes.length ? scopes : own ? [own] : []).map((text) => ({ text, level: scopeLevelOf(text) })),
      node: perms[0] ?? r.node,
    });
  }
}

const ARM_DEPLOYMENT_LEVEL: Array<[RegExp, ScopeLevel]> = [
  [/tenantDeploymentTemplate/i, ScopeLevel.Root],
  [/managementGroupDeploymentTemplate/i, ScopeLevel.ManagementGroup],
  [/subscriptionDeploymentTemplate/i, ScopeLevel.Subscription],
  [/deploymentTemplate/i, ScopeLevel.ResourceGroup],
];

function fromArm(r: IacResource, deployment: ScopeLevel, out: { assignments: AzureAssignment[]; definitions: AzureRoleDefinition[] }): void {
  const type = r.type.toLowerCase();
  if (type === 'microsoft.authorization/roleassignments') {
    const roleNode = get(r.body, 'roleDefinitionId');
    const roleText = valueText(roleNode) ?? '(none)';
    const scope = valueText(get(r.outer, 'scope')) ?? valueText(get(r.body, 'scope'));
    out.assignments.push({
      address: r.address,
      ...roleFields(roleText, isOpaque(roleNode)),
      scope: scope ?? '(deployment scope)',
      scopeLevel: scopeLevelOf(scope, deployment),
      principal: valueText(get(r.body, 'principalId')) ?? '(none)',
      node: roleNode ?? r.node,
    });
  } else if (type === 'microsoft.authorization/roledefinitions') {
    const perms = values(r.body, 'permissions').filter((p): p is Obj => p.kind === 'object');
    const scopes = strings(get(r.body, 'assignableScopes'));
    out.definitions.push({
      address: r.address,
      name: valueText(get(r.body, 'roleName')) ?? r.name,
      actions: perms.flatMap((p) => strings(get(p, 'actions'))),
      notActions: perms.flatMap((p) => strings(get(p, 'notActions'))),
      dataActions: perms.flatMap((p) => strings(get(p, 'dataActions'))),
      assignableScopes: scopes.map((text) => ({ text, level: scopeLevelOf(text, deployment) })),
      node: perms[0] ?? r.node,
    });
  }
}

/** `az role assignment create --role Owner --assignee x --scope /subscriptions/...`. */
function fromAzCli(doc: Doc, out: { assignments: AzureAssignment[] }): void {
  let index = 0;
  walkDoc(doc, (n) => {
    if (n.kind !== 'opaque' || !/(^|\/)az$/.test(n.callee ?? '') || !n.args) return;
    const words = n.args.map((a) => scalarText(resolve(a)));
    const at = words.indexOf('role');
    if (at < 0 || words[at + 1] !== 'assignment' || words[at + 2] !== 'create') return;
    const roleNode = get(n.kwargs, 'role');
    const roleText = valueText(roleNode);
    if (!roleText || !roleNode) return;
    const scopeText = valueText(get(n.kwargs, 'scope'));
    const rg = valueText(get(n.kwargs, 'resource-group')) ?? valueText(get(n.kwargs, 'g'));
    const level = scopeText ? scopeLevelOf(scopeText) : rg ? ScopeLevel.ResourceGroup : ScopeLevel.Unknown;
    const principal = valueText(get(n.kwargs, 'assignee')) ?? valueText(get(n.kwargs, 'assignee-object-id')) ?? '(none)';
    out.assignments.push({
      address: `az role assignment create #${index++}`,
      ...roleFields(roleText, isOpaque(roleNode)),
      scope: scopeText ?? (rg ? `resource group ${rg}` : '(none)'),
      scopeLevel: scopeText && isOpaque(get(n.kwargs, 'scope')) && level === ScopeLevel.Unknown ? ScopeLevel.Unknown : level,
      principal,
      node: roleNode,
    });
  });
}

export interface AzureRbac {
  assignments: AzureAssignment[];
  definitions: AzureRoleDefinition[];
}

export function extractAzureRbac(doc: Doc): AzureRbac {
  const out: AzureRbac = { assignments: [], definitions: [] };
  let deployment = ScopeLevel.Unknown;
  for (const root of doc.roots) {
    const schema = scalarText(get(resolve(root), '$schema'));
    if (schema) deployment = ARM_DEPLOYMENT_LEVEL.find(([re]) => re.test(schema))?.[1] ?? deployment;
  }
  for (const r of iacResources(doc)) {
    if (r.format === 'terraform') fromTerraform(r, out);
    else if (r.format === 'arm') fromArm(r, deployment, out);
  }
  if (doc.language === 'bash') fromAzCli(doc, out);
  return out;
}
