import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Node } from '../../src/core/model';
import { get, resolve, toPlain, values } from '../../src/core/model';
import { FIXTURES, parse } from './helpers';

async function hcl(text: string, file = 'main.tf'): Promise<Node> {
  const doc = await parse(text, file);
  assert.equal(doc.roots.length, 1);
  return doc.roots[0];
}

function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, 'lowering/hcl', name), 'utf8');
}

describe('HCL lowering', () => {
  it('lowers blocks as entries keyed by type, with tag, labels and a labelled path', async () => {
    const root = await hcl('resource "aws_iam_role" "deploy" {\n  name = "deploy"\n}\n');
    const [role] = values(root, 'resource');
    assert.equal(role.kind, 'object');
    assert.equal(role.tag, 'resource');
    assert.deepEqual(role.kind === 'object' ? role.labels : undefined, ['aws_iam_role', 'deploy']);
    assert.deepEqual(role.path, ['resource', 'aws_iam_role', 'deploy']);
    const name = get(role, 'name')!;
    assert.deepEqual(name.path, ['resource', 'aws_iam_role', 'deploy', 'name']);
    assert.deepEqual([name.range.startLine, name.range.startColumn, name.range.endColumn], [2, 10, 18]);
  });

  it('lists repeated and nested blocks through values()', async () => {
    const root = await hcl(fixture('main.tf'));
    const resources = values(root, 'resource');
    assert.equal(resources.length, 4);
    const [doc] = values(root, 'data');
    const statements = values(doc, 'statement');
    assert.equal(statements.length, 2);
    assert.deepEqual(toPlain(get(statements[0], 'actions')!), ['s3:GetObject', 's3:ListBucket']);
    assert.equal(values(statements[1], 'condition').length, 1);
    const [dyn] = values(doc, 'dynamic');
    assert.deepEqual(dyn.kind === 'object' ? dyn.labels : undefined, ['statement']);
    assert.equal(get(get(dyn, 'content'), 'actions')?.kind, 'opaque');
  });

  it('lowers literals, tuples, objects and decodes string escapes', async () => {
    const root = await hcl(
      'a = 1.5\nb = true\nc = null\nd = [1, "x", var.y]\ne = { k = 1, "q k" = 2, (var.k) = 3 }\nf = "q\\"\\n\\u00e9 $${lit} %%{lit}"\ng = ""\n',
    );
    assert.deepEqual(toPlain(root), {
      a: 1.5,
      b: true,
      c: null,
      d: [1, 'x', '${var.y}'],
      e: { k: 1, 'q k': 2, '(var.k)': 3 },
      f: 'q"\né ${lit} %{lit}',
      g: '',
    });
  });

  it('keeps references, templates, calls, conditionals, for-expressions and splats opaque', async () => {
    const root = await hcl(
      'a = var.x\nb = "n-${var.env}"\nc = "%{ if var.x }y%{ endif }"\nd = var.p ? "https://prod.example.com" : "http://localhost"\ne = [for x in var.l : x]\nf = aws_instance.web[*].id\ng = lookup(var.m, "k", "dflt")\nh = 1 + 2\n',
    );
    for (const k of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) assert.equal(get(root, k)?.kind, 'opaque', k);
    const b = get(root, 'b')!;
    assert.equal(b.kind === 'opaque' ? b.text : '', '"n-${var.env}"');
    const d = get(root, 'd')!;
    assert.deepEqual(d.kind === 'opaque' ? d.args?.map(toPlain) : [], ['${var.p}', 'https://prod.example.com', 'http://localhost']);
    const g = get(root, 'g')!;
    assert.equal(g.kind === 'opaque' ? g.callee : '', 'lookup');
    assert.deepEqual(g.kind === 'opaque' ? g.args?.map(toPlain) : [], ['${var.m}', 'k', 'dflt']);
  });

  it('makes jsonencode/yamlencode transparent with the function name as tag', async () => {
    const root = await hcl('p = jsonencode({ Version = "2012-10-17", Statement = [{ Action = "*" }] })\ny = yamlencode(["a"])\n');
    const p = get(root, 'p')!;
    assert.equal(p.kind, 'object');
    assert.equal(p.tag, 'jsonencode');
    assert.deepEqual(p.path, ['p']);
    assert.deepEqual(toPlain(values(p, 'Statement')[0]), { Action: '*' });
    assert.equal(get(root, 'y')?.tag, 'yamlencode');
  });

  it('embeds JSON heredocs with interpolated values opaque and ranges in the outer file', async () => {
    const root = await hcl(fixture('main.tf'));
    const heredoc = values(root, 'resource').find((r) => r.kind === 'object' && r.labels?.[1] === 'heredoc')!;
    const policy = get(heredoc, 'policy')!;
    assert.equal(policy.kind, 'object');
    const [stmt] = values(policy, 'Statement');
    assert.equal(get(stmt, 'Action')?.kind, 'string');
    const res = get(stmt, 'Resource')!;
    assert.equal(res.kind, 'opaque');
    assert.equal(res.kind === 'opaque' ? res.text : '', '${aws_s3_bucket.artifacts.arn}');
    const action = get(stmt, 'Action')!;
    const line = fixture('main.tf').split('\n')[action.range.startLine - 1];
    assert.equal(line.slice(action.range.startColumn - 1, action.range.endColumn - 1), '"s3:*"');
    assert.deepEqual(action.path, ['resource', 'aws_iam_role_policy', 'heredoc', 'policy', 'Statement', 0, 'Action']);
  });

  it('strips <<- indentation, keeps <<EOF verbatim, embeds YAML, and leaves templated heredocs opaque', async () => {
    const root = await hcl('a = <<-EOT\n    x\n      y\n    EOT\nb = <<EOT\n  raw\nEOT\nc = <<-EOT\n  k: v\n  n: "${var.x}"\n  EOT\nd = <<EOT\nhello ${var.x}\nEOT\n');
    assert.equal(toPlain(get(root, 'a')!), 'x\n  y\n');
    assert.equal(toPlain(get(root, 'b')!), '  raw\n');
    const c = get(root, 'c')!;
    assert.equal(c.kind, 'object');
    assert.equal(get(c, 'k')?.kind, 'string');
    assert.equal(get(c, 'n')?.kind, 'opaque');
    assert.deepEqual([get(c, 'k')!.range.startLine, get(c, 'k')!.range.startColumn], [9, 6]);
    assert.equal(get(root, 'd')?.kind, 'opaque');
  });

  it('embeds JSON in quoted strings', async () => {
    const root = await hcl('p = "{\\"Effect\\": \\"Allow\\"}"\n');
    assert.deepEqual(toPlain(get(root, 'p')!), { Effect: 'Allow' });
    const raw = (root.kind === 'object' ? root.entries[0].value : root) as Node;
    assert.equal(raw.kind, 'string');
    assert.equal(resolve(raw).kind, 'object');
  });

  it('reads .tfvars as one body of attributes', async () => {
    const root = await hcl(fixture('prod.tfvars'), 'prod.tfvars');
    assert.deepEqual(toPlain(get(root, 'allowed_cidrs')!), ['10.0.0.0/8', '0.0.0.0/0']);
    assert.equal(get(root, 'enable_public_ip')?.kind, 'boolean');
  });

  it('survives hostile nesting and reports syntax errors', async function () {
    // Large inputs on a busy CI machine; the size is the point, not the speed.
    this.timeout(180_000);
    const n = 100_000;
    for (const text of ['a = ' + '['.repeat(n) + ']'.repeat(n), 'a = ' + '{a = '.repeat(n) + '1' + '}'.repeat(n), 'b {'.repeat(n)]) {
      const doc = await parse(text, 'x.tf');
      assert.equal(doc.roots.length, 1);
    }
    const bad = await parse('resource "x" {\n  a = \n', 'x.tf');
    assert.ok(bad.problems.length > 0);
  });
});
