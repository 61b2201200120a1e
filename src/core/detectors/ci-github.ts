// GitHub Actions workflow checks for the ci/* family: token permissions, pull-request-target
// checkouts, expression injection into scripts, secrets handed to tag-pinned third-party actions,
// `secrets: inherit`, and self-hosted runners on pull-request workflows. Jobs are matched between
// before and after by job id; each check reports only what after adds.
import type { Finding, Severity } from '../findings';
import { makeFinding } from '../findings';
import type { Doc, Node } from '../model';
import { get, resolve, scalarText, walk } from '../model';

export const GITHUB_SCOPES = [
  'actions', 'attestations', 'checks', 'contents', 'deployments', 'discussions', 'id-token', 'issues', 'models',
  'packages', 'pages', 'pull-requests', 'repository-projects', 'security-events', 'statuses',
] as const;

const LEVEL_NAMES = ['none', 'read', 'write'];
type Levels = Map<string, number>;

interface Perms {
  levels: Levels;
  /** `read-all` / `write-all` / `{}` as written, for messages. */
  shorthand?: string;
  node: Node;
}

/**
 * When a workflow says nothing, the token gets the repository's default. We assume the restricted
 * default (contents and packages read); a repository on the permissive default gets write-all.
 */
const ASSUMED_DEFAULT: Levels = new Map(GITHUB_SCOPES.map((s) => [s, s === 'contents' || s === 'packages' ? 1 : 0]));

function txt(n: Node | undefined): string | undefined {
  if (!n) return undefined;
  const r = resolve(n);
  return scalarText(r) ?? (r.kind === 'opaque' ? r.text : undefined);
}

function parsePerms(n: Node | undefined): Perms | undefined {
  if (!n) return undefined;
  const r = resolve(n);
  const all = (lvl: number) => new Map(GITHUB_SCOPES.map((s) => [s, lvl]));
  if (r.kind === 'string') {
    if (r.value === 'read-all') return { levels: all(1), shorthand: 'read-all', node: r };
    if (r.value === 'write-all') return { levels: all(2), shorthand: 'write-all', node: r };
    return undefined;
  }
  if (r.kind !== 'object') return undefined;
  const levels: Levels = all(0);
  for (const e of r.entries) {
    const v = txt(e.value);
    const i = v ? LEVEL_NAMES.indexOf(v) : -1;
    if (i >= 0 && levels.has(e.key)) levels.set(e.key, i);
  }
  return { levels, shorthand: r.entries.length ? undefined : '{}', node: r };
}

interface Job {
  id: string;
  node: Node;
}

function jobs(root: Node | undefined): Map<string, Job> {
  const out = new Map<string, Job>();
  const js = get(root, 'jobs');
  if (!js || js.kind !== 'object') return out;
  for (const e of js.entries) out.set(e.key, { id: e.key, node: resolve(e.value) });
  return out;
}

function triggers(root: Node | undefined): Set<string> {
  const on = get(root, 'on') ?? get(root, 'true');
  const out = new Set<string>();
  if (!on) return out;
  if (on.kind === 'object') for (const e of on.entries) out.add(e.key);
  else if (on.kind === 'array') for (const i of on.items) { const t = txt(i); if (t) out.add(t); }
  else { const t = txt(on); if (t) out.add(t); }
  return out;
}

function steps(job: Job): Node[] {
  const s = get(job.node, 'steps');
  return s && s.kind === 'array' ? s.items.map(resolve) : [];
}

function workflowRoot(doc: Doc | undefined): Node | undefined {
  return doc?.roots.map(resolve).find((r) => r.kind === 'object');
}

export function checkGithubWorkflow(before: Doc | undefined, doc: Doc): Finding[] {
  const a = workflowRoot(doc);
  if (!a) return [];
  const b = workflowRoot(before);
  return [
    ...checkPermissions(b, a, doc),
    ...checkUntrustedCheckout(b, a, doc),
    ...checkScriptInjection(b, a, doc),
    ...checkActionSecrets(b, a, doc),
    ...checkSecretsInherit(b, a, doc),
    ...checkSelfHosted(b, a, doc),
  ];
}

// ---- permissions

interface Widening {
  scope: string;
  from: number;
  to: number;
}

