// The rules file's `drift` section: its shape, validation and the catalogue it yields.
import { Minimatch } from 'minimatch';
import { isSeverity, type Severity } from '../findings';
import type { ResolvedRules } from '../rules';
import { BUILTIN_CATALOGUE, type CatalogueEntry, type Condition } from './catalogue';
import { compileKeyPattern, normalizeName, type KeyPattern } from './keys';

/** `drift.protect[]`: any change to a matching key in a matching file is a finding. */
export interface ProtectRule {
  files: string | string[];
  keys: string[];
  severity?: Severity;
}

/** `drift.environments[]`: files of one group (`config/{env}.yaml`) whose keys stay aligned. */
export interface EnvironmentGroup {
  files: string;
  /** Key-path patterns that must stay aligned; default every key. */
  keys?: string[];
  severity?: Severity;
}

type PinValue = string | number | boolean | null;

/** `drift.pins`: `[{ files, keys: { "key.path": value } }]`, or the short form file glob -> key path -> value. */
export type PinsConfig = Array<{ files: string | string[]; keys: Record<string, PinValue> }> | Record<string, Record<string, PinValue>>;

export interface DriftSection {
  protect?: ProtectRule[];
  environments?: EnvironmentGroup[];
  pins?: PinsConfig;
  safety?: { off?: string[]; add?: CatalogueEntry[] };
}

export interface CompiledProtect {
  files: Minimatch[];
  keys: Array<{ text: string; pattern: KeyPattern }>;
  severity?: Severity;
}

export interface CompiledGroup {
  files: string;
  /** Matches a path; group 1 is the environment name. */
  regex: RegExp;
  keys: Array<{ text: string; pattern: KeyPattern }>;
  severity?: Severity;
}

export interface CompiledPin {
  files: Minimatch[];
  glob: string;
  key: string;
  pattern: KeyPattern;
  value: PinValue;
}

export interface DriftConfig {
  protect: CompiledProtect[];
  environments: CompiledGroup[];
  pins: CompiledPin[];
  catalogue: CatalogueEntry[];
}

export class DriftConfigError extends Error {
  constructor(source: string | undefined, where: string, problem: string) {
    super(`${source ?? 'rules'}: drift.${where}: ${problem}`);
    this.name = 'DriftConfigError';
  }
}

const cache = new WeakMap<ResolvedRules, DriftConfig>();

/** The drift section of these rules, validated and compiled once per rules object. */
export function driftConfig(rules: ResolvedRules): DriftConfig {
  let c = cache.get(rules);
  if (!c) {
    c = compile((rules.config.drift ?? {}) as DriftSection, rules.source);
    cache.set(rules, c);
  }
  return c;
}

const GLOB_OPTS = { dot: true, nocomment: true } as const;

export function compile(section: DriftSection, source?: string): DriftConfig {
  const fail = (where: string, problem: string): never => {
    throw new DriftConfigError(source, where, problem);
  };
  if (typeof section !== 'object' || section === null || Array.isArray(section)) fail('', 'must be an object');
  const stringList = (v: unknown, where: string): string[] => {
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'string' || !x)) fail(where, 'must be a non-empty string or a list of them');
    return list as string[];
  };
  const severity = (v: unknown, where: string): Severity | undefined => {
    if (v === undefined) return undefined;
    if (!isSeverity(v)) fail(where, `must be low, medium, high or critical, not ${JSON.stringify(v)}`);
    return v as Severity;
  };
  const keyPatterns = (v: unknown, where: string) => stringList(v, where).map((text) => ({ text, pattern: compileKeyPattern(text) }));

  const protect: CompiledProtect[] = [];
  if (section.protect !== undefined) {
    if (!Array.isArray(section.protect)) fail('protect', 'must be a list of { files, keys }');
    section.protect.forEach((p, i) => {
      if (!p || typeof p !== 'object') fail(`protect[${i}]`, 'must be an object { files, keys }');
      protect.push({
        files: stringList(p.files, `protect[${i}].files`).map((g) => new Minimatch(g, GLOB_OPTS)),
        keys: keyPatterns(p.keys, `protect[${i}].keys`),
        severity: severity(p.severity, `protect[${i}].severity`),
      });
    });
  }

  const environments: CompiledGroup[] = [];
  if (section.environments !== undefined) {
    if (!Array.isArray(section.environments)) fail('environments', 'must be a list of { files, keys }');
    section.environments.forEach((g, i) => {
      if (!g || typeof g !== 'object' || typeof g.files !== 'string') fail(`environments[${i}].files`, 'must be a path pattern with {env}');
      if ((g.files.match(/\{env\}/g) ?? []).length !== 1) fail(`environments[${i}].files`, `must contain {env} exactly once: ${JSON.stringify(g.files)}`);
      environments.push({
        files: g.files,
        regex: envPattern(g.files),
        keys: g.keys === undefined ? [{ text: '**', pattern: ['**'] }] : keyPatterns(g.keys, `environments[${i}].keys`),
        severity: severity(g.severity, `environments[${i}].severity`),
      });
    });
  }

  const pins: CompiledPin[] = [];
  if (section.pins !== undefined) {
    if (typeof section.pins !== 'object' || section.pins === null) fail('pins', 'must be a list of { files, keys: { "key.path": value } }');
    const groups: Array<{ where: string; files: string[]; keys: unknown }> = Array.isArray(section.pins)
      ? section.pins.map((p, i) => {
          if (!p || typeof p !== 'object') fail(`pins[${i}]`, 'must be an object { files, keys }');
          return { where: `pins[${i}]`, files: stringList(p.files, `pins[${i}].files`), keys: p.keys };
        })
      : Object.entries(section.pins).map(([glob, keys]) => ({ where: `pins["${glob}"]`, files: [glob], keys }));
    for (const g of groups) {
      if (typeof g.keys !== 'object' || g.keys === null || Array.isArray(g.keys)) fail(`${g.where}.keys`, 'must map key paths to required values');
      for (const [key, value] of Object.entries(g.keys as Record<string, unknown>)) {
        if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) fail(`${g.where}.keys["${key}"]`, 'must be a string, number, boolean or null');
        pins.push({ files: g.files.map((f) => new Minimatch(f, GLOB_OPTS)), glob: g.files.join(', '), key, pattern: compileKeyPattern(key), value: value as PinValue });
      }
    }
  }

  const known = new Set(BUILTIN_CATALOGUE.map((e) => e.id));
  const off = new Set(section.safety?.off === undefined ? [] : stringList(section.safety.off, 'safety.off'));
  for (const id of off) if (!known.has(id)) fail('safety.off', `unknown catalogue entry ${JSON.stringify(id)} (known: ${[...known].join(', ')})`);
  const catalogue = BUILTIN_CATALOGUE.filter((e) => !off.has(e.id)).map(normalizeEntry);
  const add = section.safety?.add ?? [];
  if (!Array.isArray(add)) fail('safety.add', 'must be a list of catalogue entries');
  add.forEach((e, i) => catalogue.push(normalizeEntry(validateEntry(e, `safety.add[${i}]`, fail))));
  return { protect, environments, pins, catalogue };
}

