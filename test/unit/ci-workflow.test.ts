import { strict as assert } from 'node:assert';
import { isGithubWorkflow, isGitlabCi } from '../../src/core/detectors/ci-workflow';
import { diffText, scanText } from './helpers';
import { requireLowering } from './lowering-gate';

const WORKFLOW = `name: CI
on:
  pull_request:
  push:
    branches: [main]

permissions:
  contents: read

jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm ci && npm test
  release:
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    permissions:
      contents: write
    steps:
      - uses: actions/checkout@v4
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}
`;

const FILE = '.github/workflows/ci.yml';

async function ids(before: string | undefined, after: string, file = FILE) {
  return (await diffText(file, before, after)).findings.map((f) => f.ruleId);
}

describe('ci: file identification', () => {
  it('recognises workflow and GitLab files by path only', () => {
    assert.ok(isGithubWorkflow('.github/workflows/ci.yml'));
    assert.ok(isGithubWorkflow('services/api/.github/workflows/deploy.yaml'));
    assert.ok(!isGithubWorkflow('.github/dependabot.yml'));
    assert.ok(isGitlabCi('.gitlab-ci.yml'));
    assert.ok(isGitlabCi('ci/templates/build.gitlab-ci.yml'));
    assert.ok(isGitlabCi('.gitlab/ci/deploy.yml'));
    assert.ok(!isGitlabCi('gitlab.yml'));
  });
});

describe('ci: GitHub Actions permissions', () => {
  before(requireLowering('x.yaml', 'a: 1\n'));
  it('reports a scope raised from read to write at workflow level', async () => {
    const r = await diffText(FILE, WORKFLOW, WORKFLOW.replace('permissions:\n  contents: read', 'permissions:\n  contents: write\n  pull-requests: write'));
    assert.deepEqual(r.findings.map((f) => [f.ruleId, f.severity]), [['ci/permissions-widened', 'medium']]);
    assert.match(r.findings[0].message, /contents read -> write, pull-requests none -> write/);
  });

  it('reports write-all and id-token: write added at job level, assuming the restricted default', async () => {
    const noPerms = WORKFLOW.replace('permissions:\n  contents: read\n\n', '');
    const after = noPerms.replace('  test:\n    runs-on: ubuntu-latest\n', '  test:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n      contents: read\n');
    const r = await diffText(FILE, noPerms, after);
    assert.deepEqual(r.findings.map((f) => [f.ruleId, f.severity]), [['ci/permissions-widened', 'high']]);
    assert.match(r.findings[0].message, /id-token none \(repository default, assumed restricted\) -> write/);
    const all = await diffText(FILE, WORKFLOW, WORKFLOW.replace('permissions:\n  contents: read', 'permissions: write-all'));
    assert.match(all.findings[0].message, /write-all/);
  });

  it('reports a removed permissions block, and nothing for narrowing or unchanged job write access', async () => {
    const removed = WORKFLOW.replace('permissions:\n  contents: read\n\n', '');
    assert.deepEqual(await ids(WORKFLOW, removed), ['ci/permissions-widened']);
    assert.deepEqual(await ids(WORKFLOW, WORKFLOW.replace('contents: write', 'contents: read')), []);
    assert.deepEqual(await ids(WORKFLOW, WORKFLOW.replace('name: CI', 'name: Build and test').replace('npm ci && npm test', 'npm ci\n          npm test')), []);
  });
});

describe('ci: pull_request_target and injection', () => {
  before(requireLowering('x.yaml', 'a: 1\n'));
  const PRT = `name: Label PR
on:
  pull_request_target:
    types: [opened, synchronize]
permissions:
  pull-requests: write
jobs:
  label:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/labeler@v5
`;

  it('reports a checkout of the pull request head in a pull_request_target workflow', async () => {
    const after = PRT.replace('      - uses: actions/checkout@v4\n', '      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: npm install && npm run lint\n');
    const r = await diffText('.github/workflows/label.yml', PRT, after);
    assert.deepEqual(r.findings.map((f) => [f.ruleId, f.severity]), [['ci/untrusted-checkout', 'critical']]);
  });

  it('reports the same checkout when the trigger changes from pull_request to pull_request_target', async () => {
    const safe = PRT.replace('pull_request_target', 'pull_request').replace('      - uses: actions/checkout@v4\n', '      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n');
    assert.ok(!(await ids(undefined, safe, '.github/workflows/label.yml')).includes('ci/untrusted-checkout'));
    assert.deepEqual(await ids(safe, safe.replace('pull_request:', 'pull_request_target:'), '.github/workflows/label.yml'), ['ci/untrusted-checkout']);
  });

  it('reports an issue title interpolated into run, not the same value passed through env', async () => {
    const inj = PRT.replace('pull_request_target:\n    types: [opened, synchronize]', 'issues:\n    types: [opened]').replace('      - uses: actions/labeler@v5\n', '      - run: echo "Triage ${{ github.event.issue.title }}"\n');
    const r = await diffText('.github/workflows/triage.yml', PRT, inj);
    assert.deepEqual(r.findings.map((f) => [f.ruleId, f.severity]), [['ci/script-injection', 'high']]);
    const safe = PRT.replace('      - uses: actions/labeler@v5\n', '      - run: echo "Triage $TITLE"\n        env:\n          TITLE: ${{ github.event.issue.title }}\n');
    assert.deepEqual(await ids(PRT, safe, '.github/workflows/triage.yml'), []);
  });
});

