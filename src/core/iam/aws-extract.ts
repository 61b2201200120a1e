// Finds every AWS policy in a document, whatever language it was written in, by shape: policy JSON
// (files, CloudFormation properties, embedded strings, jsonencode/JSON.stringify/json.dumps, shell
// arguments), Terraform `aws_iam_policy_document` data sources, CDK `PolicyStatement` calls, Pulumi
// `getPolicyDocument`, SAM policy templates, Lambda permissions, and managed-policy attachments by
// ARN or name.
import { get, resolve, scalarText, type Doc, type Node, type Obj, type Opaque } from '../model';
import { nodesMayBeShared } from '../parse';
import {
  jsonStatements,
  looksLikeJsonStatement,
  readJsonStatement,
  readList,
  readPropsStatement,
  type AwsPolicy,
  type AwsStatement,
  type PolicyKind,
  type PolicyValue,
} from './aws-policy';
import { samTemplateEntry, samTemplateStatements } from './sam-policies';
import { isFileCall, MAX_POLICY_FILE_CHARS, moduleFilePath, policyDocumentRef, type ModuleSide } from './tf-module';

export interface ManagedAttachment {
  /** Where it is attached (key path, array positions replaced by names). */
  key: string;
  /** Managed policy name (`AdministratorAccess`). */
  name: string;
  node: Node;
}

export interface ExtractedPolicies {
  policies: AwsPolicy[];
  attachments: ManagedAttachment[];
}

const NAME_KEYS = ['PolicyName', 'policy_name', 'policyName', 'Sid', 'sid', 'name', 'Name'];
const TRUST_KEY = /assume_?role_?policy|assumedby|assume_role/i;
const MANAGED_ARN = /^arn:(?:aws[\w-]*|\$\{[^}]*\}):iam::aws:policy\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;
const MANAGED_ARN_IN_TEXT = /arn:(?:aws[\w-]*|\$\{[^}]*\}):iam::aws:policy\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)/g;
/** Keys whose plain string values are managed policy names (SAM `Policies`, CDK helpers). */
const MANAGED_NAME_KEYS = new Set(['Policies', 'ManagedPolicyArns', 'managed_policy_arns', 'managedPolicies', 'policy_arn', 'PolicyArn', 'policy-arn', 'policyArn']);

interface Collector {
  doc: Doc;
  /** The rest of the Terraform module on the same side, when the caller could provide it. */
  module?: ModuleSide;
  policies: Map<string, AwsPolicy>;
  attachments: ManagedAttachment[];
  /** Set while a memoised subtree is visited: what the visit adds, for replaying it later. */
  log?: Found[];
  /** Whether containers are memoised (languages whose untouched nodes survive an edit). */
  memo: boolean;
  /** Nodes already read as part of a policy, so a statement is never counted twice. */
  seen: Set<Node>;
  /**
   * What the statements of each policy key add up to so far, kept as they arrive: a broken file
   * can put thousands of statements under one key, and re-reading them all on every addition
   * is quadratic.
   */
  shape: Map<string, PolicyShape>;
}

interface PolicyShape {
  hasPrincipal: boolean;
  trustLike: boolean;
  hasActions: boolean;
}

const TRUST_ACTION = /^sts:(AssumeRole|TagSession|SetSourceIdentity)/i;

function itemName(item: Node, index: number): string {
  const n = resolve(item);
  if (n.kind === 'object') {
    for (const k of NAME_KEYS) {
      const v = scalarText(get(n, k));
      if (v) return `[${v}]`;
    }
  }
  return index >= 0 ? '[]' : '';
}

/** What visiting a subtree added to the collector, in order. */
type Found = { statements: { key: string[]; node: Node; stmts: AwsStatement[]; kindHint?: PolicyKind } } | { attachment: ManagedAttachment } | { seen: Node };

/**
 * Per container node and the key it was visited under: what the visit found. A subtree's
 * statements depend on its content, key path and the key it is visited under alone (no shared
 * nodes in the languages memoised), so after an edit an untouched subtree is replayed.
 */
