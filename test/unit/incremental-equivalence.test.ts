// Random edit sequences (seeded) must give, edit after edit, the same model and the same findings
// through the editor's path (incremental parser, node reuse, cached baseline and prepared
// detector state, per-node memos) as a from-scratch analysis of the same text.
import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyzeChange } from '../../src/core/analyze';
import { IncrementalParser, type TextChange } from '../../src/core/incremental';
import type { Doc, LanguageId } from '../../src/core/model';
import { parseDocument } from '../../src/core/parse';
import { defaultRules, resolveRules } from '../../src/core/rules';
import { FIXTURES } from './helpers';

/** mulberry32: a small seeded generator, so a failure names a reproducible sequence. */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const YAML = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: app
          PolicyDocument:
            Statement:
              - Sid: Read
                Effect: Allow
                Action: [s3:GetObject]
                Resource: !Sub arn:aws:s3:::\${Bucket}/*
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      StorageEncrypted: true
      PubliclyAccessible: false
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: reader, namespace: app }
rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [get, list]
---
defaults: &defaults
  url: https://api.staging.example.com
  tls: true
service:
  <<: *defaults
  replicas: 2
---
env:
  DATABASE_URL: postgres://app@db.internal:5432/app
`;

const TERRAFORM = `resource "aws_iam_policy" "app" {
  name   = "app"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Sid = "Read", Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::reports/*" }]
  })
}

data "aws_iam_policy_document" "ci" {
  statement {
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["arn:aws:ecr:eu-west-1:111122223333:repository/app"]
  }
}

resource "aws_security_group" "web" {
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_db_instance" "main" {
  storage_encrypted   = true
  publicly_accessible = false
  endpoint            = "db.staging.example.com"
}
`;

/** Tokens that turn grants risky or narrow, plus syntax that breaks and re-forms the file. */
const PIECES: Record<string, string[]> = {
  json: ['"s3:*"', '"*"', '"iam:PassRole"', '"Deny"', '"Allow"', '"0.0.0.0/0"', '"https://db.prod.example.com"', '{', '}', '[', ']', ',', '"', ':', '\n', '\r\n', '\r', ' ', 'true', '1', '"\u00e9\ud83d\ude00"'],
  yaml: ['s3:*', '"*"', 'iam:PassRole', 'Deny', '0.0.0.0/0', 'https://api.prod.example.com', 'false', 'true', '[', ']', '{', '}', ':', '- ', '\n', '  ', '&a ', '*a', '<<: *defaults\n', '---\n', '"'],
  hcl: ['\r\n', '"s3:*"', '"*"', '"iam:PassRole"', '"0.0.0.0/0"', '"db.prod.example.com"', 'false', 'true', '{', '}', '[', ']', '=', '"', '\n', ' ', '${var.x}', '<<EOT\n{"Statement": []}\nEOT\n'],
};

