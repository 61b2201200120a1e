// Human output: `path:line:col  severity  ruleId  message`, notes, and a summary line.
import type { FileNote } from '../analyze';
import { SEVERITIES, type Finding, type Severity } from '../findings';

export interface TextOptions {
  color: boolean;
}

const COLOR: Record<Severity, string> = { critical: '\x1b[1;31m', high: '\x1b[31m', medium: '\x1b[33m', low: '\x1b[36m' };
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

export function toText(findings: Finding[], notes: FileNote[], opts: TextOptions, filesAnalysed?: number): string {
  const paint = (code: string, s: string) => (opts.color ? code + s + RESET : s);
  const lines: string[] = [];
  for (const f of findings) {
    const where = `${f.path}:${f.range.startLine}:${f.range.startColumn}`;
    const ai = f.aiOrigin && f.aiOrigin !== 'unknown' && f.aiOrigin !== 'paste' ? ` [AI: ${f.aiOrigin}]` : '';
    lines.push(`${where}  ${paint(COLOR[f.severity], f.severity.padEnd(8))}  ${f.ruleId}  ${f.message}${ai}`);
  }
  for (const n of notes) {
    lines.push(paint(DIM, `${n.path}: ${n.level}: ${n.message}`));
  }
  const counts = SEVERITIES.slice()
    .reverse()
    .map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, c]) => c > 0)
    .map(([s, c]) => `${c} ${s}`);
  const files = filesAnalysed !== undefined ? ` in ${filesAnalysed} file${filesAnalysed === 1 ? '' : 's'}` : '';
  const skipped = notes.filter((n) => n.message.startsWith('skipped')).length;
  const summary = findings.length
    ? `${findings.length} finding${findings.length === 1 ? '' : 's'}${files} (${counts.join(', ')})`
    : `no findings${files}`;
  lines.push((lines.length ? '\n' : '') + summary + (skipped ? `; ${skipped} file${skipped === 1 ? '' : 's'} skipped` : ''));
  return lines.join('\n') + '\n';
}
