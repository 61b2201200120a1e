// The JSON report: `{ "version": 1, "findings": [...] }`, plus per-file notes.
import type { FileNote } from '../analyze';
import type { Finding } from '../findings';

export interface JsonReport {
  version: 1;
  findings: Finding[];
  notes: FileNote[];
}

export function toJsonReport(findings: Finding[], notes: FileNote[]): string {
  const report: JsonReport = { version: 1, findings, notes };
  return JSON.stringify(report, null, 2) + '\n';
}
