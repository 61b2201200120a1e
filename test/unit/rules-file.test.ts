import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { minimatch } from 'minimatch';
import { braceExpansionCount, globProblem, MAX_GLOBSTARS, MAX_WILDCARDS_PER_SEGMENT } from '../../src/core/globs';
import { DEFAULT_IGNORE, parseRules, RulesError } from '../../src/core/rules';
import { RULES_SCHEMA } from '../../src/core/rules-schema.generated';
import { starterRulesText } from '../../src/core/rules-starter';
import { didYouMean, validateRulesText, type RulesProblem } from '../../src/core/rules-validate';
import { REPO_ROOT } from './helpers';

const SCHEMA_FILE = path.join(REPO_ROOT, 'schema/rules.schema.json');
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@example.com';
const KEY2 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq0cX1vDd2rLh5f9tLGKXlM8CBUnX3c7l1gIuZV0t6u bob@example.com';

function errorsOf(text: string, known: string[] = []): string[] {
  return validateRulesText(text, known).errors.map(show);
}

function show(p: RulesProblem): string {
  return `${p.line}: ${p.keyPath}: ${p.message}`;
}

describe('rules file: schema', () => {
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));

  it('is draft-07 and the generated validator embeds exactly this schema', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.deepEqual(RULES_SCHEMA, schema);
  });

  it('describes every property and gives every optional property a default', () => {
    // Rule overrides have no single default severity: it is the rule's own.
    const noDefault = new Set(['rules.*.severity']);
    const missing: string[] = [];
    const visit = (node: Record<string, unknown>, where: string) => {
      const props = (node.properties ?? {}) as Record<string, Record<string, unknown>>;
      const required = new Set((node.required ?? []) as string[]);
      for (const [key, sub] of Object.entries(props)) {
        const at = where ? `${where}.${key}` : key;
        if (!sub.description) missing.push(`${at}: description`);
        if (!required.has(key) && !('default' in sub) && !noDefault.has(at)) missing.push(`${at}: default`);
        visit(sub, at);
      }
      for (const k of ['items', 'additionalProperties'] as const) {
        const sub = node[k];
        if (sub && typeof sub === 'object') visit(sub as Record<string, unknown>, `${where}${k === 'items' ? '[]' : '.*'}`);
      }
      for (const alt of (node.anyOf ?? []) as Array<Record<string, unknown>>) visit(alt, where);
    };
    visit(schema, '');
    assert.deepEqual(missing, []);
  });

  it('agrees with Ajv compiling the schema at test time', () => {
    const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
    ajv.addVocabulary(['patternErrorMessage', 'errorMessage', 'markdownDescription']);
    const compiled = ajv.compile(schema);
    const samples: unknown[] = [
      {},
      { review: { require: 'ai-only', approvals: { critical: 3 } } },
      { review: { require: 'some' } },
      { seniors: [{ id: 'a', publicKey: KEY }] },
      { seniors: [{ id: 'a' }] },
      { production: { awsAccounts: ['123456789012', '12'] } },
      { rules: { 'iam/x': 'off', 'drift/*': { severity: 'low' } } },
      { rules: { 'iam/x': 'nope' } },
      { limits: { maxFileBytes: 0 } },
      { extra: true },
    ];
    for (const s of samples) {
      const generated = validateRulesText(JSON.stringify(s)).errors.length === 0;
      assert.equal(generated, compiled(s), JSON.stringify(s));
    }
  });
});

