// What the fuzzer starts from: every fixture file of a language we read, a small risky sample
// per language (so languages without fixtures are covered too), and hand-made extreme inputs.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { detectLanguage } from '../../src/core/languages';
import { caseSeed, mutate, nestingFamily, randomInt, rng } from './fuzz-mutate';

export interface SeedFile {
  /** Repo-relative-looking path the analysis sees (decides the language). */
  path: string;
  language: string;
  bytes: Uint8Array;
  /** For hand-made extremes: what the input is. */
  name?: string;
}

const SAMPLES: Record<string, string> = {
  'policy.json': '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","iam:*"],"Resource":"*"}]}\n',
  '.vscode/settings.json': '// comment\n{"chat.tools.autoApprove": true, "url": "https://api.prod.example.com",}\n',
  'template.yaml':
    'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyName: p\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: "*"\n                Resource: !Sub "arn:aws:s3:::${B}/*"\n---\nbase: &b {a: 1}\nother:\n  <<: *b\n  text: |\n    {"Action": "s3:*"}\n',
  '.github/workflows/ci.yml': 'on: pull_request_target\npermissions: write-all\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with: {ref: "${{ github.event.pull_request.head.sha }}"}\n      - run: echo "${{ github.event.issue.title }}"\n',
  'k8s/role.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules:\n  - apiGroups: ["*"]\n    resources: ["*"]\n    verbs: ["*"]\n',
  'main.tf':
    'resource "aws_iam_policy" "p" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]\n  })\n}\ndata "aws_iam_policy_document" "d" {\n  statement {\n    actions = ["s3:*"]\n    resources = ["${aws_s3_bucket.b.arn}/*"]\n  }\n}\nlocals {\n  doc = <<-EOT\n  {"Statement": [{"Action": "iam:*", "Resource": "*"}]}\n  EOT\n}\n',
  'config.toml': '[database]\nurl = "postgres://u:p@db.prod.example.com/app"\n"dotted.key" = 1\n[[servers]]\nname = "a"\ndate = 1979-05-27T07:32:00Z\nmulti = """\nline\n"""\n',
  'stack.ts':
    'import * as iam from "aws-cdk-lib/aws-iam";\nexport class S { p = new iam.PolicyStatement({ actions: ["*"], resources: [`arn:${x}:*`] }); }\nconst url = "https://api.prod.example.com/" + path;\n',
  'App.tsx': 'export const App = () => <div title="x" data-url={"https://prod.example.com"}>{`a${b}`}</div>;\n',
  'index.js': 'module.exports.policy = JSON.stringify({ Statement: [{ Action: "s3:*", Resource: "*" }] });\nfetch("https://api.prod.example.com").then((r) => r.json());\n',
  'app.py':
    'import json\nPOLICY = json.dumps({"Statement": [{"Action": ["iam:*"], "Resource": "*"}]})\nclient.put_role_policy(RoleName="r", PolicyDocument=POLICY)\nDOC = """\n{"a": 1}\n"""\nx = f"{a}-{b}"\n',
  'main.go':
    'package main\n\nimport "encoding/json"\n\nvar p = map[string]any{"Action": []string{"s3:*"}, "Resource": "*"}\n\nfunc main() { b, _ := json.Marshal(p); _ = b; u := "https://api.prod.example.com" }\n',
  'deploy.sh':
    '#!/bin/bash\nexport URL="https://api.prod.example.com"\naws iam put-role-policy --role-name r --policy-document \'{"Statement":[{"Action":"*","Resource":"*"}]}\'\ncat <<EOF > p.json\n{"Action": "$X"}\nEOF\n',
  '.env.production': 'DATABASE_URL=postgres://admin:secret@db.prod.example.com:5432/app\nexport API=${BASE}/v1\nQUOTED="a b"\n',
  'application.properties': 'spring.datasource.url=jdbc:postgresql://db.prod.example.com/app\nkey\\ with\\ spaces = value \\\n  continued\n! comment\n',
};

function listRecursive(dir: string): string[] {
  const out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listRecursive(p));
    else out.push(p);
  }
  return out;
}

