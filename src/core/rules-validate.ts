// Validating rules-file text against schema/rules.schema.json (through the validator generated at
// build time) plus what a schema cannot say: bounded globs, unique seniors, duplicate keys.
import { findNodeAtLocation, parseTree, stripComments, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { globProblem, MAX_GLOBS, wildcardProblem } from './globs';
import { RULES_SCHEMA, validateRulesSchema } from './rules-schema.generated';
import { LineIndex } from './text';

/** One thing wrong (or worth a warning) in a rules file, located by line and key path. */
export interface RulesProblem {
  line: number;
  column: number;
  /** `production.awsAccounts[1]`; empty for the file as a whole. */
  keyPath: string;
  message: string;
}

export interface RulesValidation {
  /** The parsed value; present when the text parsed as JSONC, valid or not. */
  value?: unknown;
  errors: RulesProblem[];
  warnings: RulesProblem[];
}

interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  /** Set on errors about a key rather than a value (propertyNames). */
  propertyName?: string;
}

type ValidateFn = ((data: unknown) => boolean) & { errors?: AjvError[] | null };
type Seg = string | number;
type SchemaNode = Record<string, unknown>;

const validate = validateRulesSchema as unknown as ValidateFn;
const schema = RULES_SCHEMA as unknown as SchemaNode;

export function validateRulesText(text: string, knownRuleIds: readonly string[] = []): RulesValidation {
  const lines = new LineIndex(text);
  const at = (offset: number, keyPath: string, message: string): RulesProblem => {
    const p = lines.position(offset);
    return { line: p.line, column: p.column, keyPath, message };
  };
  if (!stripComments(text).trim()) return { errors: [at(0, '', 'the rules file is empty; it must hold one JSON object, such as {}')], warnings: [] };
  const parseErrors: ParseError[] = [];
  const tree = parseTree(text, parseErrors, { allowTrailingComma: true, disallowComments: false });
  if (parseErrors.length) {
    const e = parseErrors[0];
    return { errors: [at(e.offset, '', `invalid JSONC: ${describeParseError(printParseErrorCode(e.error))}`)], warnings: [] };
  }
  if (!tree || tree.type !== 'object') {
    return { errors: [at(tree?.offset ?? 0, '', 'the rules file must hold one JSON object, such as {}')], warnings: [] };
  }
  const value = nodeValue(tree);
  const errors: RulesProblem[] = [];
  const warnings: RulesProblem[] = [];
  const locate = (path: Seg[], key = false): number => offsetOf(tree, path, key);

  for (const d of duplicateKeys(tree)) errors.push(at(d.offset, formatKeyPath(d.path), 'duplicate key; only the last one would count'));

  if (!validate(value)) {
    for (const e of selectErrors(validate.errors ?? [])) {
      const problem = describe(e, value);
      errors.push(at(locate(problem.path, problem.atKey), formatKeyPath(problem.path), problem.message));
    }
  }

  checkGlobs(value, (path, message) => errors.push(at(locate(path), formatKeyPath(path), message)));
  checkSeniors(value, (path, message) => errors.push(at(locate(path), formatKeyPath(path), message)));
  checkKeyPatterns(value, (path, message) => errors.push(at(locate(path), formatKeyPath(path), message)));
  if (knownRuleIds.length) {
    const flagged = new Set(errors.map((e) => e.keyPath));
    checkRuleIds(value, knownRuleIds, (path, message) => {
      const keyPath = formatKeyPath(path);
      if (!flagged.has(keyPath)) warnings.push(at(locate(path, true), keyPath, message));
    });
  }
  errors.sort((a, b) => a.line - b.line || a.column - b.column);
  return { value, errors, warnings };
}

function describeParseError(code: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'expected a quoted key',
    ValueExpected: 'expected a value',
    ColonExpected: 'expected ":"',
    CommaExpected: 'expected "," between entries',
    CloseBraceExpected: 'expected "}"',
    CloseBracketExpected: 'expected "]"',
    EndOfFileExpected: 'unexpected text after the closing "}"',
    UnexpectedEndOfComment: 'unterminated comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'incomplete number',
    InvalidUnicode: 'invalid \\u escape',
    InvalidEscapeCharacter: 'invalid escape',
    InvalidCharacter: 'invalid character in a string',
  };
  return words[code] ?? code;
}