function widened(before: Levels, after: Levels): Widening[] {
  const out: Widening[] = [];
  for (const s of GITHUB_SCOPES) {
    const from = before.get(s) ?? 0;
    const to = after.get(s) ?? 0;
    if (to > from && to === 2) out.push({ scope: s, from, to });
  }
  return out;
}

function describeWidening(ws: Widening[], after: Perms, beforeLabel: (w: Widening) => string): string {
  if (after.shorthand === 'write-all') return `write-all (every scope write, ${ws.length} scope${ws.length === 1 ? '' : 's'} newly writable)`;
  return ws.map((w) => `${w.scope} ${beforeLabel(w)} -> write`).join(', ');
}

function permsSeverity(ws: Widening[], after: Perms): Severity {
  if (after.shorthand === 'write-all' || ws.some((w) => w.scope === 'id-token')) return 'high';
  return ws.some((w) => ['contents', 'actions', 'packages', 'deployments', 'security-events', 'pull-requests'].includes(w.scope)) ? 'medium' : 'low';
}

function idTokenNote(ws: Widening[]): string {
  return ws.some((w) => w.scope === 'id-token') ? '; id-token: write lets the job mint OIDC tokens to assume cloud roles' : '';
}

function checkPermissions(b: Node | undefined, a: Node, doc: Doc): Finding[] {
  const out: Finding[] = [];
  const wa = parsePerms(get(a, 'permissions'));
  const wbRaw = b ? parsePerms(get(b, 'permissions')) : undefined;
  const wb = wbRaw?.levels ?? ASSUMED_DEFAULT;
  const assumedLabel = (from: Levels | undefined) => (w: Widening) => (from ? LEVEL_NAMES[w.from] : `${LEVEL_NAMES[w.from]} (repository default, assumed restricted)`);

  const report = (where: string, after: Perms, from: Levels | undefined, content: string) => {
    const ws = widened(from ?? ASSUMED_DEFAULT, after.levels);
    if (!ws.length) return;
    out.push(
      makeFinding({
        ruleId: 'ci/permissions-widened',
        category: 'ci',
        severity: permsSeverity(ws, after),
        message: `${where} GITHUB_TOKEN permissions widened: ${describeWidening(ws, after, assumedLabel(from))}${idTokenNote(ws)}.`,
        doc,
        node: after.node,
        content: `${content}|${after.shorthand ?? ws.map((w) => w.scope).sort().join(',')}`,
      }),
    );
  };
  const removed = (where: string, node: Node, from: Levels, content: string) => {
    if ([...from.values()].every((l) => l === 2)) return;
    out.push(
      makeFinding({
        ruleId: 'ci/permissions-widened',
        category: 'ci',
        severity: 'medium',
        message: `${where} permissions block removed: the token now gets the repository default, which is write-all on repositories with the permissive default (was ${summarize(from)}).`,
        doc,
        node,
        content: `${content}|removed`,
      }),
    );
  };

  if (wa) report('Workflow', wa, wbRaw?.levels, 'workflow');
  const beforeJobs = jobs(b);
  const afterJobs = jobs(a);
  if (!wa && wbRaw && [...afterJobs.values()].some((j) => !get(j.node, 'permissions'))) {
    removed('Workflow-level', get(a, 'jobs') ?? a, wbRaw.levels, 'workflow');
  }
  for (const job of afterJobs.values()) {
    const own = parsePerms(get(job.node, 'permissions'));
    const prevJob = beforeJobs.get(job.id);
    const prevOwn = prevJob ? parsePerms(get(prevJob.node, 'permissions')) : undefined;
    const prevEffective = prevOwn?.levels ?? (wbRaw ? wb : undefined);
    if (own) report(`Job \`${job.id}\``, own, prevEffective, `job:${job.id}`);
    else if (prevOwn) {
      if (wa) report(`Job \`${job.id}\` (own permissions removed, now inherits the workflow's)`, wa, prevOwn.levels, `job:${job.id}`);
      else removed(`Job \`${job.id}\``, job.node, prevOwn.levels, `job:${job.id}`);
    }
  }
  return out;
}

function summarize(l: Levels): string {
  const parts = [...l].filter(([, v]) => v > 0).map(([k, v]) => `${k}: ${LEVEL_NAMES[v]}`);
  return parts.length ? parts.join(', ') : 'no scopes';
}

