// Run as its own process by the editor benchmark. `activate`: loads the extension bundle with a
// stand-in `vscode` module and calls activate(). `latency`: the engine's share of change-to-
// diagnostic, i.e. analysing a one-line edit of an open document (warm, as in a running editor).
import Module from 'node:module';
import * as path from 'node:path';
import { analyzeChange } from '../src/core/analyze';
import { setGrammarDir } from '../src/core/languages';
import { defaultRules } from '../src/core/rules';

const ROOT = path.resolve(__dirname, '../..');

/** Any property is another stub, callable and constructible: enough for activate() to run. */
function stub(): unknown {
  const fn = function () {
    return stub();
  };
  return new Proxy(fn, {
    get: (_t, key) => (key === Symbol.toPrimitive ? () => '' : key === 'then' ? undefined : stub()),
    apply: () => stub(),
    construct: () => stub() as object,
  });
}

/** The `vscode` namespaces and classes an extension reaches for, each a stub. */
const VSCODE_NAMES = [
  'window', 'workspace', 'languages', 'commands', 'env', 'extensions', 'scm', 'debug', 'tasks', 'authentication', 'chat', 'lm', 'l10n', 'tests', 'notebooks',
  'Uri', 'Disposable', 'EventEmitter', 'Range', 'Position', 'Selection', 'Location', 'Diagnostic', 'DiagnosticSeverity', 'DiagnosticRelatedInformation',
  'DiagnosticTag', 'CodeAction', 'CodeActionKind', 'WorkspaceEdit', 'TextEdit', 'Hover', 'MarkdownString', 'ThemeColor', 'ThemeIcon', 'StatusBarAlignment',
  'TreeItem', 'TreeItemCollapsibleState', 'ViewColumn', 'ConfigurationTarget', 'ProgressLocation', 'FileType', 'RelativePattern', 'CancellationTokenSource',
  'TextDocumentChangeReason', 'TextEditorRevealType', 'OverviewRulerLane', 'DecorationRangeBehavior', 'ExtensionMode', 'LogLevel', 'version',
];

function vscodeStub(): Record<string, unknown> {
  return Object.fromEntries(VSCODE_NAMES.map((n) => [n, stub()]));
}

function activation(): number {
  const t0 = performance.now();
  const load = (Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown })._load;
  (Module as unknown as { _load: unknown })._load = (req: string, ...rest: unknown[]) => (req === 'vscode' ? vscodeStub() : load(req, ...rest));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ext = require(path.join(ROOT, 'dist/extension.js')) as { activate: (c: unknown) => unknown };
  const context = { subscriptions: [], extension: { packageJSON: { version: 'bench' } }, globalState: stub(), workspaceState: stub(), extensionPath: ROOT, extensionUri: stub(), globalStorageUri: stub(), storageUri: stub(), secrets: stub() };
  ext.activate(context);
  return performance.now() - t0;
}

function tsDocument(lines: number, edit: boolean): string {
  const out = ["import * as iam from 'aws-cdk-lib/aws-iam';", ''];
  for (let i = 0; out.length < lines; i++) {
    out.push(`export const s${i} = new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b${i}/*'] });`);
    out.push(`export const url${i} = 'https://api${i}.staging.example.com';`);
  }
  if (edit) out[lines >> 1] = "export const sX = new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] });";
  return out.join('\n') + '\n';
}

function tfDocument(blocks: number, edit: boolean): string {
  const out: string[] = [];
  for (let i = 0; i < blocks; i++) {
    const actions = edit && i === blocks >> 1 ? '"s3:*"' : '"s3:GetObject"';
    out.push(`data "aws_iam_policy_document" "d${i}" {\n  statement {\n    actions   = [${actions}]\n    resources = ["arn:aws:s3:::b${i}/*"]\n  }\n}\n`);
  }
  return out.join('\n');
}

async function latency(runs: number): Promise<Record<string, number[]>> {
  setGrammarDir(path.join(ROOT, 'dist/grammars'));
  const rules = defaultRules();
  const docs: Array<[string, string, string]> = [
    ['stack.ts (300 lines)', tsDocument(300, false), tsDocument(300, true)],
    ['main.tf (40 blocks, 280 lines)', tfDocument(40, false), tfDocument(40, true)],
  ];
  const out: Record<string, number[]> = {};
  for (const [name, before, after] of docs) {
    const file = name.split(' ')[0];
    const times: number[] = [];
    for (let i = -3; i < runs; i++) {
      const t0 = performance.now();
      await analyzeChange({ path: file, before, after }, { rules, mode: 'diff' });
      if (i >= 0) times.push(performance.now() - t0);
    }
    out[name] = times;
  }
  return out;
}

const mode = process.argv[2];
if (mode === 'activate') {
  process.stdout.write(JSON.stringify({ activateMs: activation() }) + '\n');
} else {
  latency(Number(process.argv[3] ?? 30)).then(
    (r) => process.stdout.write(JSON.stringify(r) + '\n'),
    (err: unknown) => {
      process.stderr.write(`editor-probe: ${String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