function nodeValue(node: JsonNode): unknown {
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const prop of node.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (k && v) out[k.value as string] = nodeValue(v);
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value;
  }
}

function duplicateKeys(node: JsonNode, path: Seg[] = []): Array<{ path: Seg[]; offset: number }> {
  const out: Array<{ path: Seg[]; offset: number }> = [];
  if (node.type === 'object') {
    const seen = new Set<string>();
    for (const prop of node.children ?? []) {
      const [k, v] = prop.children ?? [];
      if (!k) continue;
      const key = k.value as string;
      if (seen.has(key)) out.push({ path: [...path, key], offset: k.offset });
      seen.add(key);
      if (v) out.push(...duplicateKeys(v, [...path, key]));
    }
  } else if (node.type === 'array') {
    (node.children ?? []).forEach((c, i) => out.push(...duplicateKeys(c, [...path, i])));
  }
  return out;
}

/** Offset of the value at `path` (or of its key), falling back to the nearest ancestor that exists. */
function offsetOf(tree: JsonNode, path: Seg[], key: boolean): number {
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, path.slice(0, n));
    if (!node) continue;
    if (key && n === path.length && node.parent?.type === 'property') return node.parent.children?.[0]?.offset ?? node.offset;
    return node.offset;
  }
  return tree.offset;
}

