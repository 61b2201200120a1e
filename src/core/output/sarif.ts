// SARIF 2.1.0 for code scanning: one run, rules in tool.driver.rules, fingerprints carried.
import type { FileNote } from '../analyze';
import type { RuleMeta } from '../detectors/detector';
import type { Finding, Severity } from '../findings';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

/** GitHub orders alerts by this numeric score (0.0-10.0). */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };

export interface SarifOptions {
  toolVersion: string;
  /** Base URI for rule documentation (docs/rules/<id>.md is appended). */
  docsBase?: string;
}

export function toSarif(findings: Finding[], notes: FileNote[], rules: readonly RuleMeta[], opts: SarifOptions): string {
  const used = new Set(findings.map((f) => f.ruleId));
  const ruleList = rules.filter((r) => used.has(r.id));
  for (const id of used) {
    if (!ruleList.some((r) => r.id === id)) ruleList.push({ id, category: 'endpoint', defaultSeverity: 'medium', title: id });
  }
  const index = new Map(ruleList.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Four Eyes',
            informationUri: 'https://example.invalid/foureyes',
            semanticVersion: opts.toolVersion,
            version: opts.toolVersion,
            rules: ruleList.map((r) => ({
              id: r.id,
              name: r.id.replace(/[^A-Za-z0-9]+(.)/g, (_m, c: string) => c.toUpperCase()),
              shortDescription: { text: r.title },
              fullDescription: { text: r.title },
              ...(opts.docsBase ? { helpUri: `${opts.docsBase}/${r.id}.md` } : {}),
              help: { text: `See docs/rules/${r.id}.md`, markdown: `See [docs/rules/${r.id}.md](docs/rules/${r.id}.md)` },
              defaultConfiguration: { level: LEVEL[r.defaultSeverity] },
              properties: { tags: ['security', r.category], 'security-severity': SECURITY_SEVERITY[r.defaultSeverity] },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: index.get(f.ruleId),
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(f.path), uriBaseId: '%SRCROOT%' },
                region: {
                  startLine: f.range.startLine,
                  startColumn: f.range.startColumn,
                  endLine: f.range.endLine,
                  endColumn: f.range.endColumn,
                  ...(f.after ? { snippet: { text: f.after } } : {}),
                },
              },
            },
          ],
          partialFingerprints: { 'foureyes/v1': f.fingerprint },
          properties: {
            severity: f.severity,
            category: f.category,
            ...(f.aiOrigin ? { aiOrigin: f.aiOrigin } : {}),
            ...(f.review ? { review: f.review } : {}),
          },
        })),
        invocations: [
          {
            executionSuccessful: !notes.some((n) => n.level === 'error'),
            toolExecutionNotifications: notes.map((n) => ({
              level: n.level === 'info' ? 'note' : n.level,
              message: { text: n.message },
              locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(n.path), uriBaseId: '%SRCROOT%' } } }],
            })),
          },
        ],
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
