import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { allRules } from '../../src/core/detectors/registry';
import { REPO_ROOT } from './helpers';

const RULES_DIR = path.join(REPO_ROOT, 'docs/rules');
/** Overview pages that belong to no single rule. */
const INDEX_PAGES = new Set(['README.md', 'index.md']);

function pages(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...pages(full, `${prefix}${name}/`));
    else if (name.endsWith('.md') && !(prefix === '' && INDEX_PAGES.has(name))) out.push(`${prefix}${name.slice(0, -3)}`);
  }
  return out;
}

describe('rule documentation', () => {
  it('has a page docs/rules/<rule-id>.md for every rule id', () => {
    const missing = allRules().filter((r) => !existsSync(path.join(RULES_DIR, `${r.id}.md`))).map((r) => r.id);
    assert.deepEqual(missing, [], `rule ids without a page: ${missing.join(', ')}`);
  });

  it('has no page for a rule id that does not exist', () => {
    const ids = new Set(allRules().map((r) => r.id));
    const orphans = pages(RULES_DIR).filter((p) => !ids.has(p));
    assert.deepEqual(orphans, [], `pages for unknown rule ids: ${orphans.join(', ')}`);
  });

  it('names its rule id in the title and covers what, why, fix and review', () => {
    for (const r of allRules()) {
      const file = path.join(RULES_DIR, `${r.id}.md`);
      if (!existsSync(file)) continue;
      const text = readFileSync(file, 'utf8');
      const title = text.split('\n', 1)[0];
      assert.ok(title.startsWith('# ') && title.includes(r.id), `${r.id}: the first line must be a "# " title naming the rule id`);
      for (const section of [/^#+ .*what it catches/im, /^#+ .*why it matters/im, /^#+ .*how to fix/im, /^#+ .*review/im]) {
        assert.match(text, section, `${r.id}: missing section ${section}`);
      }
    }
  });

  it('declares each rule id once', () => {
    const ids = allRules().map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
  });
});
