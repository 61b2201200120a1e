// AWS policy statements in one neutral shape, read from the three ways they are written: policy
// JSON (`Effect`/`Action`/...), Terraform `aws_iam_policy_document` / Pulumi `getPolicyDocument`
// (`effect`/`actions`/`principals {type identifiers}`/`condition {test variable values}`) and CDK
// `PolicyStatement` props or Python kwargs (`actions`, `notActions`, `iam.Effect.DENY`, principal
// constructors).
import { get, getCI, resolve, scalarText, values, type Node, type Obj } from '../model';

/** One value of a statement field; `opaque` when it is not statically known. */
export interface PolicyValue {
  text: string;
  opaque: boolean;
  node: Node;
}

export type PolicyKind = 'identity' | 'resource' | 'trust';

export interface AwsStatement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** Source text of an effect that is not a literal; read as Allow so nothing is hidden. */
  effectOpaque?: string;
  actions?: PolicyValue[];
  notActions?: PolicyValue[];
  resources?: PolicyValue[];
  notResources?: PolicyValue[];
  /** `AWS:*`, `AWS:arn:aws:iam::123456789012:root`, `Service:lambda.amazonaws.com`, ... */
  principals?: PolicyValue[];
  notPrincipals?: PolicyValue[];
  /** `Operator|key|v1,v2` (key lower-cased, values sorted). */
  conditions: PolicyValue[];
  node: Node;
  /**
   * Set when the statement stands for a policy document that could not be read (a `file()` outside
   * the repository, a data source in a file the check was not given): why, for the message.
   */
  unresolvedDocument?: string;
  /** Repo-relative path of the file the statement was read from (Terraform `file()`/`templatefile()`). */
  readFrom?: string;
}

export interface AwsPolicy {
  /** Identity of the policy in its file: the key path to it, array positions replaced by names. */
  key: string;
  kind: PolicyKind;
  statements: AwsStatement[];
  node: Node;
}

const TEMPLATE_VAR = /\$\{(?!aws:|[*?$]\})[^}]*\}/i;
const INTRINSIC = /^(Ref|Fn::\w+|Condition)$/;

/** A CloudFormation intrinsic (`{ "Ref": "X" }`, `!Sub ...`) rendered as text. */
function intrinsicText(node: Obj): string | undefined {
  if (node.entries.length !== 1 || !INTRINSIC.test(node.entries[0].key)) return undefined;
  const e = node.entries[0];
  const v = resolve(e.value);
  const inner = scalarText(v) ?? (v.kind === 'array' ? v.items.map((i) => scalarText(resolve(i)) ?? '…').join(e.key === 'Fn::GetAtt' ? '.' : ', ') : '…');
  return e.key === 'Ref' ? `!Ref ${inner}` : `!${e.key.replace('Fn::', '')} ${inner}`;
}

/** One statement value: a literal, or opaque with its source text (intrinsics rendered as `!Ref X`). */
export function valueOf(node: Node): PolicyValue {
  const n = resolve(node);
  const text = scalarText(n);
  if (text !== undefined && n.kind !== 'null') {
    // A string with a template interpolation is a variable as far as the grant goes; IAM's own
    // policy variables (`${aws:username}`, `${*}`) are part of the policy language.
    return { text, opaque: n.kind === 'string' && TEMPLATE_VAR.test(text), node: n };
  }
  if (n.kind === 'object') {
    const t = intrinsicText(n);
    if (t) return { text: t, opaque: true, node: n };
  }
  if (n.kind === 'opaque') return { text: n.text, opaque: true, node: n };
  return { text: n.kind === 'null' ? 'null' : '…', opaque: true, node: n };
}

/** A string or a list of strings (intrinsics and variables kept as opaque values). */
export function readList(node: Node | undefined): PolicyValue[] | undefined {
  if (!node) return undefined;
  const n = resolve(node);
  if (n.kind === 'array') return n.items.map(valueOf);
  if (n.kind === 'object' && !intrinsicText(n)) return undefined;
  return [valueOf(n)];
}

