// Held-out-style QA cases: one `.case` file per before/after change (or scan), written like a
// real repository. Format (lines outside sections):
//   # free text (what the case is about, where it was modelled from)
//   expect: rule/id, rule/id      (the exact set of rule ids reported; `none` for must-not-flag)
//   message: regex                (optional, repeatable: some finding's message must match)
//   mode: scan                    (optional; default diff)
//   rules: {json}                 (optional rules config)
// Sections: `=== before PATH`, `=== after PATH`, `=== both PATH` (same text on both sides,
// context the siblings see). A path with only `after` is a new file.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyzeChange, type SiblingSource } from '../../src/core/analyze';
import type { Finding } from '../../src/core/findings';
import { resolveRules, type RulesConfig } from '../../src/core/rules';
import { FIXTURES } from './helpers';

export interface QaCase {
  name: string;
  expect: string[];
  messages: RegExp[];
  mode: 'scan' | 'diff';
  rules: RulesConfig;
  files: Map<string, { before?: string; after?: string }>;
}

export function parseCase(name: string, text: string): QaCase {
  const c: QaCase = { name, expect: [], messages: [], mode: 'diff', rules: {}, files: new Map() };
  let section: { side: 'before' | 'after' | 'both'; path: string; lines: string[] } | undefined;
  let sawExpect = false;
  const flush = (): void => {
    if (!section) return;
    const body = section.lines.join('\n').replace(/\n*$/, '\n');
    const f = c.files.get(section.path) ?? {};
    if (section.side !== 'after') f.before = body;
    if (section.side !== 'before') f.after = body;
    c.files.set(section.path, f);
  };
  for (const line of text.split('\n')) {
    const head = /^=== (before|after|both) (\S+)\s*$/.exec(line);
    if (head) {
      flush();
      section = { side: head[1] as 'before' | 'after' | 'both', path: head[2], lines: [] };
      continue;
    }
    if (section) {
      section.lines.push(line);
      continue;
    }
    const kv = /^(expect|message|mode|rules):\s*(.*)$/.exec(line);
    if (!kv) continue;
    if (kv[1] === 'expect') {
      sawExpect = true;
      c.expect = kv[2].trim() === 'none' ? [] : kv[2].split(',').map((s) => s.trim()).filter(Boolean).sort();
    } else if (kv[1] === 'message') c.messages.push(new RegExp(kv[2].trim()));
    else if (kv[1] === 'mode') c.mode = kv[2].trim() === 'scan' ? 'scan' : 'diff';
    else c.rules = JSON.parse(kv[2]) as RulesConfig;
  }
  flush();
  if (!sawExpect) throw new Error(`${name}: no expect: line`);
  if (!c.files.size) throw new Error(`${name}: no files`);
  return c;
}

export function loadCases(family: string): QaCase[] {
  const dir = path.join(FIXTURES, 'qa', family);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.case'))
    .sort()
    .map((f) => parseCase(`${family}/${f}`, readFileSync(path.join(dir, f), 'utf8')));
}

export async function runCase(c: QaCase): Promise<Finding[]> {
  const rules = resolveRules(c.rules);
  const siblings: SiblingSource = {
    paths: () => [...c.files.keys()],
    read: (p) => {
      const f = c.files.get(p);
      if (!f) return undefined;
      return c.mode === 'scan' ? { after: f.after ?? null } : { before: f.before ?? null, after: f.after ?? null };
    },
    // As the CLI runs it: scan analyses every file, diff the changed ones.
    analysed: (p) => {
      const f = c.files.get(p);
      return f?.after !== undefined && (c.mode === 'scan' || f.before !== f.after);
    },
  };
  const findings: Finding[] = [];
  for (const [p, f] of c.files) {
    if (f.after === undefined) continue;
    if (c.mode === 'diff' && f.before === f.after) continue;
    const r = await analyzeChange({ path: p, before: c.mode === 'scan' ? undefined : f.before ?? null, after: f.after }, { rules, mode: c.mode, siblings });
    const errors = r.notes.filter((n) => n.level === 'error');
    assert.deepEqual(errors, [], `${c.name}: ${p} was not analysed cleanly`);
    findings.push(...r.findings);
  }
  return findings;
}

/** Registers one mocha test per case of the family. */
export function describeCases(family: string): void {
  describe(`QA held-out-style cases: ${family}`, () => {
    for (const c of loadCases(family)) {
      it(c.name, async () => {
        const findings = await runCase(c);
        const got = [...new Set(findings.map((f) => f.ruleId))].sort();
        const shown = findings.map((f) => `${f.ruleId} ${f.path}:${f.range.startLine} ${f.message}`).join('\n  ');
        assert.deepEqual(got, c.expect, `${c.name}: rule ids differ; findings:\n  ${shown || '(none)'}`);
        for (const re of c.messages) {
          assert.ok(findings.some((f) => re.test(f.message)), `${c.name}: no message matches ${re}; findings:\n  ${shown}`);
        }
      });
    }
  });
}