const visits = new WeakMap<Node, { sig: string; found: Found[] }>();

function replay(c: Collector, found: readonly Found[]): void {
  for (const f of found) {
    if ('statements' in f) addStatements(c, f.statements.key, f.statements.node, f.statements.stmts, f.statements.kindHint);
    else if ('attachment' in f) addAttachment(c, f.attachment);
    else markSeen(c, f.seen);
  }
}

function addAttachment(c: Collector, a: ManagedAttachment): void {
  c.attachments.push(a);
  c.log?.push({ attachment: a });
}

function markSeen(c: Collector, n: Node): void {
  c.seen.add(n);
  c.log?.push({ seen: n });
}

function addStatements(c: Collector, key: string[], node: Node, stmts: AwsStatement[], kindHint?: PolicyKind): void {
  if (!stmts.length) return;
  c.log?.push({ statements: { key, node, stmts, ...(kindHint ? { kindHint } : {}) } });
  const k = key.join('/') || '$';
  let policy = c.policies.get(k);
  if (!policy) {
    policy = { key: k, kind: 'identity', statements: [], node };
    c.policies.set(k, policy);
  }
  for (const st of stmts) policy.statements.push(st);
  let shape = c.shape.get(k);
  if (!shape) {
    shape = { hasPrincipal: false, trustLike: true, hasActions: false };
    c.shape.set(k, shape);
  }
  for (const st of stmts) {
    if (st.principals || st.notPrincipals) shape.hasPrincipal = true;
    if (st.actions?.length) shape.hasActions = true;
    if (shape.trustLike && !(st.actions ?? []).every((a) => TRUST_ACTION.test(a.text))) shape.trustLike = false;
  }
  if (kindHint) policy.kind = kindHint;
  else if (TRUST_KEY.test(k) || (shape.hasPrincipal && shape.trustLike && shape.hasActions)) policy.kind = 'trust';
  else if (shape.hasPrincipal) policy.kind = 'resource';
}

function calleeName(callee: string | undefined): string {
  return (callee ?? '').replace(/\s+/g, '').split('.').pop() ?? '';
}

/** `AWS::Lambda::Permission` (CloudFormation) and `aws_lambda_permission` (Terraform) as statements. */
function lambdaPermission(props: Obj, cfn: boolean): AwsStatement {
  const pick = (cfnKey: string, tfKey: string) => get(props, cfn ? cfnKey : tfKey);
  const principalVal = readList(pick('Principal', 'principal')) ?? [];
  const conditions: PolicyValue[] = [];
  for (const [cfnKey, tfKey, condKey] of [
    ['SourceArn', 'source_arn', 'aws:SourceArn'],
    ['SourceAccount', 'source_account', 'aws:SourceAccount'],
    ['PrincipalOrgID', 'principal_org_id', 'aws:PrincipalOrgID'],
  ] as const) {
    const v = pick(cfnKey, tfKey);
    if (v) for (const x of readList(v) ?? []) conditions.push({ ...x, text: `StringEquals|${condKey.toLowerCase()}|${x.text}` });
  }
  return {
    effect: 'Allow',
    actions: readList(pick('Action', 'action')),
    resources: readList(pick('FunctionName', 'function_name')),
    principals: principalVal.map((p) => ({ ...p, text: /\.amazonaws\.com$/i.test(p.text) ? `Service:${p.text}` : `AWS:${p.text}` })),
    conditions,
    node: props,
  };
}

function managedName(text: string): string | undefined {
  return MANAGED_ARN.exec(text)?.[1];
}

function visit(c: Collector, node: Node, key: string[], parentKey: string | undefined): void {
  if (c.seen.has(node)) return;
  const n = resolve(node);
  if (n !== node) return visit(c, n, key, parentKey);
  if (c.memo && (n.kind === 'object' || n.kind === 'array')) {
    const sig = `${key.join('\u0001')}\u0002${parentKey ?? ''}`;
    const hit = visits.get(n);
    if (hit && hit.sig === sig) return replay(c, hit.found);
    const outer = c.log;
    c.log = [];
    visitNode(c, n, key, parentKey);
    const found = c.log;
    c.log = outer;
    if (outer) for (const f of found) outer.push(f);
    visits.set(n, { sig, found });
    return;
  }
  visitNode(c, n, key, parentKey);
}

