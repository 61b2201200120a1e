// GCP IAM, Azure RBAC and network exposure: widening pairs that must be findings, and narrowing,
// equivalent rewrites and unrelated edits that must not. JSON forms (Terraform JSON, CloudFormation,
// ARM, gcloud policy files) run now; HCL, YAML and shell forms run once their lowering is on main.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../src/core/findings';
import { FIXTURES, diffText, parse, scanText } from './helpers';

const OURS = /^(iam\/(gcp|azure)-|exposure\/)/;
const mine = (fs: Finding[]) => fs.filter((f) => OURS.test(f.ruleId));
const ids = (fs: Finding[]) => mine(fs).map((f) => f.ruleId).sort();

async function diff(file: string, before: string | undefined, after: string): Promise<Finding[]> {
  return mine((await diffText(file, before, after)).findings);
}
async function scan(file: string, text: string): Promise<Finding[]> {
  return mine((await scanText(file, text)).findings);
}
async function requireLowering(ctx: Mocha.Context, file: string, sample: string): Promise<void> {
  try {
    await parse(sample, file);
  } catch {
    ctx.skip();
  }
}
const fixture = (name: string) => readFileSync(path.join(FIXTURES, 'iam-cloud', name), 'utf8');
const edit = (text: string, f: (j: any) => void) => {
  const j = JSON.parse(text);
  f(j);
  return JSON.stringify(j, null, 2);
};

