// File -> language, and the lazily loaded, process-wide tree-sitter parsers.
import * as path from 'node:path';
import { Language, Node as TsNode, Parser } from 'web-tree-sitter';
import type { LanguageId } from './model';
import { spanAsync } from './trace';

const BY_EXTENSION: Record<string, LanguageId> = {
  '.json': 'json',
  '.jsonc': 'jsonc',
  '.json5': 'jsonc',
  '.code-workspace': 'jsonc',
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.tf': 'hcl',
  '.tfvars': 'hcl',
  '.hcl': 'hcl',
  '.nomad': 'hcl',
  '.toml': 'toml',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascript',
  '.py': 'python',
  '.pyi': 'python',
  '.go': 'go',
  '.sh': 'bash',
  '.bash': 'bash',
  '.zsh': 'bash',
  '.env': 'dotenv',
  '.properties': 'properties',
};

const BY_NAME: Record<string, LanguageId> = {
  '.env': 'dotenv',
  '.envrc': 'bash',
  '.bashrc': 'bash',
  '.profile': 'bash',
  'tsconfig.json': 'jsonc',
  'jsconfig.json': 'jsonc',
  'devcontainer.json': 'jsonc',
  '.eslintrc': 'jsonc',
  '.babelrc': 'jsonc',
  'pipfile': 'toml',
  'cargo.lock': 'toml',
};

/** JSON files whose tools accept comments: VS Code settings, tsconfig variants, ESLint, dev containers. */
const JSONC_NAMES = /^(.*\.)?settings\.json$|^[tj]sconfig\..*json$|^\.eslintrc\.json$|^\.?devcontainer\.json$/;

/** Suffixes that wrap another format: `values.yaml.template`, `policy.json.tpl`, Terraform's `policy.json.tftpl`. */
const WRAPPER_SUFFIXES = ['.template', '.tpl', '.tftpl', '.tmpl', '.example', '.sample', '.dist', '.orig', '.j2', '.jinja'];

/**
 * Which language a file is in, from its name and, failing that, its first line (shebang, or a
 * leading `{`/`---` for extension-less templates). `undefined` means: not a language we read.
 */
