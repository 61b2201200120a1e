// Drift across formats, written against the lowering conventions in docs/architecture.md. A
// language whose lowering has not landed yet makes its tests pending, not failing.
import { strict as assert } from 'node:assert';
import type { Finding } from '../../src/core/findings';
import type { RulesConfig } from '../../src/core/rules';
import { diffText, parse } from './helpers';

const probes: Record<string, [string, string]> = {
  yaml: ['probe.yaml', 'a: 1\n'],
  hcl: ['probe.tf', 'a = 1\n'],
  toml: ['probe.toml', 'a = 1\n'],
  dotenv: ['probe.env', 'A=1\n'],
  properties: ['probe.properties', 'a=1\n'],
  typescript: ['probe.ts', 'const a = { b: 1 };\n'],
  python: ['probe.py', 'a = {"b": 1}\n'],
};
const lowered = new Map<string, boolean>();

async function available(lang: string): Promise<boolean> {
  if (!lowered.has(lang)) {
    const [file, text] = probes[lang];
    try {
      const doc = await parse(text, file);
      lowered.set(lang, doc.roots.length > 0);
    } catch {
      lowered.set(lang, false);
    }
  }
  return lowered.get(lang)!;
}

function needs(lang: string) {
  return async function (this: Mocha.Context) {
    if (!(await available(lang))) this.skip();
  };
}

async function drift(file: string, before: string | undefined, after: string, rules: RulesConfig = {}): Promise<Finding[]> {
  const r = await diffText(file, before, after, rules);
  assert.deepEqual(r.notes.filter((n) => n.level === 'error'), []);
  return r.findings.filter((f) => f.category === 'drift');
}

async function one(file: string, before: string | undefined, after: string, rule: string, rules: RulesConfig = {}): Promise<Finding> {
  const f = await drift(file, before, after, rules);
  assert.deepEqual(f.map((x) => x.ruleId), [rule], JSON.stringify(f.map((x) => x.message)));
  return f[0];
}

async function none(file: string, before: string | undefined, after: string, rules: RulesConfig = {}): Promise<void> {
  const f = await drift(file, before, after, rules);
  assert.deepEqual(f.map((x) => x.message), []);
}

const deployment = (sc: string, extra = '', name = 'web') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: app
          image: app:1
          securityContext:
${sc}
          resources:
            requests: {cpu: 100m}
