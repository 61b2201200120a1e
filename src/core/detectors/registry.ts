// The detector families the engine runs, in order. Add a family here and nowhere else.
import type { Detector, RuleMeta } from './detector';
import { endpointDetector } from './endpoint';

export const DETECTORS: readonly Detector[] = [endpointDetector];

export function allRules(): RuleMeta[] {
  return DETECTORS.flatMap((d) => d.rules);
}
