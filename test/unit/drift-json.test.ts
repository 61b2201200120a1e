import { strict as assert } from 'node:assert';
import type { Finding } from '../../src/core/findings';
import { resolveRules, type RulesConfig } from '../../src/core/rules';
import { diffText, scanText } from './helpers';

export async function drift(file: string, before: string | undefined, after: string, rules: RulesConfig = {}): Promise<Finding[]> {
  const r = await diffText(file, before, after, rules);
  assert.deepEqual(r.notes.filter((n) => n.level === 'error'), []);
  return r.findings.filter((f) => f.category === 'drift');
}

const j = (v: unknown) => JSON.stringify(v, null, 2);

describe('drift catalogue (JSON)', () => {
  it('flags TLS verification turned off, naming the key and before -> after', async () => {
    const f = await drift('config/app.json', j({ tls: { verify: true } }), j({ tls: { verify: false } }));
    assert.equal(f.length, 1);
    assert.equal(f[0].ruleId, 'drift/tls-verification');
    assert.match(f[0].message, /`tls\.verify`: true -> false/);
    assert.equal(f[0].keyPath, 'tls.verify');
    assert.equal(f[0].severity, 'high');
  });

  const cases: Array<[string, unknown, unknown, string]> = [
    ['insecureSkipVerify', { insecureSkipVerify: false }, { insecureSkipVerify: true }, 'drift/tls-verification'],
    ['rejectUnauthorized', { agent: { rejectUnauthorized: true } }, { agent: { rejectUnauthorized: false } }, 'drift/tls-verification'],
    ['ssl false', { db: { ssl: true } }, { db: { ssl: false } }, 'drift/tls-disabled'],
    ['sslmode', { db: { sslmode: 'require' } }, { db: { sslmode: 'disable' } }, 'drift/tls-disabled'],
    ['debug', { debug: false }, { debug: true }, 'drift/debug-output'],
    ['auth anonymous', { auth: { mode: 'jwt' } }, { auth: { mode: 'anonymous' } }, 'drift/auth-disabled'],
    ['auth enabled false', { security: { auth: { enabled: true } } }, { security: { auth: { enabled: false } } }, 'drift/auth-disabled'],
    ['encrypted', { volume: { encrypted: true } }, { volume: { encrypted: false } }, 'drift/encryption'],
    ['deletion protection', { db: { deletion_protection: true } }, { db: { deletion_protection: false } }, 'drift/deletion-protection'],
    ['skip final snapshot', { db: { skip_final_snapshot: false } }, { db: { skip_final_snapshot: true } }, 'drift/deletion-protection'],
    ['public acl', { bucket: { acl: 'private' } }, { bucket: { acl: 'public-read' } }, 'drift/public-access'],
    ['block public acls', { pab: { block_public_acls: true } }, { pab: { block_public_acls: false } }, 'drift/public-access'],
    ['audit logging', { audit: { enabled: true } }, { audit: { enabled: false } }, 'drift/logging-disabled'],
    ['backup retention', { db: { backup_retention_period: 14 } }, { db: { backup_retention_period: 1 } }, 'drift/backup-retention'],
    ['cors', { cors: { allowedOrigins: ['https://a.example.com'] } }, { cors: { allowedOrigins: ['https://a.example.com', '*'] } }, 'drift/cors-wildcard'],
    ['privileged', { securityContext: { privileged: false } }, { securityContext: { privileged: true } }, 'drift/privileged-container'],
    ['capabilities', { securityContext: { capabilities: { add: ['NET_BIND_SERVICE'] } } }, { securityContext: { capabilities: { add: ['NET_BIND_SERVICE', 'SYS_ADMIN'] } } }, 'drift/privileged-container'],
    ['run as root', { securityContext: { runAsNonRoot: true, runAsUser: 1000 } }, { securityContext: { runAsNonRoot: true, runAsUser: 0 } }, 'drift/privileged-container'],
  ];
  for (const [name, before, after, rule] of cases) {
    it(`flags ${name}`, async () => {
      const f = await drift('config/app.json', j(before), j(after));
      assert.deepEqual(f.map((x) => x.ruleId), [rule], JSON.stringify(f.map((x) => x.message)));
    });
    it(`does not flag ${name} turned back on`, async () => {
      assert.deepEqual(await drift('config/app.json', j(after), j(before)), []);
    });
  }

  it('does not flag a setting that stays the same, re-ordered and re-formatted', async () => {
    const before = '{"a": 1, "tls": {"verify": false, "ca": "x"}}';
    const after = '{\n  "tls": {\n    "ca": "x",\n    "verify": false\n  },\n  "a": 1\n}\n';
    assert.deepEqual(await drift('config/app.json', before, after), []);
  });

  it('does not flag comment-only edits in JSONC', async () => {
    await drift('.vscode/settings.json', '{\n  // keep off\n  "http.proxyStrictSSL": false\n}', '{\n  /* changed the comment */\n  "http.proxyStrictSSL": false // still off\n}').then((f) => assert.deepEqual(f, []));
  });

  it('treats "false" and false as the same setting', async () => {
    assert.deepEqual(await drift('config/app.json', '{"verify": "false"}', '{"verify": false}'), []);
  });

  it('does not read skip_verify as verify', async () => {
    assert.deepEqual(await drift('config/app.json', '{"tls": {"skip_verify": true}}', '{"tls": {"skip_verify": false}}'), []);
    const f = await drift('config/app.json', '{"tls": {"skip_verify": false}}', '{"tls": {"skip_verify": true}}');
    assert.equal(f.length, 1);
  });

  it('flags a new key in the unsafe state and every risk of a new file', async () => {
    const f = await drift('config/app.json', '{"db": {}}', '{"db": {"ssl": false}}');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /\(not set\) -> false/);
    const n = await drift('config/app.json', undefined, '{"debug": true, "db": {"ssl": false}}');
    assert.equal(n.length, 2);
  });

  it('reports the catalogue in scan mode', async () => {
    const r = await scanText('config/app.json', '{"privileged": true}');
    assert.equal(r.findings.filter((f) => f.category === 'drift').length, 1);
  });

  it('raises severity in a production file and says so', async () => {
    const f = await drift('config/prod/app.json', '{"debug": false}', '{"debug": true}');
    assert.equal(f[0].severity, 'high');
    assert.match(f[0].message, /production file/);
  });

  it('flags a removed key whose default is unsafe while its object stays', async () => {
    const before = j({ db: { kms_key_id: 'arn:aws:kms:eu-west-1:1:key/a', storage_encrypted: true, name: 'x' } });
    const after = j({ db: { name: 'x' } });
    const f = await drift('config/app.json', before, after);
    assert.deepEqual(f.map((x) => x.ruleId).sort(), ['drift/encryption', 'drift/encryption']);
    assert.ok(f.some((x) => /kms_key_id.*removed/.test(x.message)));
    // Removing the whole object is not drift of its settings.
    assert.deepEqual(await drift('config/app.json', j({ a: 1, db: { kms_key_id: 'k' } }), j({ a: 1 })), []);
  });

  it('flags resource limits removed once, not once per limit', async () => {
    const c = (limits?: unknown) => j({ containers: [{ name: 'app', image: 'x', resources: limits ? { limits, requests: { cpu: '1' } } : { requests: { cpu: '1' } } }] });
    const f = await drift('k8s/app.json', c({ cpu: '1', memory: '1Gi' }), c());
    assert.deepEqual(f.map((x) => x.ruleId), ['drift/resource-limits']);
    assert.match(f[0].message, /containers\[0\]\.resources\.limits/);
  });

  it('matches named list items by name, not position', async () => {
    const before = j({ containers: [{ name: 'a', securityContext: { privileged: true } }, { name: 'b', securityContext: { privileged: false } }] });
    const after = j({ containers: [{ name: 'b', securityContext: { privileged: false } }, { name: 'a', securityContext: { privileged: true } }] });
    assert.deepEqual(await drift('k8s/app.json', before, after), []);
  });

  it('reads {name, value} env items by their name', async () => {
    const env = (v: string) => j({ env: [{ name: 'NODE_TLS_REJECT_UNAUTHORIZED', value: v }] });
    const f = await drift('k8s/app.json', env('1'), env('0'));
    assert.equal(f.length, 1);
    assert.match(f[0].message, /NODE_TLS_REJECT_UNAUTHORIZED/);
  });

  it('finds sslmode=disable inside a connection string', async () => {
    const f = await drift('config/app.json', j({ DATABASE_URL: 'postgres://u@db:5432/app?sslmode=require' }), j({ DATABASE_URL: 'postgres://u@db:5432/app?sslmode=disable' }));
    assert.equal(f.length, 1);
    assert.equal(f[0].ruleId, 'drift/tls-disabled');
    assert.match(f[0].message, /sslmode=require -> sslmode=disable/);
    const d = await drift('config/app.json', j({ dsn: 'host=db user=app' }), j({ dsn: 'host=db user=app sslmode=disable' }));
    assert.equal(d.length, 1);
  });

  it('only flags replica cuts in production files', async () => {
    assert.deepEqual(await drift('config/staging/app.json', '{"replicas": 3}', '{"replicas": 1}'), []);
    const f = await drift('config/prod/app.json', '{"replicas": 3}', '{"replicas": 1}');
    assert.equal(f[0]?.ruleId, 'drift/replicas-reduced');
    assert.match(f[0].message, /3 -> 1 \(-2\)/);
    assert.deepEqual(await drift('config/prod/app.json', '{"replicas": 3}', '{"replicas": 2}'), []);
  });

  it('does not evaluate unresolved values against the catalogue', async () => {
    assert.deepEqual(await drift('config/app.json', '{"verify": true}', '{"verify": "${VERIFY}"}'), []);
  });

  it('keeps the fingerprint when lines shift and changes it when the value changes', async () => {
    const a = await drift('config/app.json', '{"debug": false}', '{"debug": true}');
    const b = await drift('config/app.json', '{"debug": false}', '{\n\n  "x": 1,\n  "debug": true}');
    assert.equal(a[0].fingerprint, b[0].fingerprint);
    const c = await drift('config/app.json', '{"cors": {"origins": []}}', '{"cors": {"origins": ["*"]}}');
    const d = await drift('config/app.json', '{"cors": {"origins": []}}', '{"cors": {"origins": ["*", "https://x"]}}');
    assert.notEqual(c[0].fingerprint, d[0].fingerprint);
  });
});