describe('rules file: validation messages', () => {
  it('names line, key path and problem, in the documented format', () => {
    const text = ['{', '  "production": {', '    "awsAccounts": [', '      "123456789012",', '      "12345"', '    ]', '  }', '}'].join('\n');
    assert.throws(
      () => parseRules(text, '.foureyes/rules.jsonc'),
      (err: unknown) => err instanceof RulesError && err.message === '.foureyes/rules.jsonc:5: production.awsAccounts[1]: must be a 12-digit AWS account id',
    );
  });

  it('suggests the key a misspelt key meant, at the misspelt key', () => {
    assert.deepEqual(errorsOf('{\n  "ignor": []\n}'), ['2: ignor: unknown key; did you mean "ignore"?']);
    assert.deepEqual(errorsOf('{"production": {\n"hostz": ["a.example.com"]}}'), ['2: production.hostz: unknown key; did you mean "hosts"?']);
    assert.deepEqual(errorsOf('{"review": {"minSeverity": "hihg"}}'), ['1: review.minSeverity: must be one of "critical", "high", "medium", "low"; did you mean "high"?']);
    assert.deepEqual(errorsOf('{"limits": {"maxBytes": 1}}'), ['1: limits.maxBytes: unknown key; did you mean "maxFileBytes"?']);
    assert.deepEqual(errorsOf('{"zzz": 1}').length, 1);
    assert.match(errorsOf('{"zzz": 1}')[0], /unknown key \(expected one of: .*review.*\)/);
  });

  it('accepts the full sketch from the design', () => {
    const text = `{
      // comments and trailing commas are fine
      "review": { "require": "all", "minSeverity": "high", "approvals": { "critical": 2, "high": 1 }, "expiresAfterDays": 30 },
      "seniors": [ { "id": "alice@example.com", "publicKey": "${KEY}", "name": "Alice" },
                   { "id": "bob@example.com", "publicKey": "${KEY2}" },
                   { "id": "carol@example.com", "publicKey": "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY=" },
                   { "id": "dan@example.com", "publicKey": "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7" } ],
      "production": { "hosts": ["*.prod.example.com"], "urls": ["https://api.example.com/"], "awsAccounts": ["123456789012"],
                      "gcpProjects": ["acme-prod", "acme-prod-*"], "azureSubscriptions": ["0a1b2c3d-0000-4000-8000-00000000abcd"],
                      "kubeContexts": ["prod-*"], "paths": ["envs/prod/**"] },
      "drift": { "protect": [ { "files": "config/prod/**", "keys": ["database.**"] } ],
                 "environments": [ { "files": "config/{env}/app.yaml", "keys": ["features.*"] } ],
                 "pins": [ { "files": ["**/*.yaml"], "keys": { "tls.verify": true } } ],
                 "safety": { "off": ["tls-verify"], "add": [ { "id": "cache-auth", "keys": ["cache.auth"], "unsafe": ["none"] } ] } },
      "rules": { "endpoint/production-host": { "severity": "critical" }, "iam/*": "off", "drift/security-toggle": "medium" },
      "ignore": ["docs/**"],
      "ignoreDefaults": true,
      "limits": { "maxFileBytes": 1048576 },
    }`;
    assert.deepEqual(errorsOf(text), []);
  });

  it('accepts every form the drift section reads', () => {
    const text = JSON.stringify({
      drift: {
        protect: [{ files: ['config/**'], keys: ['db.*'], severity: 'high' }],
        environments: [{ files: 'deploy/{env}/values.yaml' }],
        pins: { 'config/prod/*.yaml': { 'tls.verify': true, replicas: 3 } },
        safety: {
          off: ['tls-verify'],
          add: [
            { id: 'cache-auth', description: 'Cache auth turned off', keys: 'cache.auth', unsafe: ['none', false, { lowered: true, max: 2 }], rule: 'drift/security-toggle', when: { production: true } },
            { id: 'pg-ssl', params: ['sslmode'], unsafe: [{ equals: ['disable'] }], files: 'config/**' },
          ],
        },
      },
    });
    assert.deepEqual(errorsOf(text), []);
    assert.match(errorsOf('{"drift": {"environments": [{"files": "{env}/{env}.yaml"}]}}')[0], /exactly once/);
    assert.match(errorsOf('{"drift": {"pins": {"/abs/*.yaml": {"a": 1}}}}')[0], /drift\.pins\["\/abs\/\*\.yaml"\]: globs match repository-relative paths/);
    assert.match(errorsOf('{"drift": {"safety": {"add": [{"id": "x", "unsafe": [{"bigger": 1}]}]}}}')[0], /unsafe\[0\]: must be a value, or/);
  });

  it('checks identifiers: keys, accounts, subscriptions, environments', () => {
    assert.deepEqual(errorsOf(`{"seniors": [{"id": "a", "publicKey": "ssh-dss AAAAB3NzaC1kc3MAAACBAP"}]}`), [
      '1: seniors[0].publicKey: must be an SSH public key line (ssh-ed25519, ssh-rsa or ecdsa-sha2-* followed by the base64 key)',
    ]);
    assert.deepEqual(errorsOf(`{"seniors": [{"id": "a"}]}`), ['1: seniors[0]: missing required key "publicKey"']);
    assert.match(errorsOf('{"production": {"azureSubscriptions": ["not-a-guid"]}}')[0], /azureSubscriptions\[0\]: must be an Azure subscription id/);
    assert.match(errorsOf('{"production": {"awsAccounts": [123456789012]}}')[0], /awsAccounts\[0\]: must be a string, not number 123456789012/);
    assert.match(errorsOf('{"drift": {"environments": [{"files": "config/prod.yaml", "keys": ["a"]}]}}')[0], /drift\.environments\[0\]\.files: must contain the \{env\} placeholder/);
    assert.match(errorsOf('{"production": {"urls": ["api.example.com"]}}')[0], /must be a URL with a scheme/);
  });

  it('reports one message for a rule override of the wrong form, and the inner error for the object form', () => {
    assert.deepEqual(errorsOf('{"rules": {"iam/x": "severe"}}'), [
      '1: rules["iam/x"]: must be "off", a severity (critical, high, medium, low) or { "off": true|false, "severity": ... }',
    ]);
    assert.deepEqual(errorsOf('{"rules": {"iam/x": {"severity": "hi"}}}'), [
      '1: rules["iam/x"].severity: must be one of "critical", "high", "medium", "low"; did you mean "high"?',
    ]);
    assert.deepEqual(errorsOf('{"rules": {"Not An Id": "off"}}'), [
      '1: rules["Not An Id"]: key must be a rule id such as iam/aws-wildcard-action, or a family such as endpoint/*',
    ]);
  });

  it('warns about rule ids this build does not know, with a suggestion', () => {
    const r = validateRulesText('{"rules": {"endpoint/production-hots": "off", "endpoint/*": "low", "nope/*": "low"}}', ['endpoint/production-host']);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.warnings.map(show), [
      '1: rules["endpoint/production-hots"]: no rule with this id in this version of Four Eyes; did you mean "endpoint/production-host"?',
      '1: rules["nope/*"]: no rule with this id in this version of Four Eyes',
    ]);
  });

  it('rejects duplicate keys and two seniors sharing an id or a key', () => {
    assert.deepEqual(errorsOf('{"ignore": [],\n "ignore": ["x/**"]}'), ['2: ignore: duplicate key; only the last one would count']);
    const text = JSON.stringify({ seniors: [{ id: 'a', publicKey: KEY }, { id: 'a', publicKey: KEY2 }, { id: 'c', publicKey: KEY.replace('alice', 'carol') }] });
    assert.deepEqual(errorsOf(text), [
      '1: seniors[1].id: senior "a" is already listed at seniors[0]',
      '1: seniors[2].publicKey: this key is already the key of seniors[0]; one key must not stand for two reviewers',
    ]);
  });

  it('reports JSONC syntax errors with their line', () => {
    assert.deepEqual(errorsOf('{\n  "ignore": ["a"\n  "limits": {}\n}'), ['3: : invalid JSONC: expected "," between entries']);
    assert.deepEqual(errorsOf('[]'), ['1: : the rules file must hold one JSON object, such as {}']);
    assert.deepEqual(errorsOf(''), ['1: : the rules file is empty; it must hold one JSON object, such as {}']);
    assert.deepEqual(errorsOf('// only a comment\n'), ['1: : the rules file is empty; it must hold one JSON object, such as {}']);
  });

  it('accepts a UTF-8 BOM and counts lines of CRLF files', () => {
    assert.deepEqual(parseRules('\uFEFF{"ignore": ["a/**"]}', 'r.jsonc'), { ignore: ['a/**'] });
    assert.deepEqual(errorsOf('{\r\n"ignore": [\r\n"/abs"\r\n]}'), ['3: ignore[0]: globs match repository-relative paths; remove the leading / (or drive letter)']);
  });

  it('names every problem in RulesError.problems and the count in the message', () => {
    try {
      parseRules('{"zzz": 1, "limits": {"maxFileBytes": 0}}', 'r.jsonc');
      assert.fail('should throw');
    } catch (err) {
      assert.ok(err instanceof RulesError);
      assert.equal(err.problems.length, 2);
      assert.match(err.message, /\(and 1 more problem in this file\)$/);
    }
  });
});