function visitNode(c: Collector, n: Node, key: string[], parentKey: string | undefined): void {
  switch (n.kind) {
    case 'object': {
      const stmts = jsonStatements(n);
      if (stmts) {
        addStatements(c, key, n, stmts.map(readJsonStatement).filter((s): s is AwsStatement => !!s));
        stmts.forEach((s) => markSeen(c, s));
        return;
      }
      if (n.tag === 'data' && n.labels?.[0] === 'aws_iam_policy_document') {
        addStatements(c, key, n, policyDocumentStatements(c, n, new Set([n.labels[1] ?? ''])));
        return;
      }
      if ((n.tag === 'resource' && n.labels?.[0] === 'aws_lambda_permission') || scalarText(get(n, 'Type')) === 'AWS::Lambda::Permission') {
        const cfn = n.tag !== 'resource';
        const props = cfn ? get(n, 'Properties') : n;
        if (props?.kind === 'object') addStatements(c, key, props, [lambdaPermission(props, cfn)], 'resource');
        return;
      }
      const sam = parentKey === 'Policies' ? samTemplateEntry(n) : undefined;
      if (sam) {
        addStatements(c, key, n, samTemplateStatements(sam.name, sam.args, n));
        return;
      }
      if (looksLikeJsonStatement(n)) {
        const s = readJsonStatement(n);
        if (s) addStatements(c, key, n, [s]);
        return;
      }
      for (const e of n.entries) {
        const v = resolve(e.value);
        const seg = v.kind === 'object' && v.labels?.length ? [e.key, ...v.labels].join('.') : e.key;
        visit(c, e.value, [...key, seg], e.key);
      }
      return;
    }
    case 'array':
      n.items.forEach((item) => visit(c, item, [...key, itemName(item, 0)], parentKey));
      return;
    case 'string': {
      const name = managedName(n.value) ?? (parentKey && MANAGED_NAME_KEYS.has(parentKey) && /^[A-Za-z][\w+=,.@-]*$/.test(n.value) ? n.value : undefined);
      if (name) addAttachment(c, { key: key.join('/'), name, node: n });
      return;
    }
    case 'opaque': {
      if (isFileCall(n) && c.doc.language === 'hcl' && parentKey && POLICY_ATTR.test(parentKey)) {
        addStatements(c, key, n, fileStatements(c, n));
        return;
      }
      const callee = calleeName(n.callee);
      const props = n.args?.[0] && resolve(n.args[0]).kind === 'object' ? resolve(n.args[0]) : n.kwargs;
      if (/^(PolicyStatement|PolicyStatementProps)$/.test(callee) && props) {
        const s = readPropsStatement(props);
        if (s) addStatements(c, key, n, [s]);
        return;
      }
      if (callee === 'fromJson' && /PolicyStatement/.test(n.callee ?? '') && n.args?.[0]) {
        const s = readJsonStatement(n.args[0]);
        if (s) addStatements(c, key, n, [s]);
        return;
      }
      if (/^(getPolicyDocument|getPolicyDocumentOutput|get_policy_document|get_policy_document_output)$/.test(callee) && props && props.kind === 'object') {
        const st = [...(readValues(props, 'statements'))].map(readPropsStatement).filter((s): s is AwsStatement => !!s);
        addStatements(c, key, n, st);
        return;
      }
      if (/^(fromAwsManagedPolicyName|from_aws_managed_policy_name)$/.test(callee) && n.args?.[0]) {
        const v = resolve(n.args[0]);
        if (v.kind === 'string') addAttachment(c, { key: key.join('/'), name: v.value.split('/').pop()!, node: n });
        return;
      }
      if (!n.args && !n.kwargs) {
        for (const m of n.text.matchAll(MANAGED_ARN_IN_TEXT)) addAttachment(c, { key: key.join('/'), name: m[1], node: n });
        return;
      }
      const seg = n.callee ? calleeName(n.callee) : '';
      for (const a of n.args ?? []) visit(c, a, seg ? [...key, seg] : key, parentKey);
      if (n.kwargs) for (const e of n.kwargs.entries) visit(c, e.value, seg ? [...key, seg] : key, e.key);
      return;
    }
    default:
      return;
  }
}

