import { strict as assert } from 'node:assert';
import { diffText, scanText } from './helpers';
import { requireLowering } from './lowering-gate';

const MANIFEST = `# RBAC for the deploy bot
apiVersion: v1
kind: ServiceAccount
metadata:
  name: deployer
  namespace: ci
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: deployer
rules:
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["get", "list", "patch"]
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: deployer
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: deployer
subjects:
  - kind: ServiceAccount
    name: deployer
    namespace: ci
`;

async function diff(before: string | undefined, after: string, file = 'deploy/rbac.yaml') {
  return (await diffText(file, before, after)).findings;
}

describe('k8s RBAC (YAML manifests)', () => {
  before(requireLowering('x.yaml', 'a: 1\n'));
  it('reports a wildcard gained in the second rule, not only the first', async () => {
    const after = MANIFEST.replace('resources: ["configmaps"]\n    verbs: ["get"]', 'resources: ["*"]\n    verbs: ["*"]');
    const f = await diff(MANIFEST, after);
    assert.deepEqual(f.map((x) => [x.ruleId, x.severity]), [['iam/k8s-wildcard-rule', 'critical']]);
    assert.match(f[0].message, /ClusterRole `deployer` rule 2 now grants verbs \[\*\] on resources \[\*\]/);
    // The finding points at the rule (its `- apiGroups` line, manifest line 16).
    assert.equal(f[0].range.startLine, 16);
  });

  it('reports escalation verbs, exec, secrets, webhooks and CSR approval as separate rules', async () => {
    const extra = `
  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["clusterroles"]
    verbs: ["bind", "escalate"]
  - apiGroups: [""]
    resources: ["pods/exec"]
    verbs: ["create"]
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get", "list"]
  - apiGroups: ["admissionregistration.k8s.io"]
    resources: ["mutatingwebhookconfigurations"]
    verbs: ["create", "patch"]
  - apiGroups: ["certificates.k8s.io"]
    resources: ["certificatesigningrequests/approval"]
    verbs: ["update"]
`;
    const after = MANIFEST.replace('    verbs: ["get"]\n', '    verbs: ["get"]\n' + extra.slice(1));
    const ids = (await diff(MANIFEST, after)).map((x) => x.ruleId).sort();
    assert.deepEqual(ids, ['iam/k8s-csr-approval', 'iam/k8s-escalation-verb', 'iam/k8s-exec-access', 'iam/k8s-secrets-read', 'iam/k8s-webhook-write']);
  });

  it('reports secrets read in a namespaced Role at medium, and nothing when limited to named secrets', async () => {
    const role = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: reader, namespace: app }
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get", "list"]
`;
    const ns = await diff(undefined, role);
    assert.deepEqual(ns.map((f) => [f.ruleId, f.severity]), [['iam/k8s-secrets-read', 'medium']]);
    assert.match(ns[0].message, /get, list on every secret in namespace `app`/);
    const named = MANIFEST.replace('resources: ["configmaps"]\n    verbs: ["get"]', 'resources: ["secrets"]\n    resourceNames: ["tls-cert"]\n    verbs: ["get"]');
    assert.deepEqual(await diff(MANIFEST, named), []);
  });

  it('is silent on re-ordered documents and rules, reformatting and narrowing', async () => {
    const docs = MANIFEST.split('---\n');
    const reordered = [docs[2], docs[1].replace(/  - apiGroups: \["apps"\][\s\S]*?"patch"\]\n/, ''), docs[0]].join('---\n') +
      '  # moved\n';
    const withRule = reordered.replace('rules:\n', 'rules:\n  - apiGroups: ["apps"]\n    resources: ["deployments"]\n    verbs: ["patch", "list", "get"]\n');
    assert.deepEqual(await diff(MANIFEST, withRule), []);
    const wide = MANIFEST.replace('verbs: ["get"]', 'verbs: ["*"]');
    assert.deepEqual(await diff(wide, MANIFEST), []);
  });

  it('reports cluster-admin granted cluster-wide and a public subject, not a namespaced edit binding', async () => {
    const after = MANIFEST.replace('  name: deployer\nsubjects', '  name: cluster-admin\nsubjects');
    const f = await diff(MANIFEST, after);
    assert.deepEqual(f.map((x) => [x.ruleId, x.severity]), [['iam/k8s-privileged-binding', 'critical']]);
    assert.match(f[0].message, /now grants `cluster-admin` cluster-wide to 1 subject: ServiceAccount ci\/deployer/);

    const pub = MANIFEST.replace('    namespace: ci\n', '    namespace: ci\n  - kind: Group\n    name: system:authenticated\n    apiGroup: rbac.authorization.k8s.io\n').replace(/namespace: ci\n$/, 'namespace: ci\n');
    const g = await diff(MANIFEST, pub);
    assert.deepEqual(g.map((x) => x.ruleId), ['iam/k8s-public-subject']);

    const ns = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: team-edit, namespace: team-a }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit }
subjects: [{ kind: Group, name: team-a-devs, apiGroup: rbac.authorization.k8s.io }]
`;
    assert.deepEqual(await diff(undefined, ns), []);
  });

  it('reports aggregation selectors and aggregate-to labels', async () => {
    const agg = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: monitoring
aggregationRule:
  clusterRoleSelectors:
    - matchLabels:
        rbac.example.com/aggregate-to-monitoring: "true"
rules: []
`;
    const wider = agg.replace('rules: []', '    - {}\nrules: []');
    assert.deepEqual((await diff(agg, wider)).map((x) => [x.ruleId, x.severity]), [['iam/k8s-aggregated-role', 'critical']]);
    const labelled = MANIFEST.replace('kind: ClusterRole\nmetadata:\n  name: deployer\n', 'kind: ClusterRole\nmetadata:\n  name: deployer\n  labels:\n    rbac.authorization.k8s.io/aggregate-to-edit: "true"\n');
    const f = await diff(MANIFEST, labelled);
    assert.deepEqual(f.map((x) => x.ruleId), ['iam/k8s-aggregated-role']);
    assert.match(f[0].message, /aggregates its 2 rules into the built-in `edit` ClusterRole/);
  });

  it('reads List kinds and literal rules in Helm values', async () => {
    const listDoc = `apiVersion: v1
kind: List
items:
  - apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: { name: ops }
    rules:
      - apiGroups: [""]
        resources: ["nodes/proxy"]
        verbs: ["get"]
`;
    assert.deepEqual((await diff(undefined, listDoc)).map((x) => x.ruleId), ['iam/k8s-exec-access']);
    const values = `replicaCount: 2
rbac:
  create: true
  clusterRules:
    - apiGroups: [""]
      resources: ["pods"]
      verbs: ["get", "list"]
`;
    const wider = values.replace('verbs: ["get", "list"]', 'verbs: ["get", "list"]\n    - apiGroups: [""]\n      resources: ["secrets"]\n      verbs: ["list", "watch"]');
    assert.deepEqual((await diff(values, wider, 'charts/app/values.yaml')).map((x) => x.ruleId), ['iam/k8s-secrets-read']);
  });

  it('reports every risky grant in scan mode and nothing for a plain viewer role', async () => {
    const r = await scanText('k8s/rbac.yaml', MANIFEST.replace('verbs: ["get"]', 'verbs: ["*"]'));
    assert.deepEqual(r.findings.map((x) => x.ruleId), ['iam/k8s-wildcard-rule']);
    assert.deepEqual((await scanText('k8s/rbac.yaml', MANIFEST)).findings, []);
  });
});

describe('k8s RBAC (JSON manifests)', () => {
  const role = (verbs: string[]) =>
    JSON.stringify(
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'bot' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }, { apiGroups: ['*'], resources: ['serviceaccounts'], verbs }] },
      null,
      2,
    );

  it('reports impersonate added to an existing rule and keeps the fingerprint across reformatting', async () => {
    const a = await diff(role(['get']), role(['get', 'impersonate']), 'k8s/bot.json');
    assert.deepEqual(a.map((x) => x.ruleId), ['iam/k8s-escalation-verb']);
    const compact = JSON.stringify(JSON.parse(role(['impersonate', 'get'])));
    const b = await diff(role(['get']), compact, 'k8s/bot.json');
    assert.equal(a[0].fingerprint, b[0].fingerprint);
  });

  it('reports a new wildcard apiGroup rule as a wildcard, and nothing when it is removed', async () => {
    const wide = role(['*']);
    assert.deepEqual((await diff(role(['get']), wide, 'k8s/bot.json')).map((x) => x.ruleId), ['iam/k8s-wildcard-rule']);
    assert.deepEqual(await diff(wide, role(['get']), 'k8s/bot.json'), []);
  });
});
