import * as assert from 'node:assert';
import { parseRules, resolveRules, RulesError } from '../../src/core/rules';
import { diffText } from './helpers';

const BEFORE = '{ "Statement": [{ "Sid": "R", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*" }] }\n';
const AFTER = BEFORE.replace('["s3:GetObject"]', '"*"');

describe('suppressions in the rules file', () => {
  it('drops exactly the finding whose fingerprint is suppressed with a reason', async () => {
    const all = await diffText('infra/policy.json', BEFORE, AFTER);
    assert.ok(all.findings.length >= 1);
    const target = all.findings[0];
    const r = await diffText('infra/policy.json', BEFORE, AFTER, resolveRules({ suppress: [{ fingerprint: target.fingerprint, reason: 'accepted by the platform team' }] }));
    assert.deepStrictEqual(
      r.findings.map((f) => f.fingerprint),
      all.findings.slice(1).map((f) => f.fingerprint),
    );
  });

  it('ignores a suppression without a reason', async () => {
    const all = await diffText('infra/policy.json', BEFORE, AFTER);
    const r = await diffText('infra/policy.json', BEFORE, AFTER, resolveRules({ suppress: [{ fingerprint: all.findings[0].fingerprint, reason: ' ' }] }));
    assert.strictEqual(r.findings.length, all.findings.length);
  });

  it('is validated by the schema', () => {
    assert.throws(() => parseRules('{ "suppress": [{ "fingerprint": "abc", "reason": "x" }] }', 'rules.jsonc'), RulesError);
    assert.doesNotThrow(() => parseRules(`{ "suppress": [{ "fingerprint": "${'a'.repeat(64)}", "ruleId": "iam/aws-wildcard-action", "path": "p.json", "reason": "ok" }] }`, 'rules.jsonc'));
  });
});
