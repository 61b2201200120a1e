import { strict as assert } from 'node:assert';
import { detectLanguage } from '../../src/core/languages';

describe('language detection', () => {
  it('maps extensions', () => {
    const cases: Array<[string, string]> = [
      ['policy.json', 'json'],
      ['config.jsonc', 'jsonc'],
      ['a.code-workspace', 'jsonc'],
      ['k8s/deploy.yaml', 'yaml'],
      ['docker-compose.yml', 'yaml'],
      ['infra/main.tf', 'hcl'],
      ['env/prod.tfvars', 'hcl'],
      ['terragrunt.hcl', 'hcl'],
      ['Cargo.toml', 'toml'],
      ['src/app.ts', 'typescript'],
      ['src/App.tsx', 'tsx'],
      ['cdk/bin/app.mjs', 'javascript'],
      ['handler.py', 'python'],
      ['main.go', 'go'],
      ['deploy.sh', 'bash'],
      ['src/main/resources/application.properties', 'properties'],
      ['INFRA/MAIN.TF', 'hcl'],
      ['C:\\repo\\infra\\main.tf', 'hcl'],
    ];
    for (const [file, lang] of cases) assert.equal(detectLanguage(file), lang, file);
  });

  it('recognises .env files in all their spellings, but not shell scripts named after them', () => {
    for (const f of ['.env', '.env.production', 'config/.env.local', 'prod.env', '.env.example', '.ENV.Production']) {
      assert.equal(detectLanguage(f), 'dotenv', f);
    }
    assert.equal(detectLanguage('.envrc'), 'bash');
    assert.equal(detectLanguage('.env.sh'), 'bash');
    assert.equal(detectLanguage('.env.json'), 'json');
  });

  it('sees through template wrapper suffixes', () => {
    assert.equal(detectLanguage('policy.json.template'), 'json');
    assert.equal(detectLanguage('values.yaml.tpl'), 'yaml');
    assert.equal(detectLanguage('main.tf.j2'), 'hcl');
    assert.equal(detectLanguage('tsconfig.json.example'), 'jsonc');
    assert.equal(detectLanguage('app.properties.tmpl'), 'properties');
    assert.equal(detectLanguage('stack.template', '{\n  "Resources": {}\n}'), 'json');
    assert.equal(detectLanguage('stack.tpl', '---\nResources: {}\n'), 'yaml');
    assert.equal(detectLanguage('notes.template', 'hello'), undefined);
  });

  it('reads shebangs of extension-less scripts', () => {
    assert.equal(detectLanguage('bin/deploy', '#!/usr/bin/env bash\nset -e\n'), 'bash');
    assert.equal(detectLanguage('bin/run', '#!/bin/sh\n'), 'bash');
    assert.equal(detectLanguage('bin/tool', '#! /usr/bin/zsh\r\n'), 'bash');
    assert.equal(detectLanguage('manage', '#!/usr/bin/env python3\n'), 'python');
    assert.equal(detectLanguage('manage', '#!/usr/local/bin/python3.12\n'), 'python');
    assert.equal(detectLanguage('cli', '#!/usr/bin/env -S node --no-warnings\n'), 'javascript');
    assert.equal(detectLanguage('cli', '#!/usr/bin/env ruby\n'), undefined);
    assert.equal(detectLanguage('bin/deploy'), undefined);
  });

  it('treats JSON files that allow comments as jsonc', () => {
    for (const f of [
      '.vscode/settings.json',
      '.vscode/launch.json',
      'C:\\repo\\.vscode\\extensions.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'packages/a/tsconfig.app.json',
      '.devcontainer/devcontainer.json',
      '.devcontainer.json',
      '.eslintrc.json',
    ]) {
      assert.equal(detectLanguage(f), 'jsonc', f);
    }
    assert.equal(detectLanguage('package.json'), 'json');
  });

  it('returns undefined for files it does not read', () => {
    for (const f of ['Dockerfile', 'Dockerfile.prod', 'README.md', 'image.png', 'Makefile']) assert.equal(detectLanguage(f), undefined, f);
  });
});