describe('rules file: globs', () => {
  it('counts brace expansions without expanding', () => {
    assert.equal(braceExpansionCount('a/**'), 1);
    assert.equal(braceExpansionCount('{a,b}/{c,d,e}'), 6);
    assert.equal(braceExpansionCount('{a,{b,c}}'), 3);
    assert.equal(braceExpansionCount('{1..10}'), 10);
    assert.equal(braceExpansionCount('{0..100..10}'), 11);
    assert.equal(braceExpansionCount('{a..e}'), 5);
    assert.equal(braceExpansionCount('{a}'), 1);
    assert.equal(braceExpansionCount('\\{a,b}'), 1);
    assert.equal(braceExpansionCount('{a,b'), 1);
    assert.equal(braceExpansionCount('{1..999999999999}', 1001), 1001);
    assert.equal(braceExpansionCount('{a,b}'.repeat(40), 1001), 1001);
  });

  it('rejects absurd, absolute and escaping globs with a reason', () => {
    assert.equal(globProblem('envs/prod/**'), undefined);
    assert.equal(globProblem('**/*.{yml,yaml}'), undefined);
    assert.match(globProblem('a'.repeat(1001))!, /1001 characters long; the limit is 1000/);
    assert.match(globProblem('{a,b}'.repeat(11))!, /brace expansion yields more than 1000 patterns/);
    assert.match(globProblem('{1..100000}')!, /brace expansion/);
    assert.match(globProblem('/etc/**')!, /repository-relative/);
    assert.match(globProblem('../other/**')!, /never matches/);
    assert.match(globProblem('config\\prod\\*.yaml')!, /forward slashes/);
    assert.match(globProblem(' a/**')!, /whitespace/);
  });

  it('bounds the number and size of globs in a rules file', () => {
    const many = JSON.stringify({ ignore: Array.from({ length: 600 }, (_, i) => `a${i}/**`), production: { paths: Array.from({ length: 600 }, (_, i) => `p${i}/**`) } });
    assert.deepEqual(errorsOf(many), ['1: production.paths[400]: the file holds 1200 globs; the limit is 1000 (use fewer, broader globs)']);
    const tooMany = JSON.stringify({ ignore: Array.from({ length: 1001 }, (_, i) => `a${i}`) });
    assert.ok(errorsOf(tooMany).includes('1: ignore: has 1001 entries; the limit is 1000'));
    assert.deepEqual(errorsOf(JSON.stringify({ ignore: ['x'.repeat(1001)] })), ['1: ignore[0]: is 1001 characters long; the limit is 1000', '1: ignore[0]: glob is 1001 characters long; the limit is 1000']);
    assert.match(errorsOf(JSON.stringify({ drift: { protect: [{ files: '{a,b}'.repeat(12), keys: ['x'] }] } }))[0], /drift\.protect\[0\]\.files: brace expansion/);
  });
});

