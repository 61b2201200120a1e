import { strict as assert } from 'node:assert';
import type { Node } from '../../src/core/model';
import { get, resolve, toPlain } from '../../src/core/model';
import { parse } from './helpers';

async function root(text: string, file: string): Promise<Node> {
  const doc = await parse(text, file);
  assert.equal(doc.roots.length, 1);
  return doc.roots[0];
}

describe('.env lowering', () => {
  it('reads KEY=value, export, quoting styles, inline comments and escapes into one flat object', async () => {
    const r = await root(
      '# c\nexport A=1\nB = plain value # comment\nC="d\\"q\\n\\$x"\nD=\'raw \\n $X\'\nE=a#b\nF=\nG="multi\nline"\n',
      '.env',
    );
    assert.deepEqual(toPlain(r), { A: '1', B: 'plain value', C: 'd"q\n$x', D: 'raw \\n $X', E: 'a#b', F: '', G: 'multi\nline' });
    assert.equal(get(r, 'A')?.kind, 'string');
  });

  it('makes values with ${VAR} or $VAR references opaque', async () => {
    const r = await root('A=${HOST}/x\nB="$HOME/y"\nC=\'$HOME\'\nD="\\$HOME"\n', '.env.production');
    assert.equal(get(r, 'A')?.kind, 'opaque');
    assert.equal(get(r, 'B')?.kind, 'opaque');
    assert.equal(get(r, 'C')?.kind, 'string');
    assert.equal(get(r, 'D')?.kind, 'string');
  });

  it('keeps exact ranges and embeds JSON values', async () => {
    const r = await root('X=1\n  export KEY="{\\"a\\": 1}"\n', '.env');
    const key = r.kind === 'object' ? r.entries[1] : undefined;
    assert.deepEqual([key?.keyRange.startLine, key?.keyRange.startColumn, key?.keyRange.endColumn], [2, 10, 13]);
    const v = key!.value;
    assert.deepEqual([v.range.startColumn, v.range.endColumn], [14, 26]);
    assert.deepEqual(toPlain(v), { a: 1 });
    const a = get(resolve(v), 'a')!;
    assert.deepEqual([a.range.startLine, a.range.startColumn], [2, 23]);
  });

  it('records unreadable lines and unterminated quotes as problems', async () => {
    const doc = await parse('GOOD=1\nnot a pair\nBAD="open\n', '.env');
    assert.equal(doc.problems.length, 2);
    assert.equal(toPlain(get(doc.roots[0], 'GOOD')!), '1');
  });
});

describe('.properties lowering', () => {
  it('reads =, : and whitespace separators, comments and keys as written', async () => {
    const r = await root('# c\n! c\na.b.c=1\nd : two\ne   three\nempty\n', 'application.properties');
    assert.deepEqual(toPlain(r), { 'a.b.c': '1', d: 'two', e: 'three', empty: '' });
  });

  it('joins continuation lines and decodes escapes', async () => {
    const r = await root('k\\ey\\=x = a \\\n    b\\u00e9\\tc\npath=C:\\\\x\n', 'a.properties');
    assert.deepEqual(toPlain(r), { 'key=x': 'a bé\tc', path: 'C:\\x' });
  });

  it('makes ${placeholder} values opaque, keeps ranges and embeds JSON', async () => {
    const r = await root('url=${DB_URL:jdbc:h2:mem}\npolicy={"a": [1]}\n', 'a.properties');
    assert.equal(get(r, 'url')?.kind, 'opaque');
    const p = get(r, 'policy')!;
    assert.equal(p.kind, 'object');
    assert.deepEqual([p.range.startLine, p.range.startColumn], [2, 8]);
  });
});
