import * as assert from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './helpers';

/** File names in a zip, from its central directory (enough for a .vsix; no extraction). */
function zipEntries(buf: Buffer): string[] {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'a zip end-of-central-directory record');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    assert.strictEqual(buf.readUInt32LE(p), 0x02014b50, 'a central directory entry');
    const nameLen = buf.readUInt16LE(p + 28);
    const extra = buf.readUInt16LE(p + 30);
    const comment = buf.readUInt16LE(p + 32);
    names.push(buf.subarray(p + 46, p + 46 + nameLen).toString('utf8'));
    p += 46 + nameLen + extra + comment;
  }
  return names;
}

describe('the .vsix package', function () {
  this.timeout(120000);
  let entries: string[];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'foureyes-vsix-'));

  before(() => {
    const out = path.join(tmp, 'foureyes.vsix');
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', out], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.strictEqual(r.status, 0, `vsce package failed: ${r.stderr}${r.stdout}`);
    entries = zipEntries(readFileSync(out)).filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length));
  });

  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('holds the bundles, the grammars, the IAM table, the rule docs and the walkthrough media', () => {
    for (const f of ['package.json', 'dist/extension.js', 'dist/cli.js', 'dist/hook.js', 'dist/hook-boot.js', 'dist/grammars/web-tree-sitter.wasm', 'dist/grammars/tree-sitter-json.wasm', 'dist/iam/aws-actions.json.gz', 'docs/rules/iam/aws-wildcard-action.md', 'media/walkthrough/hook.md']) {
      assert.ok(entries.includes(f), `${f} is packaged`);
    }
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { jsonValidation: Array<{ url: string }> } };
    for (const v of pkg.contributes.jsonValidation) {
      const schema = v.url.replace(/^\.\//, '');
      if (entries.includes(schema) || !existsSync(path.join(REPO_ROOT, schema))) continue;
      assert.fail(`${schema} exists but is not packaged`);
    }
  });

  it('holds no sources, tests, maps, build output for tests or dependencies', () => {
    const bad = entries.filter((e) => /^(src|test|out|bench|scripts|node_modules|\.vscode|\.ci|grammars)\//.test(e) || e.endsWith('.ts') || e.endsWith('.map') || e.endsWith('.vsix'));
    assert.deepStrictEqual(bad, []);
  });
});
