// GitLab CI checks for the ci/* family: OIDC ID tokens newly requested by a job (the counterpart
// of GitHub's `id-token: write`) and includes whose content can change under the pipeline
// (remote URLs, other projects or components at a branch or tag). Jobs are matched by name.
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
