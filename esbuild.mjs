// Builds the two bundles (extension, CLI), the unbundled test tree, and copies the tree-sitter
// runtime and grammar .wasm files from their pinned npm packages into dist/grammars, and derives
// the compact AWS IAM action table into dist/iam.
import * as esbuild from 'esbuild';
import { chmodSync, cpSync, readFileSync, mkdirSync, readdirSync, statSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { writeRulesValidator } from './scripts/rules-validator.mjs';
import { buildIamTable } from './scripts/build-iam-table.mjs';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// Every grammar the core can load, keyed by the file name the core asks for.
export const GRAMMAR_WASM = {
  'web-tree-sitter.wasm': 'web-tree-sitter/web-tree-sitter.wasm',
  'tree-sitter-json.wasm': 'tree-sitter-json/tree-sitter-json.wasm',
  'tree-sitter-yaml.wasm': '@tree-sitter-grammars/tree-sitter-yaml/tree-sitter-yaml.wasm',
  'tree-sitter-terraform.wasm': '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm',
  'tree-sitter-toml.wasm': '@tree-sitter-grammars/tree-sitter-toml/tree-sitter-toml.wasm',
  'tree-sitter-typescript.wasm': 'tree-sitter-typescript/tree-sitter-typescript.wasm',
  'tree-sitter-tsx.wasm': 'tree-sitter-typescript/tree-sitter-tsx.wasm',
  'tree-sitter-javascript.wasm': 'tree-sitter-javascript/tree-sitter-javascript.wasm',
  'tree-sitter-python.wasm': 'tree-sitter-python/tree-sitter-python.wasm',
  'tree-sitter-go.wasm': 'tree-sitter-go/tree-sitter-go.wasm',
  'tree-sitter-bash.wasm': 'tree-sitter-bash/tree-sitter-bash.wasm',
  'tree-sitter-properties.wasm': 'tree-sitter-properties/tree-sitter-properties.wasm',
};

function copyGrammars() {
  const out = path.resolve('dist/grammars');
  mkdirSync(out, { recursive: true });
  for (const [name, spec] of Object.entries(GRAMMAR_WASM)) {
    cpSync(require.resolve(spec), path.join(out, name));
  }
  // Query files live beside the grammars at run time: dist/grammars/<language>/*.scm.
  for (const lang of existsSync('grammars') ? readdirSync('grammars') : []) {
    const dir = path.join('grammars', lang);
    if (statSync(dir).isDirectory()) cpSync(dir, path.join(out, lang), { recursive: true });
  }
}

// The webview's icon font, from the pinned package: local, so the panel needs no network.
function copyCodicons() {
  const out = path.resolve('dist/media/codicons');
  mkdirSync(out, { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) cpSync(require.resolve(`@vscode/codicons/dist/${f}`), path.join(out, f));
}

function listTs(dir) {
  if (!existsSync(dir)) return [];
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    // Fixtures are inputs to the analysis (CDK stacks, Pulumi programs), not code to compile.
    if (entry.isDirectory()) files.push(...(entry.name === 'fixtures' ? [] : listTs(p)));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(p);
  }
  return files;
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

// The bundles are CommonJS; web-tree-sitter's ESM build needs import.meta.url, its CJS build does not.
const webTreeSitterCjs = {
  name: 'web-tree-sitter-cjs',
  setup(build) {
    build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') }));
  },
};

const common = {
  plugins: [webTreeSitterCjs],
  define: {
    FOUREYES_VERSION: JSON.stringify(pkg.version),
    FOUREYES_DOCS_BASE: JSON.stringify(`${String(pkg.repository?.url ?? pkg.homepage).replace(/^git\+/, '').replace(/\.git$/, '')}/blob/main/docs/rules`),
  },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // jsonc-parser's UMD build hides its requires from the bundler; its ESM build does not.
  mainFields: ['module', 'main'],
  // `import()` (web-tree-sitter reads grammars through `import("fs/promises")`) becomes require():
  // the hook compiles cli.js through vm.Script with a code cache, where `import()` has no loader.
  supported: { 'dynamic-import': false },
};

const builds = [
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // Worker threads of parallel analysis start from their own file beside the CLI bundle.
  { ...common, entryPoints: ['src/cli/analyse-worker.ts'], outfile: 'dist/analyse-worker.js' },
  // The pre-commit hook's small entry: loads dist/cli.js only when something must be analysed.
  { ...common, entryPoints: ['src/cli/hook-main.ts'], outfile: 'dist/hook.js' },
  // The runner's entry: hook.js through its V8 code cache.
  { ...common, entryPoints: ['src/cli/hook-boot.ts'], outfile: 'dist/hook-boot.js' },
  // The review-status webview's script, for the browser inside the webview.
  { bundle: true, entryPoints: ['src/extension/panel/webview-main.ts'], outfile: 'dist/media/panel.js', platform: 'browser', format: 'iife', target: 'es2022', sourcemap: production ? false : 'linked', minify: production, logLevel: 'warning' },
  {
    // Tests run unbundled so each suite imports the module under test directly.
    entryPoints: [...listTs('src'), ...listTs('test'), ...listTs('bench')],
    outdir: 'out',
    outbase: '.',
    bundle: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
  },
];

if (!watch) rmSync('dist', { recursive: true, force: true });
copyGrammars();
copyCodicons();
// The rules-file validator is generated from the schema so the schema stays the one source of truth.
writeRulesValidator();
// The IAM detector's action table (dist/iam/aws-actions.json.gz), derived from the pinned dataset.
await buildIamTable(path.resolve('dist/iam/aws-actions.json.gz'));
if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
  console.log('[watch] build started');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  chmodSync('dist/cli.js', 0o755);
}
