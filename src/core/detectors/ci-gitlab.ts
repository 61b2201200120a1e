// GitLab CI checks for the ci/* family: OIDC ID tokens newly requested by a job (the counterpart
// of GitHub's `id-token: write`) and includes whose content can change under the pipeline
// (remote URLs, other projects or components at a branch or tag), and attacker-controlled
// predefined variables evaluated as code in a script. Jobs are matched by name.
import type { Finding, Severity } from '../findings';
import { makeFinding } from '../findings';
import type { Doc, Node } from '../model';
import { get, resolve, scalarText } from '../model';

/** Top-level keys that are pipeline configuration, not jobs. */
const RESERVED = new Set(['stages', 'variables', 'include', 'default', 'workflow', 'image', 'services', 'before_script', 'after_script', 'cache', 'spec', 'pages:deploy']);

function txt(n: Node | undefined): string | undefined {
  return n ? scalarText(resolve(n)) : undefined;
}

function root(doc: Doc | undefined): Node | undefined {
  // A file with a `spec:` header is two documents; the pipeline is the last mapping.
  const objs = doc?.roots.map(resolve).filter((r) => r.kind === 'object') ?? [];
  return objs[objs.length - 1];
}

function idTokens(r: Node | undefined): Map<string, { job: string; name: string; aud: string; node: Node }> {
  const out = new Map<string, { job: string; name: string; aud: string; node: Node }>();
  if (!r || r.kind !== 'object') return out;
  for (const e of r.entries) {
    if (RESERVED.has(e.key)) continue;
    const job = resolve(e.value);
    const toks = get(job, 'id_tokens');
    if (!toks || toks.kind !== 'object') continue;
    for (const t of toks.entries) {
      const audNode = get(t.value, 'aud');
      const aud = audNode && audNode.kind === 'array' ? audNode.items.map((i) => txt(i) ?? '?').join(', ') : txt(audNode) ?? '?';
      out.set(`${e.key}|${t.key}|${aud}`, { job: e.key, name: t.key, aud, node: t.value });
    }
  }
  return out;
}

const SHA = /^[0-9a-f]{40}$/i;

interface Include {
  key: string;
  what: string;
  severity: Severity;
  node: Node;
}