describe('drift rules-file catalogue', () => {
  it('switches entries off by id', async () => {
    assert.deepEqual(await drift('config/app.json', '{"debug": false}', '{"debug": true}', { drift: { safety: { off: ['debug-on'] } } }), []);
  });

  it('adds entries from the rules file', async () => {
    const rules: RulesConfig = {
      drift: { safety: { add: [{ id: 'cache-encryption', description: 'Cache encryption turned off', keys: ['cache_encryption'], unsafe: [{ is: 'false' }], severity: 'high' }] } },
    };
    const f = await drift('config/app.json', '{"cacheEncryption": true}', '{"cacheEncryption": false}', rules);
    assert.equal(f.length, 1);
    assert.equal(f[0].ruleId, 'drift/security-toggle');
    assert.match(f[0].message, /^Cache encryption turned off/);
  });

  it('accepts plain unsafe values and a files restriction', async () => {
    const rules: RulesConfig = { drift: { safety: { add: [{ id: 'queue-acks', keys: ['queue.acks'], unsafe: [0, 'none'], files: 'config/**' }] } } };
    const f = await drift('config/app.json', '{"queue": {"acks": "all"}}', '{"queue": {"acks": 0}}', rules);
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'high');
    assert.deepEqual(await drift('other/app.json', '{"queue": {"acks": "all"}}', '{"queue": {"acks": 0}}', rules), []);
  });

  it('reports a bad drift section with the rules file and key', async () => {
    const r = await diffText('config/app.json', '{}', '{"debug": true}', { drift: { safety: { off: ['nope'] } } });
    assert.ok(r.notes.some((n) => /drift\.safety\.off: unknown catalogue entry "nope"/.test(n.message)), JSON.stringify(r.notes));
  });
});

