import { strict as assert } from 'node:assert';
import type { Node } from '../../src/core/model';
import { get, toPlain, values, walk } from '../../src/core/model';
import { parse } from './helpers';

async function yaml(text: string): Promise<Node[]> {
  return (await parse(text, 'x.yaml')).roots;
}

describe('YAML lowering', () => {
  it('gives one root per document of a stream, comments ignored', async () => {
    const roots = await yaml('# head\na: 1\n---\n- x # trailing\n---\n"s"\n');
    assert.deepEqual(roots.map(toPlain), [{ a: 1 }, ['x'], 's']);
  });

  it('types plain scalars by the YAML 1.2 core schema and keeps quoted scalars strings', async () => {
    const [r] = await yaml(
      'b: [true, False, TRUE, yes, no, on]\nn: [null, ~, Null, ""]\ni: [0, -12, +7, 0x1F, 0o17, 012]\nf: [1.5, -2e3, .5, .inf, -.Inf, .nan]\nq: ["1", \'true\', "null"]\n',
    );
    const p = toPlain(r) as Record<string, unknown[]>;
    assert.deepEqual(p.b, [true, false, true, 'yes', 'no', 'on']);
    assert.deepEqual(p.n, [null, null, null, '']);
    assert.deepEqual(p.i, [0, -12, 7, 31, 15, 12]);
    assert.deepEqual(p.f.slice(0, 5), [1.5, -2000, 0.5, Infinity, -Infinity]);
    assert.ok(Number.isNaN(p.f[5]));
    assert.deepEqual(p.q, ['1', 'true', 'null']);
    const raw = get(r, 'i');
    assert.equal(raw?.kind === 'array' && raw.items[3].kind === 'number' ? raw.items[3].raw : undefined, '0x1F');
  });

  it('decodes quoted scalars with escapes and line folding', async () => {
    const [r] = await yaml('d: "tab\\tq\\"\\u00e9\\x41\n  next\\\n  joined"\ns: \'it\'\'s\n\n  para\'\np: plain\n  folded\n');
    assert.deepEqual(toPlain(r), { d: 'tab\tq"éA nextjoined', s: "it's\npara", p: 'plain folded' });
  });

  it('reads block scalars with chomping, indentation indicators and folding', async () => {
    const [r] = await yaml(
      'lit: |\n  a\n   b\n\nkeep: |+\n  k\n\nstrip: |-\n  s\n\nfold: >\n  one\n  two\n\n  three\n    indented\n  back\nind: |2\n    four\n  two\n',
    );
    assert.deepEqual(toPlain(r), {
      lit: 'a\n b\n',
      keep: 'k\n\n',
      strip: 's',
      fold: 'one two\nthree\n  indented\nback\n',
      ind: '  four\ntwo\n',
    });
  });

  it('keeps exact 1-based ranges for keys and values', async () => {
    const [r] = await yaml('top:\n  key: value\n  list:\n    - "q"\n');
    const top = get(r, 'top')!;
    assert.equal(top.kind, 'object');
    const v = get(top, 'key')!;
    assert.deepEqual([v.range.startLine, v.range.startColumn, v.range.endLine, v.range.endColumn], [2, 8, 2, 13]);
    assert.deepEqual(v.path, ['top', 'key']);
    const entry = top.kind === 'object' ? top.entries[0] : undefined;
    assert.deepEqual([entry?.keyRange.startLine, entry?.keyRange.startColumn], [2, 3]);
    const q = values(top, 'list')[0];
    assert.deepEqual([q.range.startLine, q.range.startColumn, q.path], [4, 7, ['top', 'list', 0]]);
  });

  it('expands aliases with the alias range and the new path', async () => {
    const [r] = await yaml('base: &b\n  x: 1\n  y: [a]\ncopy: *b\n');
    const copy = get(r, 'copy')!;
    assert.deepEqual(toPlain(copy), { x: 1, y: ['a'] });
    assert.deepEqual([copy.range.startLine, copy.range.startColumn], [4, 7]);
    assert.deepEqual(get(copy, 'y')!.path, ['copy', 'y']);
    // The original keeps its own paths.
    assert.deepEqual(get(get(r, 'base'), 'y')!.path, ['base', 'y']);
  });

  it('merges `<<` keys: explicit keys win, earlier merged mappings win', async () => {
    const [r] = await yaml('a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nm:\n  <<: [*a, *b]\n  x: 0\none:\n  <<: *b\n  w: 9\n');
    assert.deepEqual(toPlain(get(r, 'm')!), { y: 1, z: 2, x: 0 });
    const m = get(r, 'm')!;
    assert.equal(m.kind === 'object' ? m.entries.filter((e) => e.key === 'x').length : -1, 1);
    assert.deepEqual(toPlain(get(r, 'one')!), { y: 2, z: 2, w: 9 });
    assert.deepEqual(get(get(r, 'one'), 'z')!.path, ['one', 'z']);
  });

  it('keeps tags and lowers CloudFormation short forms to long form', async () => {
    const [r] = await yaml(
      [
        'ref: !Ref Bucket',
        'att: !GetAtt Role.Arn',
        'attNested: !GetAtt Db.Endpoint.Address',
        'attList: !GetAtt [Role, Arn]',
        'sub: !Sub "arn:aws:s3:::${Bucket}/*"',
        'subList: !Sub ["${A}", {A: !Ref B}]',
        'join: !Join [",", [a, b]]',
        'if: !If [Cond, !Ref A, !Ref "AWS::NoValue"]',
        'sel: !Select [0, !GetAZs ""]',
        'split: !Split [",", "a,b"]',
        'map: !FindInMap [M, K, V]',
        'imp: !ImportValue Shared',
        'b64: !Base64 text',
        'cidr: !Cidr [10.0.0.0/16, 4, 8]',
        'eq: !Equals [!Ref Env, prod]',
        'not: !Not [!Condition IsProd]',
        'and: !And [!Condition A, !Or [!Condition B, !Condition C]]',
        'custom: !Env HOME',
        'str: !!str 123',
      ].join('\n') + '\n',
    );
    const p = toPlain(r) as Record<string, unknown>;
    assert.deepEqual(p.ref, { Ref: 'Bucket' });
    assert.deepEqual(p.att, { 'Fn::GetAtt': ['Role', 'Arn'] });
    assert.deepEqual(p.attNested, { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] });
    assert.deepEqual(p.attList, { 'Fn::GetAtt': ['Role', 'Arn'] });
    assert.deepEqual(p.sub, { 'Fn::Sub': 'arn:aws:s3:::${Bucket}/*' });
    assert.deepEqual(p.subList, { 'Fn::Sub': ['${A}', { A: { Ref: 'B' } }] });
    assert.deepEqual(p.join, { 'Fn::Join': [',', ['a', 'b']] });
    assert.deepEqual(p.if, { 'Fn::If': ['Cond', { Ref: 'A' }, { Ref: 'AWS::NoValue' }] });
    assert.deepEqual(p.sel, { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] });
    assert.deepEqual(p.split, { 'Fn::Split': [',', 'a,b'] });
    assert.deepEqual(p.map, { 'Fn::FindInMap': ['M', 'K', 'V'] });
    assert.deepEqual(p.imp, { 'Fn::ImportValue': 'Shared' });
    assert.deepEqual(p.b64, { 'Fn::Base64': 'text' });
    assert.deepEqual(p.cidr, { 'Fn::Cidr': ['10.0.0.0/16', 4, 8] });
    assert.deepEqual(p.eq, { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] });
    assert.deepEqual(p.not, { 'Fn::Not': [{ Condition: 'IsProd' }] });
    assert.deepEqual(p.and, { 'Fn::And': [{ Condition: 'A' }, { 'Fn::Or': [{ Condition: 'B' }, { Condition: 'C' }] }] });
    assert.equal(get(r, 'sub')!.tag, '!Sub');
    assert.equal(get(r, 'custom')!.tag, '!Env');
    assert.equal(p.custom, 'HOME');
    assert.equal(p.str, '123');
    const ref = get(get(r, 'ref'), 'Ref')!;
    assert.deepEqual(ref.path, ['ref', 'Ref']);
    assert.deepEqual([ref.range.startLine, ref.range.startColumn], [1, 11]);
    const att = get(get(r, 'att'), 'Fn::GetAtt')!;
    const arn = att.kind === 'array' ? att.items[1] : undefined;
    assert.deepEqual([arn?.range.startColumn, arn?.range.endColumn], [19, 22]);
  });

  it('embeds JSON in strings and YAML or JSON in block scalars, with mapped ranges', async () => {
    const [r] = await yaml('policy: \'{"Effect": "Allow"}\'\ncfg: |\n  server:\n    port: 8080\njs: |\n  {"a": [1]}\n');
    assert.deepEqual(toPlain(get(r, 'policy')!), { Effect: 'Allow' });
    const port = get(get(get(r, 'cfg'), 'server'), 'port')!;
    assert.deepEqual([port.kind, port.range.startLine, port.range.startColumn], ['number', 4, 11]);
    assert.deepEqual(port.path, ['cfg', 'server', 'port']);
    const a = values(get(r, 'js'), 'a')[0];
    assert.deepEqual([a.range.startLine, a.range.startColumn], [6, 10]);
  });

  it('turns syntax errors into opaque nodes and problems', async () => {
    const doc = await parse('a: [1, 2\nb: {', 'x.yaml');
    assert.ok(doc.problems.length > 0);
    let opaque = 0;
    for (const root of doc.roots) walk(root, (n) => void (n.kind === 'opaque' && opaque++));
    assert.ok(opaque > 0 || doc.roots.length === 0);
    const broken = await parse('[[[[', 'x.yaml');
    assert.equal(broken.roots[0]?.kind, 'opaque');
  });

  it('survives hostile nesting and alias bombs', async function () {
    // Large inputs on a busy CI machine; the size is the point, not the speed.
    this.timeout(180_000);
    const n = 100_000;
    const seq = await parse('['.repeat(n) + ']'.repeat(n), 'x.yaml');
    assert.equal(seq.roots.length, 1);
    const map = await parse('{a: '.repeat(n) + '}'.repeat(n), 'x.yaml');
    assert.equal(map.roots.length, 1);
    const block = await parse('- '.repeat(5000) + 'x\n', 'x.yaml');
    assert.equal(block.roots[0].kind, 'opaque');
    assert.match(block.problems[0].message, /nesting/);
    // The parser still works after refusing that input.
    assert.deepEqual(toPlain((await yaml('k: v\n'))[0]), { k: 'v' });
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill('*' + prev).join(', ')}]`);
    }
    const bomb = await parse(levels.join('\n') + '\n', 'x.yaml');
    assert.ok(bomb.problems.some((p) => /alias/.test(p.message)));
  });

  it('keeps empty values as null and flow pairs in sequences as objects', async () => {
    const [r] = await yaml('a:\nb: [k: v]\nc:\n  - \n');
    assert.deepEqual(toPlain(r), { a: null, b: [{ k: 'v' }], c: [null] });
    assert.equal(get(r, 'a')?.kind, 'null');
  });
});
