// Change-to-diagnostic latency in the editor, debounce excluded: what the extension runs for an
// edit (incremental re-parse of the open text, re-lowering of what changed, detectors against the
// cached baseline document and its prepared state, review policy), for files of 200, 2,000 and
// 20,000 lines. After each timed edit (outside the timing) the findings are compared with a
// from-scratch analysis of the same text: a fast wrong answer fails the bench.
import { isDeepStrictEqual } from 'node:util';
import { analyzeChange } from '../src/core/analyze';
import { IncrementalParser, type TextChange } from '../src/core/incremental';
import type { Finding } from '../src/core/findings';
import type { Doc, LanguageId } from '../src/core/model';
import { parseDocument } from '../src/core/parse';
import { evaluatePolicy } from '../src/core/review/policy';
import { defaultRules } from '../src/core/rules';
import { summarize, type BenchContext, type BenchRow } from './measure';

/** A CloudFormation-style template of about `lines` lines: IAM policies among plain resources. */
export function template(lines: number): string {
  const out = ['{', '  "Resources": {'];
  let i = 0;
  while (out.length < lines - 3) {
    if (i % 4 === 0) {
      out.push(
        `    "Role${i}Policy": {`,
        '      "Type": "AWS::IAM::Policy",',
        '      "Properties": {',
        `        "PolicyName": "p${i}",`,
        '        "PolicyDocument": {',
        '          "Version": "2012-10-17",',
        `          "Statement": [{ "Sid": "S${i}", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::bucket-${i}/*" }]`,
        '        }',
        '      }',
        '    },',
      );
    } else {
      out.push(`    "Queue${i}": {`, '      "Type": "AWS::SQS::Queue",', `      "Properties": { "QueueName": "queue-${i}", "VisibilityTimeout": 30 }`, '    },');
    }
    i++;
  }
  out[out.length - 1] = out[out.length - 1].replace(/,$/, '');
  out.push('  }', '}');
  return out.join('\n') + '\n';
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function latency(lines: number, edits: number): Promise<BenchRow[]> {
  const path = `bench/template-${lines}.json`;
  const language: LanguageId = 'json';
  const rules = defaultRules();
  const baseline = template(lines);
  const beforeDoc: Promise<Doc> = parseDocument(path, baseline, language);
  const parser = new IncrementalParser(path, language);
  let text = baseline;
  // The extension analyses a file when it is opened; edits come after. That first, untimed
  // analysis parses the baseline and prepares the detectors' baseline state.
  await analyzeChange({ path, before: baseline, after: text }, { rules, mode: 'diff', language, parse: (side, _p, t) => (side === 'after' ? parser.parse(t) : beforeDoc) });
  const wide = '["s3:*"]';
  const narrow = '["s3:GetObject"]';
  const times: number[] = [];
  // CPU time as well as wall time: on a loaded machine wall time mostly measures the scheduler.
  const cpu: number[] = [];
  let findings = 0;
  const results: Array<{ text: string; findings: Finding[] }> = [];
  for (let k = 0; k < edits; k++) {
    // Toggle one statement in the middle of the file between narrow and widened.
    const target = k % 2 === 0 ? narrow : wide;
    const at = text.indexOf(target, Math.floor(text.length / 2));
    const from = at >= 0 ? at : text.indexOf(target);
    const change: TextChange = { startOffset: from, oldEndOffset: from + target.length, newText: k % 2 === 0 ? wide : narrow };
    text = text.slice(0, change.startOffset) + change.newText + text.slice(change.oldEndOffset);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await analyzeChange(
      { path, before: baseline, after: text },
      { rules, mode: 'diff', language, parse: (side, _p, t) => (side === 'after' ? parser.parse(t, [change]) : beforeDoc) },
    );
    evaluatePolicy({ findings: r.findings, records: [], policy: rules.config, authorsOf: () => [], now: new Date() });
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    findings += r.findings.length;
    results.push({ text, findings: r.findings });
  }
  const reused = parser.stats.reusedNodes / Math.max(1, parser.stats.incremental);
  parser.dispose();
  // After the timed loop, so its garbage is not collected inside a timed edit.
  for (const [k, done] of results.entries()) {
    const scratch = await analyzeChange({ path, before: baseline, after: done.text }, { rules, mode: 'diff', language });
    if (!isDeepStrictEqual(done.findings, scratch.findings)) throw new Error(`editor bench ${lines}: edit ${k} gave other findings than a from-scratch analysis`);
  }
  if (!findings) throw new Error(`editor bench ${lines}: the widening edits produced no findings`);
  const sorted = [...times].sort((a, b) => a - b);
  const p95 = percentile(sorted, 95);
  const cpuP95 = percentile([...cpu].sort((a, b) => a - b), 95);
  const target = lines === 2000 ? '; target p95 < 15 ms' : '';
  return [
    {
      group: 'editor',
      name: `edit -> diagnostic, ${lines} lines`,
      unit: 'ms',
      value: summarize(times),
      note: `p95 ${p95.toFixed(2)} ms, CPU p95 ${cpuP95.toFixed(2)} ms, debounce excluded${target}; ${reused.toFixed(0)} subtrees taken over per edit; findings = from scratch`,
    },
  ];
}

export async function editorBench(ctx: BenchContext): Promise<BenchRow[]> {
  const runs = ctx.runs;
  const out: BenchRow[] = [];
  for (const [lines, n] of [[200, runs * 8], [2000, runs * 4], [20000, Math.max(10, runs)]] as const) out.push(...(await latency(lines, n)));
  return out;
}