describe('rules file: patterns whose matching time would blow up', () => {
  it('rejects more wildcards in one segment, or more ** segments, than matching can bear', () => {
    assert.equal(globProblem('**/*-prod-*.{yml,yaml}'), undefined);
    assert.equal(globProblem('a/**/b/**/c/**/*.tf'), undefined);
    assert.match(globProblem('*a*a*a*a*b')!, /^5 wildcards in one segment \('\*a\*a\*a\*a\*b'\); the limit is 3/);
    assert.match(globProblem('x/+(a|aa)+(a|aa)+(a|aa)+(a|aa)')!, /4 wildcards in one segment/);
    assert.match(globProblem('**/a/**/b/**/c/**/d')!, /^4 '\*\*' segments; the limit is 3/);
  });

  it('the limits are where matching still takes no time on a 255-character segment and a 100-deep path', () => {
    // Not a timing assertion: the worst case at the limit finishes (5 wildcards would not in minutes).
    assert.equal(minimatch('a'.repeat(255), '*a'.repeat(MAX_WILDCARDS_PER_SEGMENT) + 'b'), false);
    assert.equal(minimatch('a/'.repeat(100) + 'c', '**/a/'.repeat(MAX_GLOBSTARS) + 'b'), false);
  });

  it('names the rules file and key: paths, hosts, URLs, GCP projects and drift key patterns', () => {
    const bad = '*a*a*a*a*b';
    const cases: Array<[unknown, RegExp]> = [
      [{ ignore: [bad] }, /^1: ignore\[0\]: 5 wildcards/],
      [{ production: { hosts: [`${bad}.example.com`] } }, /^1: production\.hosts\[0\]: 5 wildcards/],
      [{ production: { urls: [`https://x.example.com/${bad}`] } }, /^1: production\.urls\[0\]: 5 wildcards/],
      [{ production: { gcpProjects: ['a*b*c*d*e*f'] } }, /^1: production\.gcpProjects\[0\]: 5 wildcards/],
      [{ drift: { protect: [{ files: '**', keys: [`db.${bad}`] }] } }, /^1: drift\.protect\[0\]\.keys\[0\]: 5 wildcards/],
      [{ drift: { pins: { 'app.yaml': { [`tls.${bad}`]: true } } } }, /^1: drift\.pins\["app\.yaml"\]\["tls\.\*a\*a\*a\*a\*b"\]: 5 wildcards/],
    ];
    for (const [config, expected] of cases) {
      const errors = errorsOf(JSON.stringify(config));
      assert.ok(errors.some((e) => expected.test(e)), `${JSON.stringify(config)}: ${errors.join('; ')}`);
      assert.throws(() => parseRules(JSON.stringify(config), '/repo/.foureyes/rules.jsonc'), (err: Error) => err instanceof RulesError && err.message.includes('/repo/.foureyes/rules.jsonc') && /5 wildcards/.test(err.message));
    }
  });
});

describe('rules file: starter', () => {
  it('validates with no errors or warnings and lists every default ignore', () => {
    const text = starterRulesText();
    const r = validateRulesText(text, ['endpoint/production-host']);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.warnings, []);
    for (const g of DEFAULT_IGNORE) assert.ok(text.includes(`//   ${g}\n`), g);
    assert.match(text, /Tests, fixtures and docs/);
  });

  it('explains every top-level section of the schema', () => {
    const text = starterRulesText();
    for (const key of Object.keys((RULES_SCHEMA as { properties: object }).properties)) {
      if (key !== '$schema') assert.ok(text.includes(`"${key}"`), key);
    }
  });
});

describe('did you mean', () => {
  it('suggests close candidates only', () => {
    assert.equal(didYouMean('seniros', ['seniors', 'review']), 'seniors');
    assert.equal(didYouMean('Ignore', ['ignore']), 'ignore');
    assert.equal(didYouMean('completely-else', ['seniors', 'review']), undefined);
  });
});
