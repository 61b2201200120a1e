// The detector families the engine runs, in order. Add a family here and nowhere else.
import type { Detector, RuleMeta } from './detector';
import { endpointDetector } from './endpoint';
import { iamAwsDetector } from './iam-aws';

export const DETECTORS: readonly Detector[] = [endpointDetector, iamAwsDetector];

export function allRules(): RuleMeta[] {
  return DETECTORS.flatMap((d) => d.rules);
}