function readEffect(node: Node | undefined): Pick<AwsStatement, 'effect' | 'effectOpaque'> {
  if (!node) return { effect: 'Allow' };
  const n = resolve(node);
  const text = scalarText(n) ?? (n.kind === 'opaque' ? n.text : '');
  if (/deny$/i.test(text.trim())) return { effect: 'Deny' };
  if (/allow$/i.test(text.trim())) return { effect: 'Allow' };
  return { effect: 'Allow', effectOpaque: text || '…' };
}

function principal(type: string, v: PolicyValue): PolicyValue {
  const t = type === '*' ? 'AWS' : type;
  return { ...v, text: `${t}:${v.text}` };
}

/** `Principal` in policy JSON: `"*"`, `{ "AWS": [...] }`, `{ "Service": ... }`. */
function readJsonPrincipals(node: Node | undefined): PolicyValue[] | undefined {
  if (!node) return undefined;
  const n = resolve(node);
  if (n.kind === 'object' && !intrinsicText(n)) {
    const out: PolicyValue[] = [];
    for (const e of n.entries) for (const v of readList(e.value) ?? []) out.push(principal(e.key, v));
    return out;
  }
  return (readList(n) ?? []).map((v) => principal('AWS', v));
}

function readJsonConditions(node: Node | undefined): PolicyValue[] {
  const n = node ? resolve(node) : undefined;
  if (!n) return [];
  if (n.kind !== 'object') return [valueOf(n)];
  const out: PolicyValue[] = [];
  for (const op of n.entries) {
    const body = resolve(op.value);
    if (body.kind !== 'object') {
      out.push({ ...valueOf(body), opaque: true });
      continue;
    }
    for (const k of body.entries) out.push(conditionValue(op.key, k.key, readList(k.value) ?? [valueOf(k.value)], k.value));
  }
  return out;
}

function conditionValue(op: string, key: string, vals: PolicyValue[], node: Node): PolicyValue {
  const texts = vals.map((v) => v.text).sort();
  return { text: `${op}|${key.toLowerCase()}|${texts.join(',')}`, opaque: vals.some((v) => v.opaque), node: resolve(node) };
}

/** A statement written as policy JSON (also CDK `PolicyStatement.fromJson`). */
export function readJsonStatement(node: Node): AwsStatement | undefined {
  const s = resolve(node);
  if (s.kind !== 'object') return undefined;
  const sid = scalarText(getCI(s, 'Sid'));
  return {
    ...(sid !== undefined ? { sid } : {}),
    ...readEffect(getCI(s, 'Effect')),
    actions: readList(getCI(s, 'Action')),
    notActions: readList(getCI(s, 'NotAction')),
    resources: readList(getCI(s, 'Resource')),
    notResources: readList(getCI(s, 'NotResource')),
    principals: readJsonPrincipals(getCI(s, 'Principal')),
    notPrincipals: readJsonPrincipals(getCI(s, 'NotPrincipal')),
    conditions: readJsonConditions(getCI(s, 'Condition')),
    node: s,
  };
}

function first(obj: Obj, ...keys: string[]): Node | undefined {
  for (const k of keys) {
    const v = get(obj, k);
    if (v) return v;
  }
  return undefined;
}

/** `principals { type = "AWS" identifiers = [...] }` blocks (or a list of such objects). */
function readBlockPrincipals(obj: Obj, ...keys: string[]): PolicyValue[] | undefined {
  const blocks = keys.flatMap((k) => values(obj, k));
  if (!blocks.length) return undefined;
  const out: PolicyValue[] = [];
  for (const b of blocks) {
    if (b.kind !== 'object') {
      out.push(...cdkPrincipals(b));
      continue;
    }
    const type = scalarText(get(b, 'type')) ?? 'AWS';
    for (const v of readList(get(b, 'identifiers')) ?? []) out.push(principal(type, v));
  }
  return out;
}

