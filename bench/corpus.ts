// Deterministic (seeded) generator of a mixed IaC and code corpus: Terraform, Kubernetes and
// CloudFormation YAML, GitHub workflows, policy JSON, CDK TypeScript, boto3 Python, Go, shell,
// .env, TOML and .properties. Some blocks carry wildcard IAM grants and production endpoints, most
// do not, as in a real repository. Written under a temporary directory, never into git.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

type Rand = () => number;

function rng(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)];

const ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 'dynamodb:Query', 'dynamodb:PutItem', 'sqs:SendMessage', 'logs:PutLogEvents', 'kms:Decrypt', 'ec2:DescribeInstances', 'lambda:InvokeFunction'];
const WILD = ['*', 's3:*', 'iam:*', 'ec2:*', 'dynamodb:*'];
const HOSTS = ['api.staging.example.com', 'db.dev.internal', 'localhost', 'api.prod.example.com', 'orders-db.prod.example.net', 'cache.qa.example.com'];

/** Action list for one statement: usually specific, sometimes a wildcard. */
function actions(r: Rand): string[] {
  if (r() < 0.12) return [pick(r, WILD)];
  return Array.from({ length: 1 + int(r, 4) }, () => pick(r, ACTIONS));
}

const q = (xs: string[]) => xs.map((x) => JSON.stringify(x)).join(', ');

interface Kind {
  /** Relative path of file `i`. */
  file(i: number): string;
  header: (r: Rand, i: number) => string;
  block: (r: Rand, i: number, b: number) => string;
  footer?: (r: Rand) => string;
  separator?: string;
}

