// The detector families the engine runs, in order. Add a family here and nowhere else.
import type { Detector, RuleMeta } from './detector';
import { agentPermissionsDetector } from './agent-permissions';
import { ciWorkflowDetector } from './ci-workflow';
import { driftDetector } from './drift';
import { endpointDetector } from './endpoint';
import { exposureDetector } from './exposure';
import { iamAwsDetector } from './iam-aws';
import { iamAzureDetector } from './iam-azure';
import { iamGcpDetector } from './iam-gcp';
import { k8sRbacDetector } from './k8s-rbac';

export const DETECTORS: readonly Detector[] = [endpointDetector, iamAwsDetector, iamGcpDetector, iamAzureDetector, exposureDetector, k8sRbacDetector, ciWorkflowDetector, agentPermissionsDetector, driftDetector];

export function allRules(): RuleMeta[] {
  return DETECTORS.flatMap((d) => d.rules);
}