/** Terraform `condition { test variable values }` blocks, or CDK/JSON-style condition maps. */
function readBlockConditions(obj: Obj): PolicyValue[] {
  const out: PolicyValue[] = [];
  for (const c of values(obj, 'condition')) {
    if (c.kind !== 'object') {
      out.push({ ...valueOf(c), opaque: true });
      continue;
    }
    const test = scalarText(get(c, 'test')) ?? '…';
    const variable = scalarText(get(c, 'variable')) ?? '…';
    out.push(conditionValue(test, variable, readList(get(c, 'values')) ?? [], c));
  }
  for (const c of values(obj, 'conditions')) out.push(...readJsonConditions(c));
  return out;
}

/**
 * A statement in Terraform `aws_iam_policy_document` form, Pulumi `getPolicyDocument` form or CDK
 * `PolicyStatement` props (camelCase or Python snake_case).
 */
export function readPropsStatement(node: Node): AwsStatement | undefined {
  const s = resolve(node);
  if (s.kind !== 'object') return undefined;
  const sid = scalarText(get(s, 'sid'));
  return {
    ...(sid !== undefined ? { sid } : {}),
    ...readEffect(get(s, 'effect')),
    actions: readList(get(s, 'actions')),
    notActions: readList(first(s, 'not_actions', 'notActions')),
    resources: readList(get(s, 'resources')),
    notResources: readList(first(s, 'not_resources', 'notResources')),
    principals: readBlockPrincipals(s, 'principals'),
    notPrincipals: readBlockPrincipals(s, 'not_principals', 'notPrincipals'),
    conditions: readBlockConditions(s),
    node: s,
  };
}

/** CDK principal constructors, lowered as calls: `new iam.ServicePrincipal('x')`, `AnyPrincipal()`. */
function cdkPrincipals(node: Node): PolicyValue[] {
  const n = resolve(node);
  if (n.kind !== 'opaque' || !n.callee) return [{ ...valueOf(n), text: `AWS:${valueOf(n).text}` }];
  const ctor = n.callee.split('.').pop() ?? '';
  const arg = n.args?.[0] ? valueOf(n.args[0]) : undefined;
  switch (ctor) {
    case 'AnyPrincipal':
    case 'StarPrincipal':
      return [{ text: 'AWS:*', opaque: false, node: n }];
    case 'ServicePrincipal':
      return arg ? [principal('Service', arg)] : [];
    case 'AccountPrincipal':
      return arg ? [principal('AWS', arg)] : [];
    case 'ArnPrincipal':
      return arg ? [principal('AWS', arg)] : [];
    case 'AccountRootPrincipal':
      return [{ text: 'AWS:account-root', opaque: false, node: n }];
    case 'FederatedPrincipal':
    case 'WebIdentityPrincipal':
    case 'OpenIdConnectPrincipal':
    case 'SamlPrincipal':
      return arg ? [principal('Federated', arg)] : [];
    case 'CanonicalUserPrincipal':
      return arg ? [principal('CanonicalUser', arg)] : [];
    case 'OrganizationPrincipal':
      return [{ text: `AWS:organization ${arg?.text ?? '…'}`, opaque: !arg || arg.opaque, node: n }];
    case 'CompositePrincipal':
      return (n.args ?? []).flatMap(cdkPrincipals);
    default:
      return [{ text: `AWS:${n.text}`, opaque: true, node: n }];
  }
}

/** True when an object has the keys of a policy-JSON statement. */
export function looksLikeJsonStatement(node: Node): boolean {
  const n = resolve(node);
  if (n.kind !== 'object') return false;
  const keys = new Set(n.entries.map((e) => e.key.toLowerCase()));
  return keys.has('effect') && (keys.has('action') || keys.has('notaction'));
}

/** A policy document: `{ Statement: [...] }` whose items look like statements. */
export function jsonStatements(node: Node): Node[] | undefined {
  const n = resolve(node);
  if (n.kind !== 'object' || !n.entries.some((e) => e.key === 'Statement' || e.key === 'statement')) return undefined;
  const items = [...values(n, 'Statement'), ...values(n, 'statement')];
  const stmts = items.filter((i) => {
    if (i.kind !== 'object') return false;
    const keys = new Set(i.entries.map((e) => e.key));
    return ['Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal'].some((k) => keys.has(k));
  });
  return stmts.length ? stmts : undefined;
}