${extra}`;

describe('drift in YAML (Kubernetes, Helm, compose)', function () {
  beforeEach(needs('yaml'));

  it('flags a container made privileged and privilege escalation allowed', async () => {
    const f = await drift('k8s/web.yaml', deployment('            privileged: false\n            allowPrivilegeEscalation: false'), deployment('            privileged: true\n            allowPrivilegeEscalation: true'));
    assert.deepEqual(f.map((x) => x.ruleId), ['drift/privileged-container', 'drift/privileged-container']);
    assert.ok(f.some((x) => /spec\.template\.spec\.containers\[0\]\.securityContext\.privileged`: false -> true/.test(x.message)));
  });

  it('flags hostNetwork, SYS_ADMIN and runAsUser 0', async () => {
    const f = await drift('k8s/web.yaml', deployment('            runAsUser: 1000'), deployment('            runAsUser: 0\n            capabilities:\n              add: [SYS_ADMIN]') + '      hostNetwork: true\n');
    assert.deepEqual(f.map((x) => x.ruleId).sort(), ['drift/privileged-container', 'drift/privileged-container', 'drift/privileged-container']);
  });

  it('flags resource limits removed', async () => {
    const withLimits = deployment('            runAsNonRoot: true').replace('requests: {cpu: 100m}', 'requests: {cpu: 100m}\n            limits: {cpu: 500m, memory: 256Mi}');
    const f = await one('k8s/web.yaml', withLimits, deployment('            runAsNonRoot: true'), 'drift/resource-limits');
    assert.match(f.message, /resources\.limits/);
  });

  it('matches documents by kind and name, so re-ordering a stream is not drift', async () => {
    const a = deployment('            privileged: true', '', 'a');
    const b = deployment('            privileged: false', '', 'b');
    await none('k8s/all.yaml', `${a}---\n${b}`, `${b}---\n${a}`);
    await one('k8s/all.yaml', `${a}---\n${b}`, `${deployment('            privileged: true', '', 'b')}---\n${a}`, 'drift/privileged-container');
  });

  it('flags replicas cut to 1 in a production file only', async () => {
    const base = deployment('            runAsNonRoot: true');
    await none('k8s/staging/web.yaml', base, base.replace('replicas: 3', 'replicas: 1'));
    const f = await one('k8s/prod/web.yaml', base, base.replace('replicas: 3', 'replicas: 1'), 'drift/replicas-reduced');
    assert.equal(f.severity, 'high');
  });

  it('flags Helm values: TLS verification, debug and CORS', async () => {
    const f = await drift('charts/api/values.yaml', 'api:\n  tls:\n    insecureSkipVerify: false\n  debug: false\n  cors:\n    allowedOrigins: ["https://app.example.com"]\n', 'api:\n  tls:\n    insecureSkipVerify: true\n  debug: true\n  cors:\n    allowedOrigins: ["*"]\n');
    assert.deepEqual(f.map((x) => x.ruleId).sort(), ['drift/cors-wildcard', 'drift/debug-output', 'drift/tls-verification']);
  });

  it('flags docker-compose privileged, host network, root user and an env var list', async () => {
    const before = 'services:\n  api:\n    image: api\n    user: "1000"\n    environment:\n      - NODE_ENV=production\n      - NODE_TLS_REJECT_UNAUTHORIZED=1\n';
    const after = 'services:\n  api:\n    image: api\n    user: root\n    privileged: true\n    network_mode: host\n    environment:\n      - NODE_ENV=production\n      - NODE_TLS_REJECT_UNAUTHORIZED=0\n';
    const f = await drift('docker-compose.yml', before, after);
    assert.deepEqual(f.map((x) => x.ruleId).sort(), ['drift/privileged-container', 'drift/privileged-container', 'drift/privileged-container', 'drift/tls-verification']);
  });

  it('ignores comments, quoting of the same type and re-formatting', async () => {
    await none('config/app.yaml', 'db:\n  ssl: false # legacy\n  host: db\n', '# owner: team-a\ndb: {host: "db", ssl: false}\n');
    await none('config/app.yaml', 'name: api\n', "name: 'api'\n");
  });

  it('does not flag a safety setting turned on', async () => {
    await none('k8s/web.yaml', deployment('            privileged: true'), deployment('            privileged: false'));
  });

  it('flags protected keys with ** in YAML', async () => {
    const rules: RulesConfig = { drift: { protect: [{ files: 'k8s/**', keys: ['spec.**.image'] }] } };
    const f = await one('k8s/web.yaml', deployment('            runAsNonRoot: true'), deployment('            runAsNonRoot: true').replace('app:1', 'app:2'), 'drift/protected-key', rules);
    assert.match(f.message, /"app:1" -> "app:2"/);
  });
});

