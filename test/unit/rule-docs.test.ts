import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { allRules } from '../../src/core/detectors/registry';
import { REPO_ROOT } from './helpers';

describe('rule documentation', () => {
  it('has a page for every rule id of the k8s, gcp, azure, exposure, ci and agent families', () => {
    const missing = allRules()
      .filter((r) => /^(iam\/(k8s|gcp|azure)-|exposure\/|ci\/|agent\/)/.test(r.id))
      .filter((r) => !existsSync(path.join(REPO_ROOT, 'docs/rules', `${r.id}.md`)))
      .map((r) => r.id);
    assert.deepEqual(missing, []);
  });
});