describe('iam-gcp: Terraform JSON module', () => {
  const before = fixture('gcp-before.tf.json');

  it('is silent for the unchanged module and its narrow grants in scan', async () => {
    assert.deepEqual(await diff('iam.tf.json', before, before), []);
    assert.deepEqual(await scan('iam.tf.json', before), []);
  });

  it('reports roles/owner to a user on the project as a basic role, critical, naming the project', async () => {
    const after = edit(before, (j) => (j.resource.google_project_iam_member.owner = { project: 'acme-prod', role: 'roles/owner', member: 'user:intern@acme.com' }));
    const fs = await diff('iam.tf.json', before, after);
    assert.deepEqual(ids(fs), ['iam/gcp-basic-role']);
    assert.equal(fs[0].severity, 'critical');
    assert.match(fs[0].message, /Grants roles\/owner to user:intern@acme.com on project acme-prod/);
  });

  it('reports allUsers added to a bucket binding and one finding for several risks of one grant', async () => {
    const after = edit(before, (j) => {
      j.resource.google_storage_bucket_iam_member.reader.member = 'allUsers';
      j.resource.google_project_iam_binding.viewers.members.push('allAuthenticatedUsers');
      j.resource.google_project_iam_binding.viewers.role = 'roles/editor';
    });
    const fs = await diff('iam.tf.json', before, after);
    assert.ok(fs.some((f) => f.ruleId === 'iam/gcp-public-member' && /allUsers on storage bucket/.test(f.message)));
    const both = fs.find((f) => /allAuthenticatedUsers/.test(f.message))!;
    assert.equal(both.ruleId, 'iam/gcp-public-member');
    assert.match(both.message, /basic role roles\/editor/);
    assert.equal(fs.filter((f) => /allAuthenticatedUsers/.test(f.message)).length, 1);
  });

  it('reports service-account user at project level but not on a single service account', async () => {
    const after = edit(before, (j) => {
      j.resource.google_project_iam_member.sa_user = { project: 'acme-prod', role: 'roles/iam.serviceAccountTokenCreator', member: 'user:dev@acme.com' };
      j.resource.google_service_account_iam_member.other = { service_account_id: 'projects/acme-prod/serviceAccounts/x@acme-prod.iam.gserviceaccount.com', role: 'roles/iam.serviceAccountUser', member: 'user:dev@acme.com' };
    });
    const fs = await diff('iam.tf.json', before, after);
    assert.deepEqual(ids(fs), ['iam/gcp-service-account-impersonation']);
    assert.equal(fs[0].severity, 'critical');
  });

  it('reports IAM-admin and admin roles on the org, and the default compute service account', async () => {
    const after = edit(before, (j) => {
      j.resource.google_organization_iam_member = {
        sec: { org_id: '1234567', role: 'roles/iam.securityAdmin', member: 'group:sec@acme.com' },
        net: { org_id: '1234567', role: 'roles/compute.networkAdmin', member: 'group:net@acme.com' },
      };
      j.resource.google_project_iam_member.default_sa = { project: 'acme-prod', role: 'roles/pubsub.publisher', member: 'serviceAccount:123456789-compute@developer.gserviceaccount.com' };
    });
    const fs = await diff('iam.tf.json', before, after);
    assert.deepEqual(ids(fs), ['iam/gcp-admin-role', 'iam/gcp-default-service-account', 'iam/gcp-iam-admin-role']);
    assert.equal(fs.find((f) => f.ruleId === 'iam/gcp-iam-admin-role')!.severity, 'critical');
    assert.equal(fs.find((f) => f.ruleId === 'iam/gcp-admin-role')!.severity, 'high');
  });

  it('reports a new member on an existing binding as widening with counts; silent when removed', async () => {
    const after = edit(before, (j) => j.resource.google_project_iam_binding.viewers.members.push('group:contractors@acme.com'));
    const fs = await diff('iam.tf.json', before, after);
    assert.deepEqual(ids(fs), ['iam/gcp-binding-widened']);
    assert.match(fs[0].message, /widened from 3 to 4 role-member pairs: roles\/monitoring.viewer added for group:contractors@acme.com/);
    assert.deepEqual(await diff('iam.tf.json', after, before), []);
  });

  it('is silent when a binding is rewritten as members, re-ordered or renamed', async () => {
    const after = edit(before, (j) => {
      const b = j.resource.google_project_iam_binding.viewers;
      delete j.resource.google_project_iam_binding;
      j.resource.google_project_iam_member.sre = { project: 'acme-prod', role: b.role, member: b.members[1] };
      j.resource.google_project_iam_member.dev = { role: b.role, member: b.members[0], project: 'acme-prod' };
    });
    assert.deepEqual(await diff('iam.tf.json', before, after), []);
  });

  it('reads google_iam_policy data bindings and the _iam_policy resource that uses them', async () => {
    const after = edit(before, (j) => {
      j.data.google_iam_policy.org.binding.push({ role: 'roles/owner', members: ['group:all@acme.com'] });
      j.resource.google_organization_iam_policy = { org: { org_id: '1234567', policy_data: '${data.google_iam_policy.org.policy_data}' } };
    });
    const fs = await diff('iam.tf.json', before, after);
    assert.deepEqual(ids(fs), ['iam/gcp-basic-role']);
    assert.match(fs[0].message, /on organization 1234567/);
  });

  it('reports a member given by a variable honestly, at low severity', async () => {
    const after = edit(before, (j) => (j.resource.google_project_iam_member.dyn = { project: 'acme-prod', role: 'roles/run.invoker', member: '${var.invoker}' }));
    const fs = await diff('iam.tf.json', before, after);
    assert.deepEqual(ids(fs), ['iam/gcp-unresolved-value']);
    assert.equal(fs[0].severity, 'low');
    assert.match(fs[0].message, /cannot prove it is narrower/);
  });

  it('lowers severity one step for a conditioned grant', async () => {
    const after = edit(before, (j) => (j.resource.google_project_iam_member.tmp = { project: 'acme-prod', role: 'roles/editor', member: 'user:oncall@acme.com', condition: { title: 'expires', expression: 'request.time < timestamp("2030-01-01T00:00:00Z")' } }));
    const [f] = await diff('iam.tf.json', before, after);
    assert.equal(f.severity, 'medium');
    assert.match(f.message, /with an IAM condition/);
  });
});

describe('iam-gcp: IAM policy JSON (gcloud get-iam-policy / set-iam-policy)', () => {
  const policy = (bindings: object[]) => JSON.stringify({ bindings, etag: 'BwX', version: 1 }, null, 2);
  const base = [{ role: 'roles/storage.objectViewer', members: ['group:web@acme.com'] }];
  it('reports allUsers and owner; silent for re-ordering and removal', async () => {
    const wider = [...base, { role: 'roles/storage.objectViewer', members: ['allUsers'] }, { role: 'roles/owner', members: ['user:a@acme.com'] }];
    assert.deepEqual(ids(await diff('policy.json', policy(base), policy(wider))), ['iam/gcp-basic-role', 'iam/gcp-public-member']);
    assert.deepEqual(await diff('policy.json', policy(wider), policy([...wider].reverse())), []);
    assert.deepEqual(await diff('policy.json', policy(wider), policy(base)), []);
  });
});