/** `config/{env}/app.yaml` -> a regex whose first group is the environment, globs kept as globs. */
export function envPattern(files: string): RegExp {
  let re = '';
  for (let i = 0; i < files.length; i++) {
    if (files.startsWith('{env}', i)) {
      re += '([^/]+?)';
      i += 4;
    } else if (files.startsWith('**', i)) {
      re += '.*';
      i += 1;
    } else if (files[i] === '*') re += '[^/]*';
    else if (files[i] === '?') re += '[^/]';
    else re += files[i].replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp('^' + re + '$', 'd');
}

function normalizeEntry(e: CatalogueEntry): CatalogueEntry {
  return { ...e, keys: e.keys?.map(normalizeName), params: e.params?.map(normalizeName) };
}

/**
 * A rules-file catalogue entry. `unsafe` items are conditions or plain values (`false`,
 * `"none"`): a boolean means "is true/false", another value "equals". `files` restricts it.
 */
function validateEntry(raw: unknown, where: string, fail: (w: string, p: string) => never): CatalogueEntry {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail(where, 'must be an object { id, keys, unsafe }');
  const e = raw as Partial<CatalogueEntry> & { unsafe?: unknown; files?: unknown };
  if (typeof e.id !== 'string' || !e.id) fail(`${where}.id`, 'must be a non-empty string');
  if (e.description !== undefined && (typeof e.description !== 'string' || !e.description)) fail(`${where}.description`, 'must say what the change does, e.g. "Cache encryption turned off"');
  const keys = e.keys === undefined ? [] : typeof e.keys === 'string' ? [e.keys] : e.keys;
  const params = e.params ?? [];
  const okList = (l: unknown) => Array.isArray(l) && l.every((k) => typeof k === 'string' && k);
  if (!okList(keys)) fail(`${where}.keys`, 'must be a list of key names');
  if (!okList(params)) fail(`${where}.params`, 'must be a list of connection-string parameter names');
  if (!keys.length && !params.length) fail(`${where}.keys`, 'must list at least one key name (or params)');
  const severity = e.severity ?? 'high';
  if (!isSeverity(severity)) fail(`${where}.severity`, 'must be low, medium, high or critical');
  const rawUnsafe = e.unsafe ?? [];
  if (!Array.isArray(rawUnsafe)) fail(`${where}.unsafe`, 'must be a list of values or conditions');
  const unsafe: Condition[] = (rawUnsafe as unknown[]).map((c, j) => {
    if (typeof c === 'boolean') return { is: c ? 'true' : 'false' };
    if (typeof c === 'string' || typeof c === 'number') return { equals: [c] };
    if (c === null) return { equals: ['null'] };
    if (!isCondition(c)) fail(`${where}.unsafe[${j}]`, 'must be a value, or {"is": "true"|"false"}, {"equals": [...]}, {"includes": [...]} or {"lowered": true, "max"?: n}');
    return c as Condition;
  });
  if (!unsafe.length && e.removed !== true) fail(`${where}.unsafe`, 'needs at least one value or condition unless "removed" is true');
  if (e.rule !== undefined && (typeof e.rule !== 'string' || !e.rule.startsWith('drift/'))) fail(`${where}.rule`, 'must be a drift/... rule id');
  const files = e.files === undefined ? undefined : (Array.isArray(e.files) ? e.files : [e.files]);
  if (files && !okList(files)) fail(`${where}.files`, 'must be a glob or a list of globs');
  return {
    id: e.id!,
    rule: e.rule ?? 'drift/security-toggle',
    description: e.description ?? `Safety setting ${e.id} weakened`,
    keys: keys.map((k) => k.replace(/\*/g, '')).filter(Boolean),
    params,
    unsafe,
    removed: e.removed === true,
    when: files ? { ...e.when, files: files as string[] } : e.when,
    severity,
  };
}

function isCondition(c: unknown): c is Condition {
  if (!c || typeof c !== 'object') return false;
  const o = c as Record<string, unknown>;
  if ('is' in o) return o.is === 'true' || o.is === 'false';
  if ('equals' in o) return Array.isArray(o.equals) && o.equals.every((x) => typeof x === 'string' || typeof x === 'number');
  if ('includes' in o) return Array.isArray(o.includes) && o.includes.every((x) => typeof x === 'string');
  if ('lowered' in o) return o.lowered === true && (o.max === undefined || typeof o.max === 'number');
  return false;
}