export function formatKeyPath(path: readonly Seg[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += (out ? '.' : '') + seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function pointerSegments(pointer: string, data: unknown): Seg[] {
  if (!pointer) return [];
  const out: Seg[] = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

function schemaAt(schemaPath: string): SchemaNode | undefined {
  let cur: unknown = schema;
  for (const raw of schemaPath.replace(/^#\/?/, '').split('/')) {
    if (!raw) continue;
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
  }
  return cur && typeof cur === 'object' ? (cur as SchemaNode) : undefined;
}

function parentSchemaPath(e: AjvError): string {
  return e.schemaPath.slice(0, e.schemaPath.lastIndexOf('/'));
}

/**
 * Ajv reports every failed branch of an `anyOf`; a person wants one message. When some branch
 * failed deeper inside the value (the user clearly chose the object form), keep those errors;
 * otherwise keep the `anyOf` error, which is described with the schema's `errorMessage`.
 */
function selectErrors(errors: AjvError[]): AjvError[] {
  const under = (e: AjvError, base: string) => e.instancePath === base || e.instancePath.startsWith(base + '/');
  const drop = new Set<AjvError>();
  errors.forEach((union, u) => {
    if (union.keyword !== 'anyOf' && union.keyword !== 'oneOf') return;
    // Ajv emits a union's branch errors right before the union error itself.
    let start = u;
    while (start > 0 && under(errors[start - 1], union.instancePath) && errors[start - 1].schemaPath !== union.schemaPath) start--;
    const branch = errors.slice(start, u);
    const deeper = branch.filter((e) => e.instancePath.length > union.instancePath.length);
    for (const e of branch) if (!deeper.includes(e)) drop.add(e);
    if (deeper.length) drop.add(union);
  });
  const out = errors.filter((e) => !drop.has(e) && e.keyword !== 'propertyNames');
const seen = new Set<string>();
  return out.filter((e) => {
    const k = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const ARTICLE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

function describe(e: AjvError, data: unknown): { path: Seg[]; message: string; atKey?: boolean } {
  const path = pointerSegments(e.instancePath, data);
  const parent = schemaAt(parentSchemaPath(e));
  const here = valueAt(data, path);
  const p = e.params;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const allowed = Object.keys((parent?.properties as SchemaNode | undefined) ?? {});
      const hint = didYouMean(key, allowed);
      return {
        path: [...path, key],
        atKey: true,
        message: `unknown key${hint ? `; did you mean "${hint}"?` : allowed.length ? ` (expected one of: ${allowed.join(', ')})` : ''}`,
      };
    }
    case 'required':
      return { path, message: `missing required key "${String(p.missingProperty)}"` };
    case 'pattern': {
      if (e.propertyName !== undefined) {
        // A propertyNames failure: Ajv points at the object; the key is in params.
        const key = e.propertyName;
        const msg = (parent?.patternErrorMessage as string | undefined) ?? `must match ${String(p.pattern)}`;
        return { path: key ? [...path, key] : path, atKey: true, message: `key ${msg}` };
      }
      return { path, message: (parent?.patternErrorMessage as string | undefined) ?? `must match the pattern ${String(p.pattern)}` };
    }
    case 'enum': {
      const options = (p.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      const hint = typeof here === 'string' ? didYouMean(here, (p.allowedValues as unknown[]).filter((v): v is string => typeof v === 'string')) : undefined;
      return { path, message: `must be one of ${options.join(', ')}${hint ? `; did you mean "${hint}"?` : ''}` };
    }
    case 'type': {
      const types = String(p.type).split(',');
      return { path, message: `must be ${types.map((t) => ARTICLE[t] ?? t).join(' or ')}, not ${typeName(here)}` };
    }
    case 'anyOf':
    case 'oneOf':
      return { path, message: (schemaAt(e.schemaPath.replace(/\/(anyOf|oneOf)$/, ''))?.errorMessage as string | undefined) ?? 'does not match any allowed form' };
    case 'minLength':
      return { path, message: p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters long` };
    case 'maxLength':
      return { path, message: `is ${typeof here === 'string' ? here.length : '?'} characters long; the limit is ${String(p.limit)}` };
    case 'minItems':
      return { path, message: `must have at least ${String(p.limit)} entr${p.limit === 1 ? 'y' : 'ies'}` };
    case 'maxItems':
      return { path, message: `has ${Array.isArray(here) ? here.length : '?'} entries; the limit is ${String(p.limit)}` };
    case 'maxProperties':
      return { path, message: `has more than ${String(p.limit)} keys` };
    case 'minimum':
      return { path, message: `must be at least ${String(p.limit)}` };
    case 'maximum':
      return { path, message: `must be at most ${String(p.limit)}` };
    default:
      return { path, message: e.message ?? `fails ${e.keyword}` };
  }
}

function valueAt(data: unknown, path: Seg[]): unknown {
  let cur = data;
  for (const seg of path) cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[seg] : undefined;
  return cur;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v)}`;
  return `${typeof v} ${String(v)}`;
}

/** The closest candidate within a small edit distance, for "did you mean". */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    const cl = c.toLowerCase();
    // "maxBytes" for "maxFileBytes": a key with a word left out is far by edits but obvious.
    const contained = lower.length >= 4 && (cl.includes(lower) || lower.includes(cl)) ? 1 : Infinity;
    const d = cl === lower ? 0 : Math.min(contained, editDistance(lower, cl), subsequence(lower, cl) ? 1 : Infinity);
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return best !== undefined && bestDist <= limit && best !== word ? best : undefined;
}

/** Whether every character of `short` appears in `long` in order ("maxBytes" in "maxFileBytes"). */
function subsequence(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length < 4 || long.length - short.length > 8) return false;
  let i = 0;
  for (const c of long) if (c === short[i]) i++;
  return i === short.length && short[0] === long[0];
}

/** Optimal-string-alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return Infinity;
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

type Report = (path: Seg[], message: string) => void;

function strings(v: unknown): Array<[number | undefined, string]> {
  if (typeof v === 'string') return [[undefined, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => (typeof x === 'string' ? [[i, x] as [number, string]] : []));
  return [];
}

/** Every path glob in the file, with where it sits. */
function globsIn(value: unknown): Array<{ path: Seg[]; glob: string }> {
  const out: Array<{ path: Seg[]; glob: string }> = [];
  const add = (base: Seg[], v: unknown, transform: (s: string) => string = (s) => s) => {
    for (const [i, s] of strings(v)) out.push({ path: i === undefined ? base : [...base, i], glob: transform(s) });
  };
  const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const root = obj(value);
  add(['ignore'], root.ignore);
  const prod = obj(root.production);
  add(['production', 'paths'], prod.paths);
  add(['production', 'kubeContexts'], prod.kubeContexts);
  add(['production', 'hosts'], prod.hosts);
  add(['production', 'urls'], prod.urls);
  add(['production', 'gcpProjects'], prod.gcpProjects);
  const drift = obj(root.drift);
  if (drift.pins && typeof drift.pins === 'object' && !Array.isArray(drift.pins)) {
    for (const glob of Object.keys(drift.pins)) out.push({ path: ['drift', 'pins', glob], glob });
  }
  for (const section of ['protect', 'environments', 'pins'] as const) {
    const list = drift[section];
    if (!Array.isArray(list)) continue;
    list.forEach((entry, i) => add(['drift', section, i, 'files'], obj(entry).files, (s) => s.replace(/\{env\}/g, '*')));
  }
  const add2 = obj(drift.safety).add;
  if (Array.isArray(add2)) add2.forEach((entry, i) => add(['drift', 'safety', 'add', i, 'files'], obj(entry).files));
  return out;
}

function checkGlobs(value: unknown, report: Report): void {
  const globs = globsIn(value);
  if (globs.length > MAX_GLOBS) {
    report(globs[MAX_GLOBS].path, `the file holds ${globs.length} globs; the limit is ${MAX_GLOBS} (use fewer, broader globs)`);
  }
  for (const g of globs) {
    const problem = globProblem(g.glob);
    if (problem) report(g.path, problem);
  }
}

/** Key patterns of the drift section: each segment becomes a regular expression (drift/keys.ts). */
function checkKeyPatterns(value: unknown, report: Report): void {
  const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const drift = obj(obj(value).drift);
  const check = (where: Seg[], p: string) => {
    const problem = wildcardProblem(p, KEY_SEPARATORS);
    if (problem) report(where, problem);
  };
  for (const section of ['protect', 'environments'] as const) {
    const list = drift[section];
    if (Array.isArray(list)) list.forEach((entry, i) => strings(obj(entry).keys).forEach(([j, p]) => check(j === undefined ? ['drift', section, i, 'keys'] : ['drift', section, i, 'keys', j], p)));
  }
  const pins = drift.pins;
  if (Array.isArray(pins)) pins.forEach((entry, i) => Object.keys(obj(obj(entry).keys)).forEach((p) => check(['drift', 'pins', i, 'keys', p], p)));
  else for (const [glob, keys] of Object.entries(obj(pins))) for (const p of Object.keys(obj(keys))) check(['drift', 'pins', glob, p], p);
}

const KEY_SEPARATORS = /[.[\]]/;

function checkSeniors(value: unknown, report: Report): void {
  const seniors = (value as { seniors?: unknown }).seniors;
  if (!Array.isArray(seniors)) return;
  const ids = new Map<string, number>();
  const keys = new Map<string, number>();
  seniors.forEach((s, i) => {
    if (!s || typeof s !== 'object') return;
    const { id, publicKey } = s as { id?: unknown; publicKey?: unknown };
    if (typeof id === 'string') {
      if (ids.has(id)) report(['seniors', i, 'id'], `senior "${id}" is already listed at seniors[${ids.get(id)}]`);
      else ids.set(id, i);
    }
    if (typeof publicKey === 'string') {
      // Type and key material identify a key; the comment does not.
      const material = publicKey.split(/\s+/).slice(0, 2).join(' ');
      if (keys.has(material)) report(['seniors', i, 'publicKey'], `this key is already the key of seniors[${keys.get(material)}]; one key must not stand for two reviewers`);
      else keys.set(material, i);
    }
  });
}

function checkRuleIds(value: unknown, known: readonly string[], report: Report): void {
  const rules = (value as { rules?: unknown }).rules;
  if (!rules || typeof rules !== 'object' || Array.isArray(rules)) return;
  const families = new Set(known.map((id) => id.split('/')[0]));
  for (const id of Object.keys(rules)) {
    if (!/^[a-z0-9-]+\/[a-z0-9*-]+$/.test(id)) continue;
    const [family, name] = id.split('/');
    if (name === '*' ? families.has(family) : known.includes(id)) continue;
    const hint = didYouMean(id, name === '*' ? [...families].map((f) => `${f}/*`) : known);
    report(['rules', id], `no rule with this id in this version of Four Eyes${hint ? `; did you mean "${hint}"?` : ''}`);
  }
}
