// Held-out-style QA cases for the AWS IAM detector (fixtures in test/fixtures/qa/iam-aws): SAM
// templates, resource policies, merged Terraform policy documents, production accounts.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../src/core/findings';
import { SAM_POLICY_TEMPLATES } from '../../src/core/iam/sam-policy-templates';
import { describeCases, parseCase, runCase } from './qa-cases';
import { FIXTURES } from './helpers';

describeCases('iam-aws');

async function findings(name: string): Promise<Finding[]> {
  const file = path.join(FIXTURES, 'qa/iam-aws', name);
  return runCase(parseCase(name, readFileSync(file, 'utf8')));
}
const rule = (fs: Finding[], id: string) => fs.find((f) => f.ruleId === id);

describe('iam-aws: production accounts (production.awsAccounts)', () => {
  it('raises a grant naming a production account by one step', async () => {
    assert.equal(rule(await findings('prod-account-resource-raised.case'), 'iam/aws-resource-widened')?.severity, 'high');
    assert.equal(rule(await findings('prod-account-trust-production.case'), 'iam/aws-cross-account-principal')?.severity, 'critical');
  });

  it('keeps the severity of a trust to an account outside the list', async () => {
    assert.equal(rule(await findings('prod-account-trust-unknown.case'), 'iam/aws-cross-account-principal')?.severity, 'high');
  });
});

describe('iam-aws: SAM policy templates table', () => {
  it('carries every template of the upstream file, each with statements and its parameters used', () => {
    const names = Object.keys(SAM_POLICY_TEMPLATES);
    assert.equal(names.length, 81);
    for (const n of ['S3CrudPolicy', 'DynamoDBCrudPolicy', 'SQSSendMessagePolicy', 'LambdaInvokePolicy', 'AWSSecretsManagerGetSecretValuePolicy', 'KMSEncryptPolicy_v2']) {
      assert.ok(names.includes(n), n);
    }
    for (const [n, t] of Object.entries(SAM_POLICY_TEMPLATES)) {
      assert.ok(t.statements.length, n);
      const text = JSON.stringify(t.statements);
      for (const p of t.params) assert.ok(text.includes(`\${${p}}`), `${n} never uses ${p}`);
      for (const m of text.matchAll(/\$\{(\w+)\}/g)) assert.ok(t.params.includes(m[1]), `${n} uses undeclared ${m[1]}`);
    }
  });
});