const KINDS: Array<[weight: number, kind: Kind]> = [
  [
    25,
    {
      file: (i) => `svc-${i % 97}/infra/m${i}/main.tf`,
      header: () => '',
      block: (r, i, b) =>
        r() < 0.5
          ? `resource "aws_iam_policy" "p${i}_${b}" {\n  name   = "p-${i}-${b}"\n  policy = jsonencode({\n    Version   = "2012-10-17"\n    Statement = [{\n      Effect   = "Allow"\n      Action   = [${q(actions(r))}]\n      Resource = "${r() < 0.2 ? '*' : `arn:aws:s3:::bucket-${b}/*`}"\n    }]\n  })\n}\n\n`
          : `data "aws_iam_policy_document" "d${i}_${b}" {\n  statement {\n    actions   = [${q(actions(r))}]\n    resources = ["arn:aws:dynamodb:us-east-1:123456789012:table/t${b}"]\n  }\n}\n\nresource "aws_s3_bucket" "b${i}_${b}" {\n  bucket = "bucket-${i}-${b}"\n  tags = {\n    env   = "${pick(r, ['dev', 'staging', 'prod'])}"\n    owner = "team-${b % 7}"\n  }\n}\n\n`,
    },
  ],
  [
    12,
    {
      file: (i) => `svc-${i % 97}/k8s/r${i}.yaml`,
      header: () => '',
      separator: '---\n',
      block: (r, i, b) =>
        r() < 0.5
          ? `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: role-${i}-${b}\n  namespace: ns-${b % 5}\nrules:\n  - apiGroups: [""]\n    resources: [${r() < 0.1 ? '"*"' : '"pods", "configmaps"'}]\n    verbs: ["get", "list"${r() < 0.1 ? ', "*"' : ''}]\n`
          : `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}-${b}\nspec:\n  replicas: ${1 + int(r, 5)}\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example.com/app:${b}\n          env:\n            - name: API_URL\n              value: https://${pick(r, HOSTS)}/v${b}\n`,
    },
  ],
  [
    8,
    {
      file: (i) => `svc-${i % 97}/cfn/stack${i}.yaml`,
      header: () => 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n',
      block: (r, i, b) =>
        `  Role${b}:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !Sub "role-${b}-\${AWS::Region}"\n      Policies:\n        - PolicyName: p${b}\n          PolicyDocument:\n            Version: "2012-10-17"\n            Statement:\n              - Effect: Allow\n                Action: [${q(actions(r))}]\n                Resource: !GetAtt Bucket${b}.Arn\n  Bucket${b}:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: bucket-${i}-${b}\n`,
    },
  ],
  [
    5,
    {
      file: (i) => `svc-${i % 97}/.github/workflows/ci${i}.yml`,
      header: (r) => `on: [push, pull_request]\npermissions:\n  contents: ${r() < 0.1 ? 'write' : 'read'}\njobs:\n`,
      block: (r, _i, b) =>
        `  job${b}:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci && npm test -- --shard=${b}\n        env:\n          API: https://${pick(r, HOSTS)}\n`,
    },
  ],
  [
    10,
    {
      file: (i) => `svc-${i % 97}/policies/p${i}.json`,
      header: () => '{\n  "Version": "2012-10-17",\n  "Statement": [\n',
      separator: ',\n',
      block: (r, _i, b) =>
        `    {\n      "Sid": "S${b}",\n      "Effect": "Allow",\n      "Action": [${q(actions(r))}],\n      "Resource": "${r() < 0.2 ? '*' : `arn:aws:s3:::bucket-${b}/*`}"\n    }`,
      footer: () => '\n  ]\n}\n',
    },
  ],
  [
    15,
    {
      file: (i) => `svc-${i % 97}/lib/stack${i}.ts`,
      header: () => "import * as iam from 'aws-cdk-lib/aws-iam';\nimport { Construct } from 'constructs';\n\n",
      block: (r, _i, b) =>
        `export function grant${b}(scope: Construct, role: iam.Role): void {\n  role.addToPolicy(\n    new iam.PolicyStatement({\n      actions: [${q(actions(r))}],\n      resources: ['arn:aws:sqs:us-east-1:123456789012:q${b}'],\n    }),\n  );\n  const endpoint = \`https://${pick(r, HOSTS)}/api/\${role.roleName}\`;\n  console.log(endpoint, ${b});\n}\n\n`,
    },
  ],
  [
    10,
    {
      file: (i) => `svc-${i % 97}/scripts/job${i}.py`,
      header: () => 'import json\nimport boto3\n\niam = boto3.client("iam")\n\n',
      block: (r, _i, b) =>
        `def attach_${b}(role):\n    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [${q(actions(r))}], "Resource": "*"}]}\n    iam.put_role_policy(RoleName=role, PolicyName="p${b}", PolicyDocument=json.dumps(policy))\n    url = "https://${pick(r, HOSTS)}/v1/${b}"\n    return url\n\n\n`,
    },
  ],
  [
    5,
    {
      file: (i) => `svc-${i % 97}/cmd/main${i}.go`,
      header: () => 'package main\n\nimport "encoding/json"\n\n',
      block: (r, _i, b) =>
        `var policy${b} = map[string]any{\n\t"Version": "2012-10-17",\n\t"Statement": []map[string]any{{"Effect": "Allow", "Action": []string{${q(actions(r))}}, "Resource": "*"}},\n}\n\nfunc marshal${b}() []byte {\n\tb, _ := json.Marshal(policy${b})\n\turl := "https://${pick(r, HOSTS)}/${b}"\n\t_ = url\n\treturn b\n}\n\n`,
    },
  ],
  [
    5,
    {
      file: (i) => `svc-${i % 97}/bin/deploy${i}.sh`,
      header: () => '#!/usr/bin/env bash\nset -euo pipefail\n\n',
      block: (r, _i, b) =>
        `aws iam put-role-policy --role-name r${b} --policy-name p${b} --policy-document '{"Statement":[{"Effect":"Allow","Action":${JSON.stringify(actions(r))},"Resource":"*"}]}'\nexport API_URL="https://${pick(r, HOSTS)}/${b}"\nkubectl --context ${pick(r, ['dev', 'staging', 'prod-eu'])} apply -f k8s/${b}.yaml\n\n`,
    },
  ],
  [
    2,
    {
      file: (i) => `svc-${i % 97}/config/app${i}.toml`,
      header: () => '',
      block: (r, _i, b) => `[service${b}]\nurl = "https://${pick(r, HOSTS)}/${b}"\ntimeout = ${int(r, 60)}\ntls = ${r() < 0.9}\n\n`,
    },
  ],
  [
    2,
    {
      file: (i) => `svc-${i % 97}/config/app${i}.properties`,
      header: () => '',
      block: (r, _i, b) => `service${b}.url=https://${pick(r, HOSTS)}/${b}\nservice${b}.pool.size=${int(r, 50)}\n`,
    },
  ],
  [
    1,
    {
      file: (i) => `svc-${i % 97}/env/app${i}.env`,
      header: () => '',
      block: (r, _i, b) => `SERVICE_${b}_URL=https://${pick(r, HOSTS)}/${b}\nSERVICE_${b}_TIMEOUT=${int(r, 60)}\n`,
    },
  ],
];

export interface CorpusOptions {
  files: number;
  /** Mean file size in bytes (sizes vary around it, as in a real repository). */
  meanBytes: number;
  seed: number;
}

export interface CorpusStats {
  files: number;
  bytes: number;
  byExtension: Record<string, number>;
}

/** The corpus as (path, text) pairs, without touching the disk. */
export function* corpusFiles(opts: CorpusOptions): Generator<{ path: string; text: string }> {
  const r = rng(opts.seed);
  const total = KINDS.reduce((n, [w]) => n + w, 0);
  for (let i = 0; i < opts.files; i++) {
    let x = r() * total;
    let kind = KINDS[0][1];
    for (const [w, k] of KINDS) {
      if ((x -= w) < 0) {
        kind = k;
        break;
      }
    }
    // Exponential sizes around the mean, capped: most files small, a few large.
    const target = Math.min(opts.meanBytes * 6, Math.max(200, -Math.log(1 - r()) * opts.meanBytes));
    const parts = [kind.header(r, i)];
    let size = parts[0].length;
    for (let b = 0; size < target; b++) {
      const block = (b > 0 && kind.separator ? kind.separator : '') + kind.block(r, i, b);
      parts.push(block);
      size += block.length;
    }
    if (kind.footer) parts.push(kind.footer(r));
    yield { path: kind.file(i), text: parts.join('') };
  }
}

export function writeCorpus(dir: string, opts: CorpusOptions): CorpusStats {
  const stats: CorpusStats = { files: 0, bytes: 0, byExtension: {} };
  for (const f of corpusFiles(opts)) {
    const abs = path.join(dir, f.path);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, f.text);
    stats.files++;
    stats.bytes += Buffer.byteLength(f.text);
    const ext = path.extname(f.path) || path.basename(f.path);
    stats.byExtension[ext] = (stats.byExtension[ext] ?? 0) + 1;
  }
  return stats;
}