describe('ci: secrets and runners', () => {
  before(requireLowering('x.yaml', 'a: 1\n'));
  it('reports a secret passed to a third-party action pinned by tag, not by SHA and not first-party', async () => {
    const tag = WORKFLOW.replace('      - run: npm publish\n', '      - uses: cool-org/slack-notify@v2\n        with:\n          webhook: ${{ secrets.SLACK_WEBHOOK }}\n      - run: npm publish\n');
    const r = await diffText(FILE, WORKFLOW, tag);
    assert.deepEqual(r.findings.map((f) => f.ruleId), ['ci/unpinned-action-secrets']);
    assert.match(r.findings[0].message, /1 secret \(SLACK_WEBHOOK\) to third-party `cool-org\/slack-notify@v2`/);
    const sha = tag.replace('@v2', '@8f4b7f84864484a7bf31766abe9204da3cbe65b3');
    assert.deepEqual(await ids(WORKFLOW, sha), []);
    assert.deepEqual(await ids(sha, tag), ['ci/unpinned-action-secrets']);
    const firstParty = WORKFLOW.replace('      - run: npm publish\n', '      - uses: actions/upload-artifact@v4\n        with:\n          name: ${{ secrets.ARTIFACT_NAME }}\n      - run: npm publish\n');
    assert.deepEqual(await ids(WORKFLOW, firstParty), []);
  });

  it('reports a new secrets: inherit', async () => {
    const after = WORKFLOW + `  deploy:
    needs: release
    uses: platform-team/workflows/.github/workflows/deploy.yml@v3
    secrets: inherit
`;
    const r = await diffText(FILE, WORKFLOW, after);
    assert.deepEqual(r.findings.map((f) => [f.ruleId, f.severity]), [['ci/secrets-inherit', 'high']]);
  });

  it('reports a self-hosted runner newly used by a pull-request workflow, not by a push-only one', async () => {
    const after = WORKFLOW.replace('  test:\n    runs-on: ubuntu-latest', '  test:\n    runs-on: [self-hosted, linux, x64]');
    assert.deepEqual(await ids(WORKFLOW, after), ['ci/self-hosted-runner-on-pr']);
    const pushOnly = after.replace('  pull_request:\n', '');
    assert.deepEqual(await ids(WORKFLOW.replace('  pull_request:\n', ''), pushOnly), []);
  });

  it('reports every risk in scan mode', async () => {
    const r = await scanText(FILE, WORKFLOW);
    assert.deepEqual(r.findings.map((f) => f.ruleId), ['ci/permissions-widened']);
  });
});

describe('ci: GitLab CI', () => {
  before(requireLowering('x.yaml', 'a: 1\n'));
  const GITLAB = `stages: [build, deploy]
variables:
  DOCKER_DRIVER: overlay2
build:
  stage: build
  script:
    - make build
deploy:
  stage: deploy
  script:
    - ./deploy.sh
`;

  it('reports an OIDC id token added to a job and an include at a branch', async () => {
    const after = `include:
  - project: platform/ci-templates
    ref: main
    file: /templates/deploy.yml
  - local: /ci/lint.yml
` + GITLAB.replace('  stage: deploy\n', '  stage: deploy\n  id_tokens:\n    AWS_ID_TOKEN:\n      aud: https://gitlab.example.com\n');
    const r = await diffText('.gitlab-ci.yml', GITLAB, after);
    assert.deepEqual(r.findings.map((f) => f.ruleId).sort(), ['ci/permissions-widened', 'ci/unpinned-include']);
  });

  it('is silent for an include pinned to a SHA and for re-ordered jobs', async () => {
    const pinned = `include:\n  - project: platform/ci-templates\n    ref: 0123456789abcdef0123456789abcdef01234567\n    file: /t.yml\n` + GITLAB;
    assert.deepEqual(await ids(GITLAB, pinned, '.gitlab-ci.yml'), []);
  });
});