describe('iam-gcp: Terraform HCL and gcloud (await the HCL and bash lowering)', () => {
  const tf = `resource "google_project_iam_binding" "viewers" {
  project = var.project
  role    = "roles/viewer"
  members = ["group:sre@acme.com"]
}

data "google_iam_policy" "admin" {
  binding {
    role    = "roles/storage.objectViewer"
    members = ["group:web@acme.com"]
  }
}

resource "google_storage_bucket_iam_policy" "assets" {
  bucket      = google_storage_bucket.assets.name
  policy_data = data.google_iam_policy.admin.policy_data
}
`;
  it('Terraform: new public member in google_iam_policy data, owner member; silent when unchanged', async function () {
    await requireLowering(this, 'a.tf', 'a = 1');
    assert.deepEqual(await diff('iam.tf', tf, tf), []);
    const after = tf.replace('members = ["group:web@acme.com"]', 'members = ["group:web@acme.com", "allUsers"]') + `\nresource "google_project_iam_member" "own" {\n  project = var.project\n  role    = "roles/owner"\n  member  = "user:x@acme.com"\n}\n`;
    assert.deepEqual(ids(await diff('iam.tf', tf, after)), ['iam/gcp-basic-role', 'iam/gcp-public-member']);
  });

  it('gcloud add-iam-policy-binding in a script', async function () {
    await requireLowering(this, 'a.sh', 'echo hi');
    const sh = `gcloud projects add-iam-policy-binding acme-prod --member=user:dev@acme.com --role=roles/iam.serviceAccountUser\ngcloud storage buckets add-iam-policy-binding gs://assets --member=allUsers --role=roles/storage.objectViewer\ngcloud projects add-iam-policy-binding acme-prod --member user:ro@acme.com --role roles/logging.viewer\n`;
    assert.deepEqual(ids(await scan('grant.sh', sh)), ['iam/gcp-public-member', 'iam/gcp-service-account-impersonation']);
  });
});

