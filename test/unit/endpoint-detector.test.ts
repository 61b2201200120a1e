import { strict as assert } from 'node:assert';
import type { Finding } from '../../src/core/findings';
import type { RulesConfig } from '../../src/core/rules';
import { get } from '../../src/core/model';
import { diffText, parse } from './helpers';

const FILE = 'config/app.json';

async function findings(after: unknown, before?: unknown, rules: RulesConfig = {}, file = FILE): Promise<Finding[]> {
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v, null, 2) + '\n');
  const r = await diffText(file, before === undefined ? undefined : text(before), text(after), rules);
  assert.deepEqual(r.notes, []);
  return r.findings.filter((f) => f.ruleId.startsWith('endpoint/'));
}

function ids(fs: Finding[]): string[] {
  return fs.map((f) => `${f.ruleId} ${f.keyPath ?? ''}`);
}

describe('endpoint detector: built-in heuristics (JSON)', () => {
  it('flags a host label that is a production token', async () => {
    const fs = await findings({ api: { baseUrl: 'https://api.prod.acme.io/v2' }, db: { host: 'prod-db.internal' }, cdn: 'orders-production.eu' });
    assert.deepEqual(ids(fs), ['endpoint/production-host api.baseUrl', 'endpoint/production-host db.host', 'endpoint/production-host cdn']);
    assert.equal(fs[0].severity, 'high');
    assert.equal(fs[0].message, "api.baseUrl points at production host api.prod.acme.io (built-in: label 'prod').");
    assert.equal(fs[0].category, 'endpoint');
  });

  it('does not flag look-alike words, environment names or unrelated dotted tokens', async () => {
    const fs = await findings({
      a: 'https://product.acme.io/catalog',
      b: 'https://delivery.acme.io',
      c: 'http://liveness.acme.io/healthz',
      d: 'https://prodigy.acme.io',
      environment: 'production',
      server: 'production',
      NODE_ENV: 'prod',
      pkg: 'com.acme.prod.Service',
      script: 'deploy.prod.sh',
      version: '1.2.3',
      file: 'config/prod.yaml',
      email: 'oncall@prod.acme.io',
      login: 'https://login.live.com/oauth20_authorize.srf',
    });
    assert.deepEqual(ids(fs), []);
  });

  it('flags GCP projects with a production token where a value names a project', async () => {
    const fs = await findings({
      sa: 'deploy@acme-prod.iam.gserviceaccount.com',
      secret: 'projects/shop-prd-1/secrets/db/versions/latest',
      image: 'gcr.io/acme-live/api:1.2',
      provider: { google: { project: 'acme-production' } },
      project: 'acme-prod',
      staging: 'projects/acme-staging/topics/orders',
      product: 'projects/product-catalog/topics/orders',
    });
    assert.deepEqual(ids(fs), ['endpoint/production-account sa', 'endpoint/production-account secret', 'endpoint/production-account image', 'endpoint/production-account provider.google.project']);
    assert.equal(fs[0].message, "sa names production GCP project acme-prod (built-in: token 'prod').");
  });

  it('flags single-label service names with a production token only under host-like keys', async () => {
    const fs = await findings({ DB_HOST: 'orders-prod', note: 'orders-prod', redisHost: 'cache-prd-1:6379' });
    assert.deepEqual(ids(fs), ['endpoint/production-host DB_HOST', 'endpoint/production-host redisHost']);
  });

  it('flags managed database, cache and search endpoints', async () => {
    const fs = await findings({
      rds: 'orders.cluster-c9x.us-east-1.rds.amazonaws.com',
      cache: 'rediss://shop.abc123.ng.0001.use1.cache.amazonaws.com:6379',
      sql: 'Server=tcp:acme.database.windows.net,1433;Initial Catalog=shop;Encrypt=True',
      mongo: 'mongodb+srv://cluster0.ab1cd.mongodb.net/shop',
      cosmos: 'https://acme.documents.azure.com:443/',
      es: 'https://search-logs-x1.eu-west-1.es.amazonaws.com',
      dynamo: 'https://dynamodb.us-east-1.amazonaws.com',
    });
    assert.deepEqual(ids(fs), ['endpoint/managed-database rds', 'endpoint/managed-database cache', 'endpoint/managed-database sql', 'endpoint/managed-database mongo', 'endpoint/managed-database cosmos', 'endpoint/managed-database es']);
    assert.equal(fs[0].severity, 'medium');
    assert.match(fs[0].message, /managed data store orders\.cluster-c9x\.us-east-1\.rds\.amazonaws\.com \(built-in: Amazon RDS/);
  });

  it('reports a production-labelled managed endpoint once, as a production host', async () => {
    const fs = await findings({ url: 'postgres://orders-prod.c9x.us-east-1.rds.amazonaws.com/shop' });
    assert.deepEqual(ids(fs), ['endpoint/production-host url']);
    assert.match(fs[0].message, /, a managed Amazon RDS \/ Aurora endpoint \(built-in: label 'prod'\)/);
  });

  it('flags an embedded password whatever the host, masking it everywhere', async () => {
    const fs = await findings({ DATABASE_URL: 'postgres://app:S3cr3tPw@db.staging.acme.io:5432/app' });
    assert.deepEqual(ids(fs), ['endpoint/credential-in-url DATABASE_URL']);
    const f = fs[0];
    assert.equal(f.severity, 'critical');
    assert.equal(f.message, 'DATABASE_URL embeds a password for user app in connection string postgres://app:****@db.staging.acme.io:5432/app (secret masked).');
    for (const s of [f.message, f.after ?? '', f.keyPath ?? '']) assert.ok(!s.includes('S3cr3tPw'), s);
  });

  it('masks the password in the snippets of other findings on the same line', async () => {
    const fs = await findings({ url: 'mysql://root:Tr0ub4dor@mysql.prod.acme.io/shop' });
    assert.deepEqual(ids(fs).sort(), ['endpoint/credential-in-url url', 'endpoint/production-host url']);
    for (const f of fs) assert.ok(!JSON.stringify(f).includes('Tr0ub4dor'));
  });

  it('covers every connection-string form with a password', async () => {
    const fs = await findings({
      jdbc: 'jdbc:postgresql://pg.acme.io:5432/app?user=app&password=Pw123456',
      ado: 'Server=tcp:sql.acme.io,1433;Database=x;User ID=u;Password=Zx9kkq1;',
      pq: 'host=pg.acme.io port=5432 dbname=x user=u password=hunter22 sslmode=require',
      go: 'root:Pw99zz@tcp(mysql.acme.io:3306)/shop',
      redis: 'cache.acme.io:6380,password=Abc123xyz,ssl=True',
      amqp: 'amqps://svc:Rabbit77@mq.acme.io/vhost',
      storage: 'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=bm90LWEta2V5LWF0LWFsbA==;EndpointSuffix=core.windows.net',
    });
    assert.deepEqual(ids(fs), ['jdbc', 'ado', 'pq', 'go', 'redis', 'amqp', 'storage'].map((k) => `endpoint/credential-in-url ${k}`));
    for (const f of fs) assert.ok(!/Pw123456|Zx9kkq1|hunter22|Pw99zz|Abc123xyz|Rabbit77|bm90LWEta2V5/.test(JSON.stringify(f)), f.message);
    assert.match(fs[6].message, /embeds an AccountKey/);
  });

  it('reads hosts around references in plain strings', async () => {
    const fs = await findings({
      a: 'postgres://app:${DB_PASSWORD}@prod-db.acme.io/app',
      b: 'https://{{ .Values.region }}.api.prod.acme.io/v1',
      c: 'mysql://root:${{ secrets.DB_PW }}@db.acme.io/x',
    });
    assert.deepEqual(ids(fs), ['endpoint/production-host a', 'endpoint/production-host b']);
    assert.match(fs[1].message, /production host \*\.api\.prod\.acme\.io/);
  });

  it('does not flag placeholders, local hosts or reserved names', async () => {
    const fs = await findings({
      a: 'postgres://user:password@db.acme.io/app',
      b: 'postgres://app:${DB_PASSWORD}@db.acme.io/app',
      c: 'postgres://app:<password>@db.acme.io/app',
      d: 'postgres://postgres:postgres@localhost:5432/dev',
      e: 'redis://:devpass1@127.0.0.1:6379',
      f: 'https://admin:hunter22@api.example.com',
      g: 'https://prod.example.org/x',
      h: 'mysql://root:changeme@db.acme.io/app',
      i: 'postgres://app:{{ .Values.db.password }}@db.acme.io/app',
      j: 'postgres://u:%s@db.acme.io/app',
      k: 'http://[::1]:8080',
      l: 'https://api.prod.test',
    });
    assert.deepEqual(ids(fs), []);
  });
});

describe('endpoint detector: rules file patterns (JSON)', () => {
  const rules: RulesConfig = {
    production: {
      hosts: ['*.corp.acme.net', 'db1.acme.io'],
      urls: ['https://pay.acme.com/v1'],
      awsAccounts: ['123456789012'],
      gcpProjects: ['acme-main-*'],
      azureSubscriptions: ['0b1f6471-1bf0-4dda-aec3-cb9272f09590'],
      kubeContexts: ['eu-central-*'],
      paths: ['deploy/live/**'],
    },
  };

  it('matches production.hosts globs and exact names, also in free text', async () => {
    const fs = await findings({ a: 'https://orders.corp.acme.net/api', b: 'db1.acme.io', c: 'ssh to jump.corp.acme.net first', d: 'db2.acme.io' }, undefined, rules);
    assert.deepEqual(ids(fs), ['endpoint/production-host a', 'endpoint/production-host b', 'endpoint/production-host c']);
    assert.equal(fs[0].message, "a points at production host orders.corp.acme.net (rules: production.hosts '*.corp.acme.net').");
  });

  it('matches production.urls as prefixes on path boundaries', async () => {
    const fs = await findings({ a: 'https://pay.acme.com/v1/charges', b: 'https://pay.acme.com/v10', c: 'https://pay.acme.com/v1' }, undefined, rules);
    assert.deepEqual(ids(fs), ['endpoint/production-host a', 'endpoint/production-host c']);
    assert.match(fs[0].message, /production URL https:\/\/pay\.acme\.com\/v1\/charges \(rules: production\.urls 'https:\/\/pay\.acme\.com\/v1'\)/);
  });

  it('matches AWS accounts in ARNs, numbers and ECR hosts', async () => {
    const fs = await findings({ role: 'arn:aws:iam::123456789012:role/deploy', n: 123456789012, image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1', other: 'arn:aws:iam::210987654321:role/x', long: '91234567890123' }, undefined, rules);
    assert.deepEqual(ids(fs), ['endpoint/production-account role', 'endpoint/production-account n', 'endpoint/production-account image']);
    assert.equal(fs[0].message, "role names production AWS account 123456789012 (rules: production.awsAccounts '123456789012').");
  });

  it('matches GCP projects and Azure subscriptions', async () => {
    const fs = await findings({
      sa: 'deployer@acme-main-7.iam.gserviceaccount.com',
      sub: '/subscriptions/0B1F6471-1BF0-4DDA-AEC3-CB9272F09590/resourceGroups/rg',
      otherSub: '/subscriptions/11111111-2222-3333-4444-555555555555',
      project: 'acme-sandbox-1',
    }, undefined, rules);
    assert.deepEqual(ids(fs), ['endpoint/production-account sa', 'endpoint/production-account sub']);
    assert.match(fs[0].message, /GCP project acme-main-7/);
    assert.match(fs[1].message, /Azure subscription 0b1f6471-1bf0-4dda-aec3-cb9272f09590/);
  });

  it('matches kube contexts by glob and by the built-in token', async () => {
    const fs = await findings({ 'current-context': 'eu-central-1', kubeContext: 'gke_acme_europe-west1_prod', contexts: [{ name: 'staging' }, { name: 'prd-us' }], build: { context: './prod' } }, undefined, rules);
    assert.deepEqual(ids(fs), ['endpoint/production-kube-context current-context', 'endpoint/production-kube-context kubeContext', 'endpoint/production-kube-context contexts[1].name']);
    assert.equal(fs[0].message, "current-context selects production Kubernetes context eu-central-1 (rules: production.kubeContexts 'eu-central-*').");
    assert.match(fs[1].message, /built-in: token 'prod'/);
  });

  it('raises severity in files under production paths', async () => {
    const inProd = await findings({ host: 'api.prod.acme.io', mdb: 'x.mongodb.net' }, undefined, rules, 'deploy/live/app.json');
    assert.deepEqual(inProd.map((f) => f.severity), ['critical', 'high']);
    assert.match(inProd[0].message, /the file is under a production path\.$/);
    const segment = await findings({ host: 'api.prod.acme.io' }, undefined, {}, 'envs/prod/app.json');
    assert.equal(segment[0].severity, 'critical');
  });

  it('applies severity overrides and off switches from the rules file', async () => {
    const fs = await findings({ host: 'api.prod.acme.io', mdb: 'x.mongodb.net' }, undefined, { rules: { 'endpoint/production-host': 'low', 'endpoint/managed-database': 'off' } });
    assert.deepEqual(fs.map((f) => `${f.ruleId} ${f.severity}`), ['endpoint/production-host low']);
  });
});

describe('endpoint detector: change awareness and fingerprints', () => {
  const before = { api: 'https://api.prod.acme.io/v1', db: 'postgres://app:S3cr3tPw@db.acme.io/app' };

  it('does not report values already present before', async () => {
    assert.deepEqual(await findings(before, before), []);
  });

  it('does not report moved, re-indented or re-ordered values', async () => {
    const moved = '{\n\n      "database": {"url": "postgres://app:S3cr3tPw@db.acme.io/app"},\n  "client": {"endpoint": "https://api.prod.acme.io/v2"}\n}\n';
    assert.deepEqual(await findings(moved, before), []);
  });

  it('reports a changed value', async () => {
    const fs = await findings({ api: 'https://api.live.acme.io/v1', db: 'postgres://app:S3cr3tPw@db.acme.io/app' }, before);
    assert.deepEqual(ids(fs), ['endpoint/production-host api']);
    assert.equal(fs[0].before, '  "api": "https://api.prod.acme.io/v1",');
    const fs2 = await findings({ api: 'https://api.prod.acme.io/v1', db: 'postgres://app:S3cr3tPw@db2.acme.io/app' }, before);
    assert.deepEqual(ids(fs2), ['endpoint/credential-in-url db']);
    assert.equal(fs2[0].before, '  "db": "postgres://app:****@db.acme.io/app"');
  });

  it('reports a real password that replaced a placeholder', async () => {
    const fs = await findings({ db: 'postgres://app:S3cr3tPw@db.acme.io/app' }, { db: 'postgres://app:${DB_PASSWORD}@db.acme.io/app' });
    assert.deepEqual(ids(fs), ['endpoint/credential-in-url db']);
  });

  it('keeps fingerprints when lines shift and changes them when the value or key path changes', async () => {
    const a = (await findings({ api: 'https://api.prod.acme.io' }))[0];
    const shifted = (await findings('\n\n\n{"x": 1,\n\n   "api":    "https://api.prod.acme.io"}'))[0];
    assert.equal(a.fingerprint, shifted.fingerprint);
    assert.notEqual(a.range.startLine, shifted.range.startLine);
    const otherHost = (await findings({ api: 'https://api.prd.acme.io' }))[0];
    const otherKey = (await findings({ client: 'https://api.prod.acme.io' }))[0];
    assert.notEqual(a.fingerprint, otherHost.fingerprint);
    assert.notEqual(a.fingerprint, otherKey.fingerprint);
  });

  it('reports each new occurrence once', async () => {
    const fs = await findings({ a: 'https://api.prod.acme.io/x https://api.prod.acme.io/y', b: 'api.prod.acme.io' });
    assert.deepEqual(ids(fs), ['endpoint/production-host a', 'endpoint/production-host b']);
  });

  it('reads strings inside embedded JSON documents', async function () {
    const text = JSON.stringify({ config: JSON.stringify({ db: { host: 'prod-db.internal' } }) });
    const doc = await parse(text, FILE);
    const str = get(doc.roots[0], 'config');
    // Until the JSON lowering attaches embedded documents the host is still found, at `config`.
    if (!str || str.kind !== 'object') this.skip();
    const fs = await findings(text);
    assert.deepEqual(ids(fs), ['endpoint/production-host config.db.host']);
  });

  it('still finds hosts in a JSON string that is not lowered as a document', async () => {
    const fs = await findings({ config: '{"db": {"host": "prod-db.internal"}' });
    assert.deepEqual(ids(fs), ['endpoint/production-host config']);
  });
});

describe('secrets in other detectors\' findings', () => {
  it('masks a connection-string password in a drift finding\'s message and snippets', async () => {
    const rules = { drift: { protect: [{ files: '**', keys: ['database.**'] }] } };
    const before = '{"database": {"url": "postgres://app:0ldPassw0rd@db.internal:5432/app"}}';
    const after = '{"database": {"url": "postgres://app:Sup3rS3cret!@db.internal:5432/app"}}';
    const r = await diffText('config/app.json', before, after, rules);
    const drift = r.findings.filter((f) => f.ruleId === 'drift/protected-key');
    assert.ok(drift.length > 0, 'the protected key change is reported');
    for (const f of r.findings) {
      for (const text of [f.message, f.before ?? '', f.after ?? '']) {
        assert.ok(!text.includes('Sup3rS3cret!') && !text.includes('0ldPassw0rd'), `${f.ruleId} shows a password: ${text}`);
      }
    }
  });
});
