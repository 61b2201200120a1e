// CI/CD workflow permission widening (ci/*): picks the checks for a file by its path — GitHub
// Actions workflows under .github/workflows/, GitLab CI files — and runs them on before/after.
import type { Detector, RuleMeta } from './detector';
import { checkGithubWorkflow } from './ci-github';
import { checkGitlabCi } from './ci-gitlab';

const RULES: readonly RuleMeta[] = [
  { id: 'ci/permissions-widened', category: 'ci', defaultSeverity: 'medium', title: 'CI token permissions widened' },
  { id: 'ci/untrusted-checkout', category: 'ci', defaultSeverity: 'critical', title: 'Privileged workflow checks out pull-request code' },
  { id: 'ci/script-injection', category: 'ci', defaultSeverity: 'high', title: 'Untrusted input interpolated into a script' },
  { id: 'ci/unpinned-action-secrets', category: 'ci', defaultSeverity: 'high', title: 'Secrets passed to a tag-pinned third-party action' },
  { id: 'ci/secrets-inherit', category: 'ci', defaultSeverity: 'high', title: 'Reusable workflow inherits every secret' },
  { id: 'ci/self-hosted-runner-on-pr', category: 'ci', defaultSeverity: 'high', title: 'Self-hosted runner used by a pull-request workflow' },
  { id: 'ci/unpinned-include', category: 'ci', defaultSeverity: 'medium', title: 'GitLab CI include not pinned to a commit' },
];

export function isGithubWorkflow(path: string): boolean {
  return /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i.test(path.replace(/\\/g, '/'));
}

/** `.gitlab-ci.yml`, included `*.gitlab-ci.yml` files, and files under a `.gitlab/ci/` folder. */
export function isGitlabCi(path: string): boolean {
  const p = path.replace(/\\/g, '/');
  return /(^|\/|\.)gitlab-ci\.ya?ml$/i.test(p) || /(^|\/)\.gitlab\/ci\/.+\.ya?ml$/i.test(p);
}

export const ciWorkflowDetector: Detector = {
  family: 'ci',
  rules: RULES,
  run(before, after) {
    if (isGithubWorkflow(after.path)) return checkGithubWorkflow(before, after);
    if (isGitlabCi(after.path)) return checkGitlabCi(before, after);
    return [];
  },
};
