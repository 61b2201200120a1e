// A detector for end-to-end tests of the review machinery only: flags string values of the form
// `FOUREYES-TEST-<severity>[...]`, and throws on `FOUREYES-TEST-crash` (to test that a failing
// detector blocks the commit). It is off unless FOUREYES_TEST_DETECTOR=1; turning it on can only
// add findings or errors, never hide one.
import { isSeverity, makeFinding, type Finding, type Severity } from '../findings';
import { formatPath, walkDoc, type Doc } from '../model';
import type { Detector } from './detector';

const MARK = /^FOUREYES-TEST-(critical|high|medium|low)\b/;

function marks(doc: Doc): Array<{ value: string; path: string; severity: Severity; node: import('../model').Str }> {
  const out: Array<{ value: string; path: string; severity: Severity; node: import('../model').Str }> = [];
  walkDoc(doc, (n) => {
    if (n.kind !== 'string') return;
    const m = MARK.exec(n.value);
    if (m && isSeverity(m[1])) out.push({ value: n.value, path: formatPath(n.path), severity: m[1], node: n });
  });
  return out;
}

export const testMarkerDetector: Detector = {
  family: 'test',
  rules: [{ id: 'test/marker', category: 'endpoint', defaultSeverity: 'high', title: 'Test marker (tests only)' }],
  run(before, after): Finding[] {
    walkDoc(after, (n) => {
      if (n.kind === 'string' && n.value === 'FOUREYES-TEST-crash') throw new Error('test marker asked to crash');
    });
    const seen = new Set(before ? marks(before).map((m) => `${m.path}\0${m.value}`) : []);
    return marks(after)
      .filter((m) => !seen.has(`${m.path}\0${m.value}`))
      .map((m) =>
        makeFinding({ ruleId: 'test/marker', category: 'endpoint', severity: m.severity, message: `Test marker ${m.value} set at ${m.path}.`, doc: after, node: m.node, content: `${m.path}=${m.value}` }),
      );
  },
};
