import * as assert from 'node:assert';
import { analyzeChange } from '../../src/core/analyze';
import { IncrementalParser, type TextChange } from '../../src/core/incremental';
import type { Doc } from '../../src/core/model';
import { parseDocument } from '../../src/core/parse';
import { defaultRules } from '../../src/core/rules';

function apply(text: string, c: TextChange): string {
  return text.slice(0, c.startOffset) + c.newText + text.slice(c.oldEndOffset);
}

/** The model without the text, for comparing an incremental parse with a full one. */
function shape(doc: Doc): string {
  return JSON.stringify({ roots: doc.roots, problems: doc.problems });
}

const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    { "Sid": "Café", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::reports/*" }
  ]
}
`;

describe('incremental parsing', () => {
  it('re-uses the previous tree and lowers the same model as a full parse', async () => {
    const p = new IncrementalParser('policy.json', 'json');
    let text = POLICY;
    await p.parse(text);
    const edits: TextChange[] = [];
    const at = text.indexOf('s3:GetObject');
    edits.push({ startOffset: at, oldEndOffset: at + 's3:GetObject'.length, newText: 's3:*' });
    for (const c of edits) {
      text = apply(text, c);
      const doc = await p.parse(text, [c]);
      assert.strictEqual(shape(doc), shape(await parseDocument('policy.json', text, 'json')));
    }
    assert.deepStrictEqual([p.stats.incremental, p.stats.full], [1, 1]);
    p.dispose();
  });

  it('handles several changes in one event, non-ASCII text and inserted lines', async () => {
    const p = new IncrementalParser('policy.json', 'json');
    let text = POLICY;
    await p.parse(text);
    const res = text.indexOf('"arn:aws:s3:::reports/*"');
    const act = text.indexOf('"s3:GetObject"');
    // Descending order, as the editor reports multi-cursor edits.
    const changes: TextChange[] = [
      { startOffset: res, oldEndOffset: res + '"arn:aws:s3:::reports/*"'.length, newText: '"*"' },
      { startOffset: act, oldEndOffset: act + '"s3:GetObject"'.length, newText: '"s3:GetObject",\n        "iam:PassRole"' },
    ];
    for (const c of changes) text = apply(text, c);
    const doc = await p.parse(text, changes);
    assert.strictEqual(shape(doc), shape(await parseDocument('policy.json', text, 'json')));
    assert.strictEqual(p.stats.incremental, 1);
    p.dispose();
  });

  it('falls back to a full parse when the changes do not produce the text', async () => {
    const p = new IncrementalParser('policy.json', 'json');
    await p.parse(POLICY);
    const text = POLICY.replace('s3:GetObject', 's3:*');
    const doc = await p.parse(text, [{ startOffset: 0, oldEndOffset: 1, newText: '[' }]);
    assert.strictEqual(shape(doc), shape(await parseDocument('policy.json', text, 'json')));
    assert.deepStrictEqual([p.stats.incremental, p.stats.full], [0, 2]);
    p.dispose();
  });

  it('lets analyzeChange use a caller-supplied parser for either side', async () => {
    const p = new IncrementalParser('policy.json', 'json');
    const sides: string[] = [];
    const after = POLICY.replace('"s3:GetObject"', '"*"');
    const r = await analyzeChange(
      { path: 'policy.json', before: POLICY, after },
      {
        rules: defaultRules(),
        mode: 'diff',
        parse: async (side, path, text, language) => {
          sides.push(side);
          return side === 'after' ? p.parse(text) : parseDocument(path, text, language);
        },
      },
    );
    assert.deepStrictEqual(sides.sort(), ['after', 'before']);
    assert.ok(r.findings.some((f) => f.ruleId.startsWith('iam/')), 'a wildcard action is still found');
    p.dispose();
  });
});