describe('drift protected keys and pins (JSON)', () => {
  const protect: RulesConfig = { drift: { protect: [{ files: 'config/**', keys: ['database.*', 'services.**.image'] }] } };

  it('flags any change to a key matched by *', async () => {
    const f = await drift('config/app.json', j({ database: { host: 'db-1', pool: 5 } }), j({ database: { host: 'db-2', pool: 5 } }), protect);
    assert.equal(f.length, 1);
    assert.equal(f[0].ruleId, 'drift/protected-key');
    assert.match(f[0].message, /`database\.host` changed: "db-1" -> "db-2"/);
  });

  it('matches ** at any depth, and * only one segment', async () => {
    const f = await drift('config/app.json', j({ services: { api: { web: { image: 'a:1' } } } }), j({ services: { api: { web: { image: 'a:2' } } } }), protect);
    assert.equal(f.length, 1);
    assert.deepEqual(await drift('config/app.json', j({ database: { replica: { host: 'a' } } }), j({ database: { replica: { host: 'b' } } }), protect), []);
  });

  it('flags added and removed protected keys, not files outside the glob', async () => {
    const f = await drift('config/app.json', j({ database: { host: 'a', user: 'u' } }), j({ database: { host: 'a', port: 5432 } }), protect);
    assert.equal(f.length, 2);
    assert.ok(f.some((x) => /`database\.user` removed/.test(x.message)));
    assert.ok(f.some((x) => /`database\.port` added/.test(x.message)));
    assert.deepEqual(await drift('other/app.json', j({ database: { host: 'a' } }), j({ database: { host: 'b' } }), protect), []);
  });

  it('does not flag re-ordering of protected keys', async () => {
    assert.deepEqual(await drift('config/app.json', j({ database: { host: 'a', pool: 5 } }), j({ database: { pool: 5, host: 'a' } }), protect), []);
  });

  it('reports protected keys only for changes, not in scan mode', async () => {
    const r = await scanText('config/app.json', j({ database: { host: 'a' } }), resolveRules(protect));
    assert.deepEqual(r.findings.filter((f) => f.ruleId === 'drift/protected-key'), []);
  });

  it('says when a value is unresolved', async () => {
    const f = await drift('config/app.json', j({ database: { host: 'a' } }), j({ database: { host: '${DB_HOST}' } }), protect);
    assert.equal(f.length, 1);
  });

  const pins: RulesConfig = { drift: { pins: { 'config/*.json': { 'database.ssl': true, 'server.port': 8443 } } } };

  it('flags a change away from a pin whatever the old value', async () => {
    const f = await drift('config/app.json', j({ server: { port: 8443 } }), j({ server: { port: 8080 } }), pins);
    assert.deepEqual(f.map((x) => x.ruleId), ['drift/pinned-value']);
    assert.match(f[0].message, /required value 8443: 8443 -> 8080/);
    const g = await drift('config/app.json', j({ server: { port: 9000 } }), j({ server: { port: 8080 } }), pins);
    assert.equal(g.length, 1);
  });

  it('does not flag a change onto the pin, or an untouched off-pin value', async () => {
    assert.deepEqual(await drift('config/app.json', j({ server: { port: 80 } }), j({ server: { port: 8443 } }), pins), []);
    assert.deepEqual(await drift('config/app.json', j({ server: { port: 80 }, a: 1 }), j({ server: { port: 80 }, a: 2 }), pins), []);
  });

  it('accepts the list form of pins', async () => {
    const rules: RulesConfig = { drift: { pins: [{ files: ['config/*.json'], keys: { 'tls.verify': true } }] } };
    const f = await drift('config/app.json', j({ tls: { verify: true } }), j({ tls: { verify: 'yes' } }), rules);
    assert.deepEqual(f, []);
    const g = await drift('config/app.json', j({ tls: { verify: true } }), j({ tls: { verify: '${TLS_VERIFY}' } }), rules);
    assert.equal(g.length, 1);
    assert.match(g[0].message, /unresolved/);
  });

  it('flags a pinned key removed', async () => {
    const f = await drift('config/app.json', j({ database: { ssl: true, host: 'h' } }), j({ database: { host: 'h' } }), pins);
    assert.ok(f.some((x) => x.ruleId === 'drift/pinned-value'));
  });
});