export function detectLanguage(filePath: string, head?: string): LanguageId | undefined {
  const base = path.posix.basename(filePath.replace(/\\/g, '/'));
  const lower = base.toLowerCase();
  if (BY_NAME[lower]) return BY_NAME[lower];
  if (lower.startsWith('.env.') || lower === '.env' || lower.endsWith('.env')) {
    // `.env.sh`, `.env.json`: a file named after the env, written in another language.
    const inner = BY_EXTENSION[path.posix.extname(lower)];
    return inner && inner !== 'dotenv' ? inner : 'dotenv';
  }
  if (lower.startsWith('dockerfile')) return undefined;
  if (JSONC_NAMES.test(lower) || lower.endsWith('.jsonc')) return 'jsonc';
  let name = lower;
  for (;;) {
    const wrapper = WRAPPER_SUFFIXES.find((s) => name.endsWith(s));
    if (!wrapper) break;
    name = name.slice(0, -wrapper.length);
    if (BY_NAME[name]) return BY_NAME[name];
  }
  const ext = path.posix.extname(name);
  if (ext && BY_EXTENSION[ext]) {
    // VS Code's own JSON files allow comments; so do files under .vscode/.
    if (BY_EXTENSION[ext] === 'json' && /(^|\/)\.vscode\//.test(filePath.replace(/\\/g, '/'))) return 'jsonc';
    return BY_EXTENSION[ext];
  }
  if (head !== undefined) {
    const first = head.slice(0, 200).split(/\r?\n/, 1)[0] ?? '';
    const m = /^#!\s*(?:\/usr\/bin\/env\s+(?:-S\s+)?)?(?:\S*\/)?(\w+)/.exec(first);
    if (m) {
      const interp = m[1];
      if (/^(ba|z|da|k)?sh$/.test(interp)) return 'bash';
      if (/^python\d*(\.\d+)?$/.test(interp)) return 'python';
      if (interp === 'node' || interp === 'deno' || interp === 'bun') return 'javascript';
      if (interp === 'tsx' || interp === 'ts') return 'typescript';
      return undefined;
    }
    if (WRAPPER_SUFFIXES.some((s) => lower.endsWith(s))) {
      const t = head.trimStart();
      if (t.startsWith('{') || t.startsWith('[')) return 'json';
      if (t.startsWith('---') || /^[\w.-]+:\s/.test(t)) return 'yaml';
    }
  }
  return undefined;
}

/** The grammar file each language's parser is built from (in the grammar directory). */
const GRAMMAR_FILE: Partial<Record<LanguageId, string>> = {
  json: 'tree-sitter-json.wasm',
  jsonc: 'tree-sitter-json.wasm',
  yaml: 'tree-sitter-yaml.wasm',
  hcl: 'tree-sitter-terraform.wasm',
  toml: 'tree-sitter-toml.wasm',
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
  javascript: 'tree-sitter-javascript.wasm',
  python: 'tree-sitter-python.wasm',
  go: 'tree-sitter-go.wasm',
  bash: 'tree-sitter-bash.wasm',
  properties: 'tree-sitter-properties.wasm',
};

export function usesTreeSitter(language: LanguageId): boolean {
  return GRAMMAR_FILE[language] !== undefined;
}

let grammarDir = path.join(__dirname, 'grammars');
let runtime: Promise<void> | undefined;
const languages = new Map<string, Promise<Language>>();
const parsers = new Map<LanguageId, Parser>();

/**
 * Where the runtime and grammar .wasm files live. Bundles find them beside themselves
 * (dist/grammars); tests and the installed hook point this elsewhere.
 */
export function setGrammarDir(dir: string): void {
  grammarDir = dir;
}

export function getGrammarDir(): string {
  return grammarDir;
}

function initRuntime(): Promise<void> {
  cacheNodeTypes();
  runtime ??= spanAsync('tree-sitter init', () => Parser.init({ locateFile: (name: string) => path.join(grammarDir, name) }));
  return runtime;
}

async function loadLanguage(file: string): Promise<Language> {
  await initRuntime();
  let p = languages.get(file);
  if (!p) {
    const full = path.join(grammarDir, file);
    p = spanAsync(`grammar ${file}`, () => Language.load(full)).catch((err: unknown) => {
      languages.delete(file);
      throw new Error(`cannot load grammar ${full}: ${err instanceof Error ? err.message : String(err)}`);
    });
    languages.set(file, p);
  }
  return p;
}

/** A parser for the language, created on first use and reused for the life of the process. */
export async function getParser(language: LanguageId): Promise<Parser> {
  const cached = parsers.get(language);
  if (cached) return cached;
  const file = GRAMMAR_FILE[language];
  if (!file) throw new Error(`no tree-sitter grammar for ${language}`);
  const lang = await loadLanguage(file);
  const parser = parsers.get(language) ?? new Parser();
  parser.setLanguage(lang);
  parsers.set(language, parser);
  return parser;
}

/**
 * Forgets a language's parser: a grammar whose scanner failed mid-parse may leave the parser's
 * memory corrupted, so the next parse starts from a fresh one.
 */
export function discardParser(language: LanguageId): void {
  const p = parsers.get(language);
  parsers.delete(language);
  try {
    p?.delete();
  } catch {
    // A corrupted parser may fail to free itself; it is unreachable either way.
  }
}

export async function getLanguage(language: LanguageId): Promise<Language> {
  const file = GRAMMAR_FILE[language];
  if (!file) throw new Error(`no tree-sitter grammar for ${language}`);
  return loadLanguage(file);
}

const TYPE = Symbol('foureyes.nodeType');
let typesCached = false;

/**
 * Lowerers ask a syntax node for its `type` several times, and each ask marshals the node into
 * WebAssembly memory and calls into it. A node's type never changes (edits move nodes, a re-parse
 * makes new ones), so each node object keeps it after the first ask.
 */
function cacheNodeTypes(): void {
  if (typesCached) return;
  typesCached = true;
  const proto = TsNode.prototype as unknown as Record<symbol, string | undefined>;
  const read = Object.getOwnPropertyDescriptor(TsNode.prototype, 'type')?.get;
  if (!read) return;
  Object.defineProperty(TsNode.prototype, 'type', {
    configurable: true,
    get(this: typeof proto) {
      let t = this[TYPE];
      if (t === undefined) {
        t = read.call(this) as string;
        this[TYPE] = t;
      }
      return t;
    },
  });
}