describe('iam-azure: ARM template', () => {
  const before = fixture('azure-before.json');
  const assign = (name: string, guid: string, scope?: string) => ({
    type: 'Microsoft.Authorization/roleAssignments',
    apiVersion: '2022-04-01',
    name,
    ...(scope ? { scope } : {}),
    properties: { roleDefinitionId: `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${guid}')]`, principalId: '22222222-2222-2222-2222-222222222222' },
  });

  it('is silent for the unchanged template and in scan', async () => {
    assert.deepEqual(await diff('rbac.json', before, before), []);
    assert.deepEqual(await scan('rbac.json', before), []);
  });

  it('reports Owner at the deployment subscription (critical) and Contributor by GUID (high)', async () => {
    const after = edit(before, (j) => j.resources.push(assign('owner', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635'), assign('contrib', 'b24988ac-6180-42a0-ab88-20f7382dd24c')));
    const fs = await diff('rbac.json', before, after);
    assert.deepEqual(ids(fs), ['iam/azure-privileged-role', 'iam/azure-privileged-role']);
    assert.deepEqual(fs.map((f) => f.severity).sort(), ['critical', 'high']);
    assert.match(fs.find((f) => f.severity === 'critical')!.message, /Assigns Owner .* on a subscription/);
  });

  it('reports User Access Administrator on a resource group at high, Contributor there not at all', async () => {
    const rg = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/vms';
    const after = edit(before, (j) => j.resources.push(assign('uaa', '18d7d88d-d35d-4fb5-a5c3-7773c20a72d9', rg), assign('c', 'b24988ac-6180-42a0-ab88-20f7382dd24c', rg)));
    const fs = await diff('rbac.json', before, after);
    assert.deepEqual(ids(fs), ['iam/azure-privileged-role']);
    assert.equal(fs[0].severity, 'high');
  });

  it('reports a custom role gaining * and a subscription scope as one finding; narrowing is silent', async () => {
    const after = edit(before, (j) => {
      j.resources[0].properties.permissions[0].actions = ['*'];
      j.resources[0].properties.assignableScopes = ['/subscriptions/00000000-0000-0000-0000-000000000001'];
    });
    const fs = await diff('rbac.json', before, after);
    assert.deepEqual(ids(fs), ['iam/azure-custom-role-wildcard']);
    assert.equal(fs[0].severity, 'critical');
    assert.match(fs[0].message, /assignable scope widened from a resource group to a subscription/);
    assert.deepEqual(await diff('rbac.json', after, before), []);
  });

  it('reports custom role actions widened with counts, and roleAssignments/write as permissions management', async () => {
    const wider = edit(before, (j) => j.resources[0].properties.permissions[0].actions.push('Microsoft.Compute/virtualMachines/*'));
    const fs = await diff('rbac.json', before, wider);
    assert.deepEqual(ids(fs), ['iam/azure-role-actions-widened']);
    assert.match(fs[0].message, /actions widened from 3 to 4 patterns: \+1 action pattern \(Microsoft.Compute\/virtualMachines\/\*\)/);
    const pm = edit(before, (j) => j.resources[0].properties.permissions[0].actions.push('Microsoft.Authorization/roleAssignments/write'));
    const [p] = await diff('rbac.json', before, pm);
    assert.equal(p.ruleId, 'iam/azure-role-permissions-management');
    assert.equal(p.severity, 'high');
  });

  it('reports an existing assignment moved to a broader scope', async () => {
    const after = edit(before, (j) => (j.resources[1].scope = '/subscriptions/00000000-0000-0000-0000-000000000001'));
    const fs = await diff('rbac.json', before, after);
    assert.deepEqual(ids(fs), ['iam/azure-scope-widened']);
    assert.match(fs[0].message, /widened from a resource group to a subscription/);
  });
});

describe('iam-azure: Terraform JSON', () => {
  const before = JSON.stringify({
    resource: {
      azurerm_role_assignment: { app: { scope: '${azurerm_resource_group.app.id}', role_definition_name: 'Reader', principal_id: '${azurerm_user_assigned_identity.app.principal_id}' } },
    },
  });
  it('reports Owner on the subscription, a role given by a variable, and a role change', async () => {
    const after = edit(before, (j) => {
      j.resource.azurerm_role_assignment.admin = { scope: '${data.azurerm_subscription.primary.id}', role_definition_name: 'Owner', principal_id: '${var.admin_id}' };
      j.resource.azurerm_role_assignment.dyn = { scope: '${data.azurerm_subscription.primary.id}', role_definition_name: '${var.role}', principal_id: '${var.x}' };
      j.resource.azurerm_role_assignment.app.role_definition_name = 'Storage Blob Data Contributor';
    });
    const fs = await diff('rbac.tf.json', before, after);
    assert.deepEqual(ids(fs), ['iam/azure-assignment-role-changed', 'iam/azure-privileged-role', 'iam/azure-unresolved-value']);
    assert.equal(fs.find((f) => f.ruleId === 'iam/azure-privileged-role')!.severity, 'critical');
  });

  it('reports a custom role with * assignable at the subscription (Checkov CKV_AZURE_39 shape)', async () => {
    const def = { resource: { azurerm_role_definition: { custom: { name: 'my-owner', scope: '${data.azurerm_subscription.primary.id}', permissions: [{ actions: ['*'], not_actions: [] }], assignable_scopes: ['${data.azurerm_subscription.primary.id}'] } } } };
    const fs = await scan('role.tf.json', JSON.stringify(def));
    assert.deepEqual(ids(fs), ['iam/azure-custom-role-wildcard']);
    const narrow = { resource: { azurerm_role_definition: { custom: { ...def.resource.azurerm_role_definition.custom, permissions: [{ actions: ['Microsoft.Resources/subscriptions/resourceGroups/read'] }] } } } };
    assert.deepEqual(await scan('role.tf.json', JSON.stringify(narrow)), []);
  });
});

describe('iam-azure: HCL and az CLI (await the lowering)', () => {
  it('Terraform HCL: Owner role assignment on the subscription', async function () {
    await requireLowering(this, 'a.tf', 'a = 1');
    const tf = `resource "azurerm_role_assignment" "ci" {\n  scope                = data.azurerm_subscription.primary.id\n  role_definition_name = "Owner"\n  principal_id         = azuread_service_principal.ci.object_id\n}\n`;
    const fs = await scan('rbac.tf', tf);
    assert.deepEqual(ids(fs), ['iam/azure-privileged-role']);
    assert.equal(fs[0].severity, 'critical');
  });
  it('az role assignment create', async function () {
    await requireLowering(this, 'a.sh', 'echo hi');
    const sh = `az role assignment create --assignee "$SP_ID" --role "User Access Administrator" --scope /subscriptions/$SUB\naz role assignment create --assignee x --role Reader --scope /subscriptions/abc\n`;
    assert.deepEqual(ids(await scan('grant.sh', sh)), ['iam/azure-privileged-role']);
  });
});

describe('exposure: CloudFormation JSON', () => {
  const before = fixture('sg-before.json');
  it('is silent for the unchanged template and for HTTPS open to the world in scan', async () => {
    assert.deepEqual(await diff('net.json', before, before), []);
    assert.deepEqual(await scan('net.json', before), []);
  });

  it('reports SSH opened to 0.0.0.0/0 (was 10.0.0.0/8) as critical, fingerprint from content', async () => {
    const after = edit(before, (j) => (j.Resources.WebSG.Properties.SecurityGroupIngress[1].CidrIp = '0.0.0.0/0'));
    const fs = await diff('net.json', before, after);
    assert.deepEqual(ids(fs), ['exposure/world-open-admin-port']);
    assert.equal(fs[0].severity, 'critical');
    assert.match(fs[0].message, /Security group WebSG opens SSH \(tcp port 22\) to 0.0.0.0\/0 \(any IPv4 address\) \(was 10.0.0.0\/8\)/);
    const [again] = await diff('net.json', before, '\n\n' + after);
    assert.equal(again.fingerprint, fs[0].fingerprint);
  });

  it('reports a separate SecurityGroupIngress opening PostgreSQL over IPv6, and -1 as all ports', async () => {
    const after = edit(before, (j) => {
      j.Resources.DbPublic = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { Ref: 'DbSG' }, IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIpv6: '::/0' } };
      j.Resources.DbSG.Properties.SecurityGroupIngress = [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }];
    });
    const fs = await diff('net.json', before, after);
    assert.deepEqual(ids(fs), ['exposure/world-open-all-ports', 'exposure/world-open-database-port']);
    assert.match(fs.find((f) => f.ruleId === 'exposure/world-open-database-port')!.message, /PostgreSQL \(tcp port 5432\) to ::\/0 \(any IPv6 address\)/);
  });

  it('is silent for narrowing and for moving a world rule between inline and separate form', async () => {
    const open = edit(before, (j) => (j.Resources.WebSG.Properties.SecurityGroupIngress[1].CidrIp = '0.0.0.0/0'));
    assert.deepEqual(await diff('net.json', open, before), []);
    const moved = edit(open, (j) => {
      const [ssh] = j.Resources.WebSG.Properties.SecurityGroupIngress.splice(1, 1);
      j.Resources.WebSsh = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': ['WebSG', 'GroupId'] }, ...ssh } };
    });
    assert.deepEqual(await diff('net.json', open, moved), []);
  });

  it('treats 0.0.0.0/1 halves as world and ignores a /8', async () => {
    const after = edit(before, (j) => j.Resources.WebSG.Properties.SecurityGroupIngress.push({ IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, CidrIp: '128.0.0.0/1' }, { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, CidrIp: '100.0.0.0/8' }));
    assert.deepEqual(ids(await diff('net.json', before, after)), ['exposure/world-open-admin-port']);
  });
});