function randomChange(text: string, pieces: readonly string[], r: (n: number) => number): TextChange {
  const kind = r(10);
  // Replace a quoted value or a word: the edits people make to a policy.
  if (kind < 5) {
    const words = [...text.matchAll(/"[^"\n]{1,40}"|[A-Za-z0-9:*./_-]{2,40}/g)];
    if (words.length) {
      const w = words[r(words.length)];
      return { startOffset: w.index!, oldEndOffset: w.index! + w[0].length, newText: pieces[r(pieces.length)] };
    }
  }
  // Delete or insert at a random place, whole lines included.
  const at = r(text.length + 1);
  if (kind < 7) {
    const lineEnd = text.indexOf('\n', at);
    return { startOffset: at, oldEndOffset: kind === 5 ? Math.min(text.length, at + 1 + r(6)) : lineEnd < 0 ? text.length : lineEnd + 1, newText: '' };
  }
  return { startOffset: at, oldEndOffset: at, newText: pieces[r(pieces.length)] };
}

function shape(doc: Doc): string {
  return JSON.stringify({ roots: doc.roots, problems: doc.problems });
}

async function check(file: string, language: LanguageId, baseline: string, seed: number, edits: number): Promise<{ findings: number; reused: number }> {
  const r = rng(seed);
  const rules = resolveRules({ production: { hosts: ['*.prod.example.com'] } });
  const pieces = PIECES[language === 'jsonc' ? 'json' : language];
  const parser = new IncrementalParser(file, language);
  const beforeDoc = parseDocument(file, baseline, language);
  let text = baseline;
  await parser.parse(text);
  let findings = 0;
  for (let i = 0; i < edits; i++) {
    // Now and then several changes in one event, as multi-cursor edits arrive.
    const changes: TextChange[] = [];
    const count = r(8) === 0 ? 2 : 1;
    for (let k = 0; k < count; k++) {
      const c = randomChange(text, pieces, r);
      changes.push(c);
      text = text.slice(0, c.startOffset) + c.newText + text.slice(c.oldEndOffset);
    }
    const where = `${file} seed ${seed} edit ${i}: ${JSON.stringify(changes)}`;
    let incrementalDoc: Doc | undefined;
    const editor = await analyzeChange(
      { path: file, before: baseline, after: text },
      {
        rules,
        mode: 'diff',
        language,
        parse: async (side, _p, t) => {
          if (side === 'before') return beforeDoc;
          incrementalDoc = await parser.parse(t, changes);
          return incrementalDoc;
        },
      },
    );
    const scratch = await analyzeChange({ path: file, before: baseline, after: text }, { rules, mode: 'diff', language });
    if (incrementalDoc) assert.strictEqual(shape(incrementalDoc), shape(await parseDocument(file, text, language)), `model differs after ${where}`);
    assert.deepStrictEqual(editor.findings, scratch.findings, `findings differ after ${where}`);
    assert.deepStrictEqual(editor.notes, scratch.notes, `notes differ after ${where}`);
    findings += editor.findings.length;
    // Drift back to the baseline now and then so the file stays mostly valid and risky.
    if (r(25) === 0) {
      const back: TextChange = { startOffset: 0, oldEndOffset: text.length, newText: baseline };
      text = baseline;
      await parser.parse(text, [back]);
    }
  }
  const reused = parser.stats.reusedNodes;
  parser.dispose();
  return { findings, reused };
}

describe('incremental analysis equals analysis from scratch', function () {
  this.timeout(120_000);
  const cfn = readFileSync(path.join(FIXTURES, 'iam-aws/cfn-before.json'), 'utf8');

  it('IAM JSON (CloudFormation), 300 seeded edits', async () => {
    const { findings, reused } = await check('template.json', 'json', cfn, 7, 300);
    assert.ok(findings > 0, 'the edits produced findings');
    assert.ok(reused > 0, 'untouched nodes were taken over');
  });

  it('YAML streams with anchors, merge keys, CloudFormation tags and RBAC, 300 seeded edits', async () => {
    const { findings, reused } = await check('deploy/prod/stack.yaml', 'yaml', YAML, 11, 300);
    assert.ok(findings > 0, 'the edits produced findings');
    assert.ok(reused > 0, 'untouched documents were taken over');
  });

  it('Terraform, 300 seeded edits', async () => {
    const { findings, reused } = await check('main.tf', 'hcl', TERRAFORM, 13, 300);
    assert.ok(findings > 0, 'the edits produced findings');
    assert.ok(reused > 0, 'untouched blocks were taken over');
  });

  it('keeps the baseline state prepared once per before document', async () => {
    const rules = defaultRules();
    const before = await parseDocument('p.json', cfn, 'json');
    const edited = cfn.replace('"Action": "sqs:SendMessage"', '"Action": "*"');
    const a = await analyzeChange({ path: 'p.json', before: cfn, after: edited }, { rules, mode: 'diff', parse: async (side, p, t, l) => (side === 'before' ? before : parseDocument(p, t, l)) });
    const b = await analyzeChange({ path: 'p.json', before: cfn, after: edited }, { rules, mode: 'diff', parse: async (side, p, t, l) => (side === 'before' ? before : parseDocument(p, t, l)) });
    const c = await analyzeChange({ path: 'p.json', before: cfn, after: edited }, { rules, mode: 'diff' });
    assert.ok(a.findings.some((f) => f.ruleId.startsWith('iam/')));
    assert.deepStrictEqual(b.findings, a.findings);
    assert.deepStrictEqual(c.findings, a.findings);
  });
});
