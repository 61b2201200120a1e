import { strict as assert } from 'node:assert';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { analyzeChange, type SiblingSource } from '../../src/core/analyze';
import { declaredSiblings, productionSiblings } from '../../src/core/drift/environments';
import { compile } from '../../src/core/drift/config';
import type { Finding } from '../../src/core/findings';
import { resolveRules, type RulesConfig } from '../../src/core/rules';
import { runCli } from './helpers';

type Tree = Record<string, { before?: string; after?: string }>;

function source(files: Tree): SiblingSource {
  return { paths: () => Object.keys(files), read: (p) => files[p] };
}

async function divergence(changed: string, files: Tree, rules: RulesConfig = {}): Promise<Finding[]> {
  const f = files[changed];
  const r = await analyzeChange({ path: changed, before: f.before ?? null, after: f.after! }, { rules: resolveRules(rules), mode: 'diff', siblings: source(files) });
  assert.deepEqual(r.notes.filter((n) => n.level === 'error'), []);
  return r.findings.filter((x) => x.ruleId === 'drift/environment-divergence');
}

const groups: RulesConfig = { drift: { environments: [{ files: 'config/{env}.json', keys: ['database.**', 'features.*'] }] } };

describe('drift environment divergence', () => {
  it('finds siblings of a declared group and of an undeclared production file', () => {
    const g = compile({ environments: [{ files: 'envs/{env}/terraform.tfvars' }] }).environments[0];
    assert.deepEqual(declaredSiblings('envs/prod/terraform.tfvars', g, ['envs/prod/terraform.tfvars', 'envs/dev/terraform.tfvars', 'envs/dev/other.tfvars', 'envs/staging/terraform.tfvars']), ['envs/dev/terraform.tfvars', 'envs/staging/terraform.tfvars']);
    assert.deepEqual(productionSiblings('k8s/values-prod.yaml', ['k8s/values-prod.yaml', 'k8s/values-dev.yaml', 'k8s/values-staging.yaml', 'k8s/values-eu.yaml', 'k8s/other.yaml']), ['k8s/values-dev.yaml', 'k8s/values-staging.yaml']);
    assert.deepEqual(productionSiblings('config/production.json', ['config/production.json', 'config/development.json', 'config/test.json']), ['config/development.json', 'config/test.json']);
  });

  it('flags a declared key that now differs where the environments were equal', async () => {
    const f = await divergence(
      'config/prod.json',
      {
        'config/prod.json': { before: '{"database": {"pool": 10}}', after: '{"database": {"pool": 20}}' },
        'config/staging.json': { before: '{"database": {"pool": 10}}', after: '{"database": {"pool": 10}}' },
        'config/dev.json': { before: '{"database": {"pool": 5}}', after: '{"database": {"pool": 5}}' },
      },
      groups,
    );
    assert.equal(f.length, 1);
    assert.match(f[0].message, /`database\.pool` changed 10 -> 20 in config\/prod\.json but not in 1 of its environment group/);
    assert.match(f[0].message, /config\/staging\.json keeps 10/);
    assert.equal(f[0].severity, 'high');
  });

  it('does not flag a change mirrored in every environment, or keys outside the group', async () => {
    assert.deepEqual(
      await divergence(
        'config/dev.json',
        {
          'config/dev.json': { before: '{"database": {"pool": 10}, "x": 1}', after: '{"database": {"pool": 20}, "x": 2}' },
          'config/staging.json': { before: '{"database": {"pool": 10}, "x": 1}', after: '{"database": {"pool": 20}, "x": 1}' },
        },
        groups,
      ),
      [],
    );
  });

  it('without a declaration, reports an unmirrored production change at low severity', async () => {
    const files: Tree = {
      'envs/prod/app.json': { before: '{"timeout": 30, "replicas": 5}', after: '{"timeout": 60, "replicas": 6}' },
      'envs/staging/app.json': { before: '{"timeout": 30, "replicas": 2}', after: '{"timeout": 30, "replicas": 2}' },
    };
    const f = await divergence('envs/prod/app.json', files);
    assert.equal(f.length, 1, JSON.stringify(f.map((x) => x.message)));
    assert.equal(f[0].severity, 'low');
    assert.match(f[0].message, /`timeout` changed 30 -> 60/);
    // A non-production file changing alone is not divergence without a declaration.
    assert.deepEqual(await divergence('envs/staging/app.json', { ...files, 'envs/staging/app.json': { before: '{"timeout": 30}', after: '{"timeout": 10}' } }), []);
  });

  it('works through `foureyes diff` of two directories', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fe-drift-'));
    try {
      for (const [side, prod] of [['before', 30], ['after', 60]] as const) {
        mkdirSync(path.join(dir, side, 'envs/prod'), { recursive: true });
        mkdirSync(path.join(dir, side, 'envs/dev'), { recursive: true });
        writeFileSync(path.join(dir, side, 'envs/prod/app.json'), JSON.stringify({ timeout: prod }));
        writeFileSync(path.join(dir, side, 'envs/dev/app.json'), JSON.stringify({ timeout: 30 }));
      }
      const r = runCli(['diff', 'before', 'after', '--format', 'json'], { cwd: dir });
      assert.equal(r.code, 1, r.stderr);
      const report = JSON.parse(r.stdout) as { findings: Finding[] };
      assert.deepEqual(report.findings.map((x) => x.ruleId), ['drift/environment-divergence']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
