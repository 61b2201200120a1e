// Recall and false positives of `foureyes scan` on public scanners' labelled IAM and exposure
// fixtures, re-written as our own (test/fixtures/public-style/iam, labels.json). The numbers are
// recorded in docs/benchmarks-and-hardening.md; this test keeps them from regressing.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { FIXTURES, runCli } from './helpers';

interface Label {
  positives: number;
  source: string;
  disagree?: string;
}

const DIR = path.join(FIXTURES, 'public-style/iam');

/** Labelled resources with at least one finding: a finding belongs to the resource block it is in. */
function flaggedResources(file: string, lines: number[]): number {
  const text = readFileSync(path.join(DIR, file), 'utf8').split('\n');
  if (!file.endsWith('.tf')) return lines.length ? 1 : 0;
  const starts = text.flatMap((l, i) => (/^resource\s+"/.test(l) ? [i + 1] : []));
  return new Set(lines.map((ln) => starts.filter((s) => s <= ln).pop())).size;
}

describe('public-style fixtures (re-written Checkov / KICS IAM and exposure cases)', () => {
  it('scan: recall on the positives and no finding on the negatives', () => {
    const labels = JSON.parse(readFileSync(path.join(DIR, 'labels.json'), 'utf8')) as { files: Record<string, Label> };
    const r = runCli(['scan', '-f', 'json', '--rules', path.join(DIR, 'rules.jsonc'), DIR]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const findings = (JSON.parse(r.stdout) as { findings: Array<{ path: string; range: { startLine: number } }> }).findings;
    let positives = 0;
    let found = 0;
    let falsePositives = 0;
    const missed: string[] = [];
    for (const [file, label] of Object.entries(labels.files)) {
      const lines = findings.filter((f) => f.path.endsWith(`/${file}`)).map((f) => f.range.startLine);
      const hit = Math.min(label.positives, flaggedResources(file, lines));
      if (label.positives === 0) {
        if (lines.length) falsePositives++;
        continue;
      }
      positives += label.positives;
      found += hit;
      if (hit < label.positives) missed.push(`${file}: ${hit}/${label.positives}${label.disagree ? ` (${label.disagree})` : ''}`);
    }
    const negatives = Object.values(labels.files).filter((l) => l.positives === 0).length;
    console.log(`      recall ${found}/${positives}; false positives ${falsePositives}/${negatives} negative files; missed: ${missed.join('; ') || 'none'}`);
    assert.equal(falsePositives, 0);
    assert.ok(found >= 10, `recall ${found}/${positives} fell below the recorded 10/11`);
    assert.ok(missed.every((m) => m.includes('lambda-permission')), missed.join('\n'));
  });
});