/** Fixture files (model snapshots excluded: they are test expectations) and the samples. */
export function seedFiles(fixturesDir: string): SeedFile[] {
  const seeds: SeedFile[] = [];
  for (const [p, text] of Object.entries(SAMPLES)) {
    const language = detectLanguage(p, text);
    if (language) seeds.push({ path: p, language, bytes: new Uint8Array(Buffer.from(text)) });
  }
  for (const abs of listRecursive(fixturesDir)) {
    if (abs.endsWith('.model.json')) continue;
    const bytes = readFileSync(abs);
    if (bytes.length > 200_000) continue;
    const rel = path.relative(fixturesDir, abs).split(path.sep).join('/');
    // The analysis must see the file under a name that is not ignored by default (fixtures/**).
    const shown = `src/${rel}`;
    const language = detectLanguage(shown, bytes.subarray(0, 200).toString('utf8'));
    if (language) seeds.push({ path: shown, language, bytes: new Uint8Array(bytes) });
  }
  return seeds;
}

/**
 * One file per language and extreme: the inputs the issue names, at full size. `large` adds the
 * multi-megabyte ones (long mode: each costs seconds, most of it tree-sitter's own parse).
 */
export function extremeCases(seeds: SeedFile[], large: boolean): SeedFile[] {
  const byLanguage = new Map<string, SeedFile>();
  for (const s of seeds) if (!byLanguage.has(s.language)) byLanguage.set(s.language, s);
  const out: SeedFile[] = [];
  const N = 100_000;
  for (const [language, s] of byLanguage) {
    const family = nestingFamily(language);
    const prefix = family === 'go' ? 'package main\nvar x = ' : family === 'json' ? '' : family === 'bash' ? '' : family === 'yaml' ? 'a: ' : 'x = ';
    const [open, close] = family === 'go' ? ['(', ')'] : family === 'bash' ? ['(', ')'] : ['[', ']'];
    const add = (name: string, text: string | Uint8Array) =>
      out.push({ path: s.path, language, bytes: typeof text === 'string' ? new Uint8Array(Buffer.from(text)) : text, name });
    add('100000 nested, closed', prefix + open.repeat(N) + '1' + close.repeat(N));
    add('100000 nested, unclosed', prefix + open.repeat(N));
    if (large) add('1 MB line', Buffer.from(s.bytes).toString('utf8').replace(/\n/g, ' ') + ' '.repeat(1024 * 1024) + 'x');
    if (large) add('1 MB string', `${prefix}"${'a*'.repeat(512 * 1024)}"\n`);
    add('NUL bytes', new Uint8Array([...s.bytes.subarray(0, 10), 0, 0, ...s.bytes.subarray(10)]));
    add('invalid UTF-8', new Uint8Array([...s.bytes.subarray(0, 10), 0xff, 0xfe, 0xc3, ...s.bytes.subarray(10)]));
    add('UTF-16LE with BOM', new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(Buffer.from(s.bytes).toString('utf8'), 'utf16le')])));
    add('UTF-16LE without BOM', new Uint8Array(Buffer.from(Buffer.from(s.bytes).toString('utf8'), 'utf16le')));
    add('empty', '');
    add('BOM only', new Uint8Array([0xef, 0xbb, 0xbf]));
    add('CR line endings', Buffer.from(s.bytes).toString('utf8').replace(/\n/g, '\r'));
    // Thousands of copies of one sample: per-statement work with a large constant (a `*` grant is
    // 22k actions) once made 2 MB of TypeScript take minutes and bash run out of memory.
    const copies = (bytes: number) => Buffer.from(s.bytes).toString('utf8').repeat(Math.max(1, Math.floor(bytes / Math.max(1, s.bytes.length))));
    add('256 KB of repeated copies', copies(256_000));
    if (large) add('2 MB of repeated copies', copies(2_000_000));
  }
  return out;
}

export interface FuzzCase {
  id: number;
  label: string;
  path: string;
  bytes: Uint8Array;
  original: Uint8Array;
}

/** The case list is a pure function of the job, so a failure names a replayable (seed, id). */
export function buildCase(job: { seed: number; extremes: boolean }, seeds: SeedFile[], extremes: SeedFile[], id: number): FuzzCase {
  const nExtreme = job.extremes ? extremes.length : 0;
  if (id < nExtreme) {
    const e = extremes[id];
    const original = seeds.find((s) => s.path === e.path)?.bytes ?? new Uint8Array();
    return { id, label: `extreme: ${e.name} (${e.language})`, path: e.path, bytes: e.bytes, original };
  }
  const r = rng(caseSeed(job.seed, id - nExtreme));
  const s = seeds[randomInt(r, seeds.length)];
  const m = mutate(s.bytes, r, s.language);
  return { id, label: `mutation ${m.applied.join('+')} of ${s.path} (${s.language})`, path: s.path, bytes: m.bytes, original: s.bytes };
}