/** Terraform attributes that hold a policy document (`policy`, `assume_role_policy`, `access_policies`). */
const POLICY_ATTR = /(^|_)polic(y|ies)$/;

function statementBlocks(block: Obj): Node[] {
  return block.entries.filter((e) => e.key === 'statement').flatMap((e) => {
    const v = resolve(e.value);
    return v.kind === 'array' ? v.items : [v];
  });
}

/** A statement standing for a document that could not be read, reported as unresolved. */
function unresolvedDocument(node: Node, why: string): AwsStatement {
  return { effect: 'Allow', actions: [{ text: why, opaque: true, node }], conditions: [], node, unresolvedDocument: why };
}

/** Statements read from another place, anchored at the expression that brought them in. */
function anchorAt(stmts: AwsStatement[], node: Node): AwsStatement[] {
  const at = (vals: PolicyValue[] | undefined) => vals?.map((v) => ({ ...v, node }));
  return stmts.map((s) => ({
    ...s,
    node,
    actions: at(s.actions),
    notActions: at(s.notActions),
    resources: at(s.resources),
    notResources: at(s.notResources),
    principals: at(s.principals),
    notPrincipals: at(s.notPrincipals),
    conditions: at(s.conditions) ?? [],
  }));
}

function findPolicyDocument(doc: Doc, name: string): Obj | undefined {
  for (const root of doc.roots) {
    const r = resolve(root);
    if (r.kind !== 'object') continue;
    for (const e of r.entries) {
      const v = resolve(e.value);
      if (e.key === 'data' && v.kind === 'object' && v.labels?.[0] === 'aws_iam_policy_document' && v.labels[1] === name) return v;
    }
  }
  return undefined;
}

/** Every statement of a document, whichever shape it has (a file may hold several policies). */
function allStatements(doc: Doc, module: ModuleSide | undefined): AwsStatement[] {
  const sub: Collector = { doc, ...(module ? { module } : {}), policies: new Map(), attachments: [], seen: new Set(), shape: new Map(), memo: false };
  for (const root of doc.roots) visit(sub, root, [], undefined);
  return [...sub.policies.values()].flatMap((p) => p.statements);
}

/** Every statement of another file's document as read through a `file()` call at `call` (anchored there). */
export function statementsReadAt(doc: Doc, call: Node, readFrom: string): AwsStatement[] {
  return anchorAt(allStatements(doc, undefined), call).map((s) => ({ ...s, readFrom }));
}

/** The statements of a policy read with `file()` / `templatefile()`. */
function fileStatements(c: Collector, call: Opaque): AwsStatement[] {
  const shown = call.text.length > 80 ? `${call.text.slice(0, 77)}...` : call.text;
  const p = moduleFilePath(c.doc.path, call.args?.[0]);
  if (!p) return [unresolvedDocument(call, `policy read by ${shown}, a path that is not a file in the repository`)];
  if (!c.module) return [unresolvedDocument(call, `policy read from ${p}, another file this check was not given`)];
  const d = c.module.file(p);
  if (!d) return [unresolvedDocument(call, `policy read from ${p}, which is not in the repository`)];
  if (d.text.length > MAX_POLICY_FILE_CHARS) return [unresolvedDocument(call, `policy read from ${p}, which is over ${MAX_POLICY_FILE_CHARS / 1024} KB and not read`)];
  if (d.problems.length) return [unresolvedDocument(call, `policy read from ${p}, which does not parse as a policy document`)];
  const st = allStatements(d, undefined);
  return st.length ? statementsReadAt(d, call, p) : [unresolvedDocument(call, `policy read from ${p}, which holds no policy statements`)];
}