describe('exposure: Terraform JSON (AWS, GCP, Azure)', () => {
  const tf = (resource: object) => JSON.stringify({ resource }, null, 2);
  it('aws_security_group ingress, aws_security_group_rule and aws_vpc_security_group_ingress_rule', async () => {
    const fs = await scan(
      'sg.tf.json',
      tf({
        aws_security_group: { web: { name: 'web', ingress: [{ from_port: 0, to_port: 1024, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] }] } },
        aws_security_group_rule: { redis: { type: 'ingress', security_group_id: '${aws_security_group.web.id}', from_port: 6379, to_port: 6379, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] }, out: { type: 'egress', security_group_id: '${aws_security_group.web.id}', from_port: 0, to_port: 0, protocol: '-1', cidr_blocks: ['0.0.0.0/0'] } },
        aws_vpc_security_group_ingress_rule: { app: { security_group_id: '${aws_security_group.web.id}', cidr_ipv4: '0.0.0.0/0', from_port: 8081, ip_protocol: 'tcp', to_port: 8081 } },
      }),
    );
    assert.deepEqual(ids(fs), ['exposure/world-open-admin-port', 'exposure/world-open-database-port', 'exposure/world-open-port']);
    assert.match(fs.find((f) => f.ruleId === 'exposure/world-open-admin-port')!.message, /ports 0-1024 \(1025 ports\), incl\. SSH 22, Telnet 23/);
  });

  it('google_compute_firewall: source_ranges with allow blocks; EGRESS and disabled rules are silent', async () => {
    const fw = (extra: object) => tf({ google_compute_firewall: { ssh: { name: 'allow-ssh', network: '${google_compute_network.vpc.name}', source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['22', '8443'] }], ...extra } } });
    assert.deepEqual(ids(await scan('fw.tf.json', fw({}))), ['exposure/world-open-admin-port', 'exposure/world-open-port']);
    assert.deepEqual(await scan('fw.tf.json', fw({ direction: 'EGRESS' })), []);
    assert.deepEqual(await scan('fw.tf.json', fw({ disabled: true })), []);
    assert.deepEqual(ids(await scan('fw.tf.json', tf({ google_compute_firewall: { all: { network: 'default', source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'all' }] } } }))), ['exposure/world-open-all-ports']);
  });

  it('Azure NSG inline security_rule and azurerm_network_security_rule with * and Internet', async () => {
    const nsg = tf({
      azurerm_network_security_group: { web: { name: 'web', security_rule: [{ name: 'rdp', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source_port_range: '*', destination_port_range: '3389', source_address_prefix: '*', destination_address_prefix: '*' }, { name: 'deny', priority: 200, direction: 'Inbound', access: 'Deny', protocol: '*', source_port_range: '*', destination_port_range: '*', source_address_prefix: '*', destination_address_prefix: '*' }] } },
      azurerm_network_security_rule: { sql: { name: 'sql', priority: 110, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source_port_range: '*', destination_port_ranges: ['1433', '443'], source_address_prefix: 'Internet', destination_address_prefix: '*', network_security_group_name: '${azurerm_network_security_group.web.name}' } },
    });
    const fs = await scan('nsg.tf.json', nsg);
    assert.deepEqual(ids(fs), ['exposure/world-open-admin-port', 'exposure/world-open-database-port']);
  });

  it('reports a source range that became a variable on SSH at low severity', async () => {
    const sg = (cidrs: unknown) => tf({ aws_security_group: { bastion: { ingress: [{ from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: cidrs }] } } });
    const fs = await diff('sg.tf.json', sg(['10.1.0.0/16']), sg('${var.admin_cidrs}'));
    assert.deepEqual(ids(fs), ['exposure/unresolved-source']);
    assert.equal(fs[0].severity, 'low');
  });
});

describe('exposure: HCL and CloudFormation YAML (await the lowering)', () => {
  it('Terraform HCL security group with inline ingress', async function () {
    await requireLowering(this, 'a.tf', 'a = 1');
    const before = `resource "aws_security_group" "db" {\n  name = "db"\n  ingress {\n    from_port   = 5432\n    to_port     = 5432\n    protocol    = "tcp"\n    cidr_blocks = ["10.0.0.0/16"]\n  }\n}\n`;
    const after = before.replace('"10.0.0.0/16"', '"10.0.0.0/16", "0.0.0.0/0"');
    const fs = await diff('sg.tf', before, after);
    assert.deepEqual(ids(fs), ['exposure/world-open-database-port']);
    assert.deepEqual(await diff('sg.tf', after, before), []);
  });
  it('CloudFormation YAML SecurityGroupIngress', async function () {
    await requireLowering(this, 'a.yaml', 'a: 1');
    const y = `Resources:\n  SG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: x\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: 0.0.0.0/0\n`;
    assert.deepEqual(ids(await scan('sg.yaml', y)), ['exposure/world-open-admin-port']);
  });
});