// ---- untrusted checkout

const PRIVILEGED_TRIGGERS = ['pull_request_target', 'workflow_run', 'issue_comment'];
const HEAD_REF = /github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref|github\.event\.workflow_run\.head_(sha|branch)|github\.event\.workflow_run\.head_repository|github\.event\.pull_request\.head\.repo|refs\/pull\/|github\.event\.pull_request\.merge_commit_sha|github\.event\.(issue|pull_request)\.number/;
const SCRIPT_CHECKOUT = /\b(gh\s+pr\s+checkout|git\s+(fetch|checkout|pull|switch)\b[^\n]*(\$\{\{[^}]*(pull_request\.head|head_ref|workflow_run\.head|issue\.number|pull_request\.number)|refs\/pull))/;

function untrustedCheckouts(root: Node | undefined): Map<string, { node: Node; job: string; text: string }> {
  const out = new Map<string, { node: Node; job: string; text: string }>();
  const trig = [...triggers(root)].filter((t) => PRIVILEGED_TRIGGERS.includes(t)).sort();
  if (!trig.length) return out;
  for (const job of jobs(root).values()) {
    for (const step of steps(job)) {
      const uses = txt(get(step, 'uses')) ?? '';
      const w = get(step, 'with');
      if (/^actions\/checkout@/i.test(uses)) {
        const ref = [txt(get(w, 'ref')), txt(get(w, 'repository'))].filter((x): x is string => !!x && HEAD_REF.test(x));
        if (ref.length) {
          const text = ref.join(' ');
          out.set(`${trig.join(',')}|${job.id}|${text.replace(/\s+/g, '')}`, { node: get(w, 'ref') ?? get(w, 'repository') ?? step, job: job.id, text });
        }
      }
      const run = txt(get(step, 'run'));
      const m = run ? SCRIPT_CHECKOUT.exec(run) : null;
      if (m) out.set(`${trig.join(',')}|${job.id}|${m[0].replace(/\s+/g, '')}`, { node: get(step, 'run')!, job: job.id, text: m[0] });
    }
  }
  return out;
}

function checkUntrustedCheckout(b: Node | undefined, a: Node, doc: Doc): Finding[] {
  const prev = untrustedCheckouts(b);
  const trig = [...triggers(a)].filter((t) => PRIVILEGED_TRIGGERS.includes(t));
  const out: Finding[] = [];
  for (const [key, c] of untrustedCheckouts(a)) {
    if (prev.has(key)) continue;
    out.push(
      makeFinding({
        ruleId: 'ci/untrusted-checkout',
        category: 'ci',
        severity: 'critical',
        message: `Job \`${c.job}\` checks out pull-request code (\`${c.text.trim()}\`) in a ${trig.join('/')} workflow, which runs with repository secrets and a write token, so a fork can run code with them.`,
        doc,
        node: c.node,
        content: key,
      }),
    );
  }
  return out;
}

// ---- script injection

const UNTRUSTED_EXPR = new RegExp(
  [
    'github\\.event\\.(issue|pull_request|discussion)\\.(title|body)',
    'github\\.event\\.(comment|review|review_comment)\\.body',
    'github\\.event\\.pull_request\\.head\\.(ref|label|repo\\.default_branch)',
    'github\\.event\\.pages(\\[[^\\]]*\\]|\\.\\*)?\\.page_name',
    'github\\.event\\.commits(\\[[^\\]]*\\]|\\.\\*)?\\.(message|author\\.(email|name))',
    'github\\.event\\.head_commit\\.(message|author\\.(email|name))',
    'github\\.head_ref',
    'github\\.event\\.workflow_run\\.(head_branch|display_title|head_commit\\.(message|author\\.(email|name))|pull_requests(\\[[^\\]]*\\]|\\.\\*)?\\.head\\.ref)',
  ].join('|'),
);
const EXPR = /\$\{\{([\s\S]*?)\}\}/g;
const PRIVILEGED_EVENTS = new Set(['pull_request_target', 'workflow_run', 'issue_comment', 'issues', 'discussion', 'discussion_comment', 'pull_request_review', 'pull_request_review_comment']);

interface Injection {
  job: string;
  expr: string;
  node: Node;
}

function injections(root: Node | undefined): Injection[] {
  const out: Injection[] = [];
  for (const job of jobs(root).values()) {
    for (const step of steps(job)) {
      const uses = txt(get(step, 'uses')) ?? '';
      const targets = [get(step, 'run')];
      if (/^actions\/github-script@/i.test(uses)) targets.push(get(get(step, 'with'), 'script'));
      for (const t of targets) {
        const s = txt(t);
        if (!t || !s) continue;
        for (const m of s.matchAll(EXPR)) {
          const u = UNTRUSTED_EXPR.exec(m[1]);
          if (u) out.push({ job: job.id, expr: m[1].trim().replace(/\s+/g, ' '), node: t });
        }
      }
    }
  }
  return out;
}

function checkScriptInjection(b: Node | undefined, a: Node, doc: Doc): Finding[] {
  const counts = new Map<string, number>();
  for (const i of injections(b)) counts.set(`${i.job}|${i.expr}`, (counts.get(`${i.job}|${i.expr}`) ?? 0) + 1);
  const privileged = [...triggers(a)].filter((t) => PRIVILEGED_EVENTS.has(t));
  const out: Finding[] = [];
  for (const i of injections(a)) {
    const key = `${i.job}|${i.expr}`;
    const left = counts.get(key) ?? 0;
    if (left > 0) {
      counts.set(key, left - 1);
      continue;
    }
    out.push(
      makeFinding({
        ruleId: 'ci/script-injection',
        category: 'ci',
        severity: privileged.length ? 'high' : 'medium',
        message: `Job \`${i.job}\` interpolates \`\${{ ${i.expr} }}\`, which an outside contributor controls, straight into a script, so crafted text runs as shell code${privileged.length ? ` with the ${privileged.join('/')} token and secrets` : ''}.`,
        doc,
        node: i.node,
        content: key,
      }),
    );
  }
  return out;
}

// ---- secrets to tag-pinned third-party actions

const SHA = /^[0-9a-f]{40}$/i;
/** First-party actions (GitHub's own organisations) are trusted at a tag; see docs/rules/ci/unpinned-action-secrets.md. */
const FIRST_PARTY = /^(actions|github)\//i;
const SECRET_REF = /secrets\.([A-Za-z_][\w-]*)|secrets\[\s*['"]([^'"]+)['"]\s*\]|github\.token/g;

function secretNames(...nodes: Array<Node | undefined>): string[] {
  const names = new Set<string>();
  for (const n of nodes) {
    if (!n) continue;
    walk(n, (x) => {
      const s = x.kind === 'string' ? x.value : x.kind === 'opaque' ? x.text : undefined;
      if (!s || !s.includes('${{')) return;
      for (const m of s.matchAll(EXPR)) for (const r of m[1].matchAll(SECRET_REF)) names.add(r[1] ?? r[2] ?? 'GITHUB_TOKEN');
    });
  }
  return [...names].sort();
}

interface Exposure {
  key: string;
  job: string;
  action: string;
  ref: string;
  secret: string;
  node: Node;
}

function exposures(root: Node | undefined): Exposure[] {
  const out: Exposure[] = [];
  for (const job of jobs(root).values()) {
    const jobEnv = get(job.node, 'env');
    const usesJob = txt(get(job.node, 'uses'));
    const checkUse = (uses: string | undefined, node: Node, secretNodes: Array<Node | undefined>) => {
      if (!uses || uses.startsWith('./') || uses.startsWith('docker://') || FIRST_PARTY.test(uses)) return;
      const at = uses.lastIndexOf('@');
      if (at < 0) return;
      const action = uses.slice(0, at);
      const ref = uses.slice(at + 1);
      if (SHA.test(ref)) return;
      for (const secret of secretNames(...secretNodes)) out.push({ key: `${job.id}|${action}|${secret}`, job: job.id, action, ref, secret, node });
    };
    if (usesJob) {
      const sec = get(job.node, 'secrets');
      if (sec && sec.kind === 'object') checkUse(usesJob, get(job.node, 'uses')!, [sec]);
    }
    for (const step of steps(job)) checkUse(txt(get(step, 'uses')), get(step, 'uses') ?? step, [get(step, 'with'), get(step, 'env'), jobEnv]);
  }
  return out;
}

function checkActionSecrets(b: Node | undefined, a: Node, doc: Doc): Finding[] {
  const prev = new Set(exposures(b).map((e) => e.key));
  const grouped = new Map<Node, Exposure[]>();
  for (const e of exposures(a)) {
    if (prev.has(e.key)) continue;
    grouped.set(e.node, [...(grouped.get(e.node) ?? []), e]);
  }
  return [...grouped.values()].map((es) => {
    const e = es[0];
    const names = [...new Set(es.map((x) => x.secret))];
    return makeFinding({
      ruleId: 'ci/unpinned-action-secrets',
      category: 'ci',
      severity: 'high',
      message: `Job \`${e.job}\` passes ${names.length} secret${names.length === 1 ? '' : 's'} (${names.join(', ')}) to third-party \`${e.action}@${e.ref}\`, pinned by a movable tag rather than a commit SHA, so whoever controls that tag receives them.`,
      doc,
      node: e.node,
      content: `${e.job}|${e.action}@${e.ref}|${names.join(',')}`,
    });
  });
}

// ---- secrets: inherit

function inherits(root: Node | undefined): Map<string, { uses: string; node: Node }> {
  const out = new Map<string, { uses: string; node: Node }>();
  for (const job of jobs(root).values()) {
    const sec = get(job.node, 'secrets');
    if (txt(sec) === 'inherit') out.set(job.id, { uses: txt(get(job.node, 'uses')) ?? '', node: sec! });
  }
  return out;
}

function checkSecretsInherit(b: Node | undefined, a: Node, doc: Doc): Finding[] {
  const prev = inherits(b);
  const out: Finding[] = [];
  for (const [job, i] of inherits(a)) {
    if (prev.get(job)?.uses === i.uses) continue;
    const local = i.uses.startsWith('./');
    const ref = i.uses.includes('@') ? i.uses.slice(i.uses.lastIndexOf('@') + 1) : '';
    const pinned = SHA.test(ref);
    out.push(
      makeFinding({
        ruleId: 'ci/secrets-inherit',
        category: 'ci',
        severity: local ? 'medium' : pinned ? 'medium' : 'high',
        message: `Job \`${job}\` hands every repository and organisation secret to ${local ? 'the reusable workflow' : 'the external reusable workflow'} \`${i.uses}\` (secrets: inherit)${!local && !pinned ? ', pinned by a movable ref' : ''}.`,
        doc,
        node: i.node,
        content: `${job}|${i.uses}|inherit`,
      }),
    );
  }
  return out;
}

// ---- self-hosted runners on pull-request workflows

const PR_TRIGGERS = ['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment'];

function selfHostedJobs(root: Node | undefined): Map<string, Node> {
  const out = new Map<string, Node>();
  if (![...triggers(root)].some((t) => PR_TRIGGERS.includes(t))) return out;
  for (const job of jobs(root).values()) {
    const runsOn = get(job.node, 'runs-on');
    if (!runsOn) continue;
    let selfHosted = false;
    walk(runsOn, (n) => {
      if (n.kind === 'string' && n.value.toLowerCase() === 'self-hosted') selfHosted = true;
    });
    const expr = txt(runsOn);
    if (!selfHosted && expr && /matrix\./.test(expr)) {
      const matrix = get(get(job.node, 'strategy'), 'matrix');
      if (matrix) walk(matrix, (n) => {
        if (n.kind === 'string' && n.value.toLowerCase() === 'self-hosted') selfHosted = true;
      });
    }
    if (selfHosted) out.set(job.id, runsOn);
  }
  return out;
}

function checkSelfHosted(b: Node | undefined, a: Node, doc: Doc): Finding[] {
  const prev = selfHostedJobs(b);
  const trig = [...triggers(a)].filter((t) => PR_TRIGGERS.includes(t));
  const out: Finding[] = [];
  for (const [job, node] of selfHostedJobs(a)) {
    if (prev.has(job)) continue;
    out.push(
      makeFinding({
        ruleId: 'ci/self-hosted-runner-on-pr',
        category: 'ci',
        severity: 'high',
        message: `Job \`${job}\` now runs on a self-hosted runner in a workflow triggered by ${trig.join('/')}, so pull-request code executes on your own infrastructure and can persist there.`,
        doc,
        node,
        content: `${job}|self-hosted|${trig.sort().join(',')}`,
      }),
    );
  }
  return out;
}