/** The statements a `source_*` / `override_*` value contributes. */
function documentStatements(c: Collector, expr: Node, visiting: ReadonlySet<string>): AwsStatement[] {
  const n = resolve(expr);
  const name = policyDocumentRef(n);
  if (name) {
    if (visiting.has(name) || visiting.size > 8) return [unresolvedDocument(n, `data.aws_iam_policy_document.${name}, which refers back to itself`)];
    const next = new Set([...visiting, name]);
    const local = findPolicyDocument(c.doc, name);
    if (local) return anchorAt(policyDocumentStatements(c, local, next), n);
    for (const d of c.module?.docs ?? []) {
      const block = findPolicyDocument(d, name);
      if (block) return anchorAt(policyDocumentStatements({ ...c, doc: d }, block, next), n);
    }
    return [unresolvedDocument(n, c.module ? `data.aws_iam_policy_document.${name}, which is not in this module` : `data.aws_iam_policy_document.${name}, defined in another file this check was not given`)];
  }
  const text = n.kind === 'opaque' ? n.text : scalarText(n) ?? '…';
  if (isFileCall(n)) return fileStatements(c, n);
  const json = jsonStatements(n);
  if (json) return json.map(readJsonStatement).filter((s): s is AwsStatement => !!s);
  return [unresolvedDocument(n, `policy document \`${text.length > 60 ? text.slice(0, 57) + '...' : text}\``)];
}

/** Later statements replace earlier ones with the same non-empty `sid`; the rest are appended. */
function overrideBySid(into: AwsStatement[], add: readonly AwsStatement[]): void {
  for (const s of add) {
    const i = s.sid ? into.findIndex((t) => t.sid === s.sid) : -1;
    if (i >= 0) into[i] = s;
    else into.push(s);
  }
}

/**
 * A `data "aws_iam_policy_document"` block merged as the AWS provider merges it: the source
 * documents first, then the block's own statements, then the override documents, each replacing
 * statements with the same `sid`.
 */
function policyDocumentStatements(c: Collector, block: Obj, visiting: ReadonlySet<string>): AwsStatement[] {
  const own = statementBlocks(block).map(readPropsStatement).filter((s): s is AwsStatement => !!s);
  const listOf = (k: string) => {
    const v = get(block, k);
    if (!v) return [];
    const r = resolve(v);
    return r.kind === 'array' ? r.items : [v];
  };
  const sources = [...listOf('source_json').slice(0, 1), ...listOf('source_policy_documents')];
  const overrides = [...listOf('override_json').slice(0, 1), ...listOf('override_policy_documents')];
  if (!sources.length && !overrides.length) return own;
  const merged: AwsStatement[] = [];
  for (const s of sources) merged.push(...documentStatements(c, s, visiting));
  overrideBySid(merged, own);
  for (const o of overrides) overrideBySid(merged, documentStatements(c, o, visiting));
  return merged;
}

function readValues(obj: Obj, key: string): Node[] {
  const v = get(obj, key);
  if (!v) return [];
  return v.kind === 'array' ? v.items.map(resolve) : [v];
}

/** Every policy and managed-policy attachment in a document. */
export function extractAwsPolicies(doc: Doc, module?: ModuleSide): ExtractedPolicies {
  // HCL reads other blocks of the file and of its module (`source_policy_documents`, `file()`),
  // so only JSON and YAML subtrees are self-contained enough to replay.
  const memo = !module && doc.language !== 'hcl' && nodesMayBeShared(doc);
  const c: Collector = { doc, ...(module ? { module } : {}), policies: new Map(), attachments: [], seen: new Set(), shape: new Map(), memo };
  for (const root of doc.roots) {
    const key = root.path.filter((p): p is string => typeof p === 'string');
    visit(c, root, key, key[key.length - 1]);
  }
  return { policies: [...c.policies.values()], attachments: c.attachments };
}