function includes(r: Node | undefined): Include[] {
  const out: Include[] = [];
  const inc = get(r, 'include');
  if (!inc) return out;
  const items = inc.kind === 'array' ? inc.items.map(resolve) : [inc];
  for (const item of items) {
    const s = txt(item);
    if (s !== undefined) {
      if (/^https?:\/\//i.test(s)) out.push({ key: `remote|${s}`, what: `remote file ${s}`, severity: 'high', node: item });
      continue;
    }
    const remote = txt(get(item, 'remote'));
    if (remote) {
      if (!get(item, 'integrity')) out.push({ key: `remote|${remote}`, what: `remote file ${remote} without an integrity hash`, severity: 'high', node: item });
      continue;
    }
    const project = txt(get(item, 'project'));
    if (project) {
      const ref = txt(get(item, 'ref'));
      if (!ref || !SHA.test(ref)) out.push({ key: `project|${project}|${ref ?? 'HEAD'}`, what: `project ${project} at ${ref ? `ref ${ref}` : 'its default branch'}`, severity: 'medium', node: item });
      continue;
    }
    const component = txt(get(item, 'component'));
    if (component) {
      const version = component.includes('@') ? component.slice(component.lastIndexOf('@') + 1) : '';
      if (!SHA.test(version)) out.push({ key: `component|${component}`, what: `component ${component}`, severity: 'medium', node: item });
    }
  }
  return out;
}

/**
 * Predefined variables whose text the author of a merge request or commit chooses. GitLab leaves
 * them to the shell, so `echo "$CI_COMMIT_MESSAGE"` is data; they become code only where the
 * expanded text is evaluated again.
 */
const TAINTED = /\$\{?(CI_MERGE_REQUEST_TITLE|CI_MERGE_REQUEST_DESCRIPTION|CI_MERGE_REQUEST_SOURCE_BRANCH_NAME|CI_COMMIT_MESSAGE|CI_COMMIT_TITLE|CI_COMMIT_DESCRIPTION|CI_COMMIT_TAG_MESSAGE|CI_COMMIT_AUTHOR|CI_COMMIT_REF_NAME|CI_COMMIT_BRANCH|CI_COMMIT_REF_SLUG_RAW|CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME)\b\}?/g;

/** Where expanded text is evaluated as code: `eval`, `sh -c`, `python -c`, `node -e`, `| sh`. */
const EVALUATED = /(^|[\s;&|(`])(eval|(ba|z|da|k)?sh\s+-\w*c|python[\d.]*\s+-c|node\s+(-e|--eval|-p)|ruby\s+-e|perl\s+-[\w]*e|php\s+-r|pwsh\s+(-c|-Command)|powershell(\.exe)?\s+(-c|-Command))\b|\|\s*(ba|z)?sh\b/;

interface Injection {
  key: string;
  job: string;
  variable: string;
  line: string;
  node: Node;
}

function scriptLines(job: Node): Array<{ text: string; node: Node }> {
  const out: Array<{ text: string; node: Node }> = [];
  for (const k of ['before_script', 'script', 'after_script']) {
    const v = get(job, k);
    if (!v) continue;
    const items = v.kind === 'array' ? v.items.map(resolve) : [resolve(v)];
    for (const item of items) {
      const t = txt(item);
      if (t !== undefined) for (const line of t.split('\n')) out.push({ text: line.trim(), node: item });
    }
  }
  return out;
}

function injections(r: Node | undefined): Injection[] {
  const out: Injection[] = [];
  if (!r || r.kind !== 'object') return out;
  const jobs = r.entries.filter((e) => !RESERVED.has(e.key)).map((e) => ({ name: e.key, node: resolve(e.value) }));
  const defaults = get(r, 'default');
  if (defaults) jobs.push({ name: 'default', node: resolve(defaults) });
  for (const job of jobs) {
    if (job.node.kind !== 'object') continue;
    for (const { text, node } of scriptLines(job.node)) {
      if (!EVALUATED.test(text)) continue;
      for (const m of text.matchAll(TAINTED)) {
        out.push({ key: `${job.name}|${m[1]}|${text.replace(/\s+/g, ' ')}`, job: job.name, variable: m[1], line: text, node });
      }
    }
  }
  return out;
}

export function checkGitlabCi(before: Doc | undefined, doc: Doc): Finding[] {
  const a = root(doc);
  if (!a) return [];
  const b = root(before);
  const out: Finding[] = [];
  const prevTokens = idTokens(b);
  for (const [key, t] of idTokens(a)) {
    if (prevTokens.has(key)) continue;
    out.push(
      makeFinding({
        ruleId: 'ci/permissions-widened',
        category: 'ci',
        severity: 'high',
        message: `Job \`${t.job}\` now requests OIDC ID token \`${t.name}\` for audience ${t.aud}, which lets its script assume any cloud or Vault role that trusts this project's tokens.`,
        doc,
        node: t.node,
        content: key,
      }),
    );
  }
  const prevInjections = new Set(injections(b).map((i) => i.key));
  for (const i of injections(a)) {
    if (prevInjections.has(i.key)) continue;
    const line = i.line.length > 100 ? i.line.slice(0, 97) + '...' : i.line;
    out.push(
      makeFinding({
        ruleId: 'ci/script-injection',
        category: 'ci',
        severity: 'high',
        message: `Job \`${i.job}\` evaluates \`$${i.variable}\`, text chosen by whoever opens the merge request or pushes the commit, as code in \`${line}\`.`,
        doc,
        node: i.node,
        content: i.key,
      }),
    );
  }
  const prevIncludes = new Set(includes(b).map((i) => i.key));
  for (const i of includes(a)) {
    if (prevIncludes.has(i.key)) continue;
    out.push(
      makeFinding({
        ruleId: 'ci/unpinned-include',
        category: 'ci',
        severity: i.severity,
        message: `Pipeline now includes ${i.what}, not pinned to a commit SHA, so whoever can change it runs jobs with this project's CI variables.`,
        doc,
        node: i.node,
        content: i.key,
      }),
    );
  }
  return out;
}