describe('drift in Terraform (HCL)', function () {
  beforeEach(needs('hcl'));

  const db = (body: string) => `resource "aws_db_instance" "main" {\n  engine = "postgres"\n${body}\n}\n`;

  it('flags deletion protection off, final snapshot skipped, public access and encryption off', async () => {
    const f = await drift(
      'infra/db.tf',
      db('  deletion_protection = true\n  skip_final_snapshot = false\n  publicly_accessible = false\n  storage_encrypted = true'),
      db('  deletion_protection = false\n  skip_final_snapshot = true\n  publicly_accessible = true\n  storage_encrypted = false'),
    );
    assert.deepEqual(f.map((x) => x.ruleId).sort(), ['drift/deletion-protection', 'drift/deletion-protection', 'drift/encryption', 'drift/public-access']);
    assert.ok(f.some((x) => /resource\.aws_db_instance\.main\.deletion_protection`: true -> false/.test(x.message)));
  });

  it('flags kms_key_id and prevent_destroy removed, not a removed resource', async () => {
    const before = db('  kms_key_id = aws_kms_key.db.arn\n  lifecycle {\n    prevent_destroy = true\n  }');
    const f = await drift('infra/db.tf', before, db(''));
    assert.deepEqual(f.map((x) => x.ruleId).sort(), ['drift/deletion-protection', 'drift/encryption']);
    await none('infra/db.tf', before + 'resource "aws_s3_bucket" "b" {}\n', 'resource "aws_s3_bucket" "b" {}\n');
  });

  it('flags backup retention lowered, a public ACL and force_destroy', async () => {
    const f = await drift('infra/main.tf', db('  backup_retention_period = 14') + 'resource "aws_s3_bucket" "b" {\n  acl = "private"\n}\n', db('  backup_retention_period = 1') + 'resource "aws_s3_bucket" "b" {\n  acl = "public-read"\n  force_destroy = true\n}\n');
    assert.deepEqual(f.map((x) => x.ruleId).sort(), ['drift/backup-retention', 'drift/deletion-protection', 'drift/public-access']);
    assert.ok(f.some((x) => /14 -> 1 \(-13\)/.test(x.message)));
  });

  it('flags the public access block lifted and logging disabled', async () => {
    const f = await drift(
      'infra/s3.tf',
      'resource "aws_s3_bucket_public_access_block" "b" {\n  block_public_acls = true\n}\nresource "aws_cloudtrail" "t" {\n  enable_logging = true\n}\n',
      'resource "aws_s3_bucket_public_access_block" "b" {\n  block_public_acls = false\n}\nresource "aws_cloudtrail" "t" {\n  enable_logging = false\n}\n',
    );
    assert.deepEqual(f.map((x) => x.ruleId).sort(), ['drift/logging-disabled', 'drift/public-access']);
  });

  it('flags tfvars changes and pins; re-ordering blocks is not drift', async () => {
    const rules: RulesConfig = { drift: { pins: { 'envs/*/terraform.tfvars': { multi_az: true } } } };
    await one('envs/prod/terraform.tfvars', 'multi_az = true\ninstance_class = "db.r6g.large"\n', 'multi_az = false\ninstance_class = "db.r6g.large"\n', 'drift/pinned-value', rules);
    await none('infra/main.tf', 'resource "a" "x" {\n  encrypted = true\n}\nresource "a" "y" {\n  encrypted = false\n}\n', 'resource "a" "y" {\n  encrypted = false\n}\nresource "a" "x" {\n  encrypted = true\n}\n');
  });

  it('compares unresolved references as text', async () => {
    const rules: RulesConfig = { drift: { protect: [{ files: 'infra/**', keys: ['resource.aws_db_instance.*.instance_class'] }] } };
    const f = await one('infra/db.tf', db('  instance_class = "db.t3.micro"'), db('  instance_class = var.db_class'), 'drift/protected-key', rules);
    assert.match(f.message, /var\.db_class \(unresolved\)/);
    assert.match(f.message, /unresolved/);
  });
});

describe('drift in TOML', function () {
  beforeEach(needs('toml'));

  it('flags TLS and auth turned off, not comments', async () => {
    const f = await drift('config/app.toml', '[server.tls]\nverify = true\n\n[auth]\nenabled = true\n', '# changed\n[server.tls]\nverify = false\n\n[auth]\nenabled = false\n');
    assert.deepEqual(f.map((x) => x.ruleId).sort(), ['drift/auth-disabled', 'drift/tls-verification']);
    await none('config/app.toml', '[db]\nssl = true\n', '# comment\n[db]\nssl = true # still on\n');
  });
});

describe('drift in .env and .properties', function () {
  it('reads 0/false/no as false in .env files', async function () {
    if (!(await available('dotenv'))) this.skip();
    const f = await one('.env.production', 'NODE_TLS_REJECT_UNAUTHORIZED=1\n', 'NODE_TLS_REJECT_UNAUTHORIZED=0\n', 'drift/tls-verification');
    assert.match(f.message, /"1" -> "0"|1 -> 0/);
    await one('app.env', 'DEBUG=no\n', 'DEBUG=yes\n', 'drift/debug-output');
    await none('app.env', 'DEBUG=false\n', 'DEBUG="false"\n');
    await one('app.env', 'DATABASE_URL=postgres://db/app?sslmode=verify-full\n', 'DATABASE_URL=postgres://db/app?sslmode=disable\n', 'drift/tls-disabled');
  });

  it('matches dotted patterns and catalogue keys in .properties files', async function () {
    if (!(await available('properties'))) this.skip();
    const rules: RulesConfig = { drift: { protect: [{ files: '**/*.properties', keys: ['spring.datasource.*'] }] } };
    await one('src/main/resources/application.properties', 'spring.datasource.url=jdbc:postgresql://a/db\n', 'spring.datasource.url=jdbc:postgresql://b/db\n', 'drift/protected-key', rules);
    await one('application.properties', 'server.ssl.enabled=true\n', 'server.ssl.enabled=false\n', 'drift/tls-disabled');
    await one('application.properties', 'management.security.enabled=true\n', 'management.security.enabled=false\n', 'drift/auth-disabled');
  });
});

describe('drift in code literals', function () {
  it('flags rejectUnauthorized: false in a TypeScript object literal', async function () {
    if (!(await available('typescript'))) this.skip();
    await one('src/client.ts', 'const agentOptions = { rejectUnauthorized: true };\n', 'const agentOptions = { rejectUnauthorized: false };\n', 'drift/tls-verification');
  });

  it('flags verify=False passed to a Python call', async function () {
    if (!(await available('python'))) this.skip();
    await one('app/client.py', 'r = requests.get(url, verify=True)\n', 'r = requests.get(url, verify=False)\n', 'drift/tls-verification');
  });
});
