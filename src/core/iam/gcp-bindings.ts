// GCP IAM grants in one shape (role, member, where), read from Terraform `google_*_iam_member`,
// `_iam_binding`, `_iam_policy` (+ the `google_iam_policy` data source it references), IAM policy
// JSON (`{"bindings": [{"role", "members"}]}`, as `gcloud get-iam-policy` prints it) and
// `gcloud ... add-iam-policy-binding` commands.
import { get, resolve, scalarText, values, walkDoc, type Doc, type Node, type Obj } from '../model';
import { blocks, iacResources, valueText, type IacResource } from '../iac/resources';

/** Where a grant applies; the wider ones are where basic and impersonation roles are dangerous. */
export type GcpScope = 'organization' | 'folder' | 'project' | 'service_account' | 'resource' | 'unknown';

export interface GcpGrant {
  scope: GcpScope;
  /** The scope's resource kind as written (`project`, `storage_bucket`, `pubsub_topic`). */
  scopeType: string;
  /** Identity of the scope: the resource kind plus its identifying attributes as written. */
  target: string;
  role: string;
  roleOpaque: boolean;
  member: string;
  memberOpaque: boolean;
  conditioned: boolean;
  /** What to flag: the member value when it has its own node, else the grant. */
  node: Node;
  /** `google_project_iam_member.ci`, `gcloud projects add-iam-policy-binding`, a key path. */
  source: string;
}

const IAM_RESOURCE = /^google_(.+)_iam_(member|binding|policy)$/;
/** Attributes that say what is granted rather than where. */
const GRANT_KEYS = new Set(['role', 'member', 'members', 'condition', 'policy_data', 'etag', 'provider', 'depends_on', 'count', 'for_each', 'lifecycle']);

export function scopeOf(kind: string): GcpScope {
  if (kind === 'organization' || kind === 'organizations') return 'organization';
  if (kind === 'folder' || kind === 'folders') return 'folder';
  if (kind === 'project' || kind === 'projects') return 'project';
  if (kind === 'service_account' || kind === 'service-accounts') return 'service_account';
  return 'resource';
}

function targetOf(type: string, body: Obj): string {
  const parts: string[] = [];
  for (const e of body.entries) {
    if (GRANT_KEYS.has(e.key)) continue;
    const t = valueText(e.value);
    if (t !== undefined) parts.push(`${e.key}=${t}`);
  }
  return `${type}(${parts.sort().join(',')})`;
}

function val(n: Node | undefined): { text: string; opaque: boolean } | undefined {
  if (!n) return undefined;
  const r = resolve(n);
  const s = scalarText(r);
  if (s !== undefined) return { text: s, opaque: r.kind === 'string' && /\$\{/.test(s) };
  if (r.kind === 'opaque') return { text: r.text, opaque: true };
  return undefined;
}

interface Where {
  scope: GcpScope;
  scopeType: string;
  target: string;
  source: string;
}

/** One grant per member of a `{role, members|member, condition}` object. */
function readBinding(b: Obj, where: Where, fallback: Node, out: GcpGrant[]): void {
  const role = val(get(b, 'role'));
  if (!role) return;
  const conditioned = !!get(b, 'condition');
  const memberNodes = [...values(b, 'members'), ...values(b, 'member')];
  for (const m of memberNodes) {
    const mv = val(m);
    if (!mv) continue;
    out.push({ ...where, role: role.text, roleOpaque: role.opaque, member: mv.text, memberOpaque: mv.opaque, conditioned, node: m.kind === 'opaque' || m.kind === 'string' ? m : fallback });
  }
}

function fromTerraform(resources: IacResource[], out: GcpGrant[], seen: Set<Node>): void {
  const policyData = new Map<string, IacResource>();
  for (const r of resources) if (r.kind === 'data' && r.type === 'google_iam_policy') policyData.set(r.name, r);
  const usedData = new Set<string>();
  for (const r of resources) {
    if (r.kind !== 'resource') continue;
    const m = IAM_RESOURCE.exec(r.type);
    if (!m) continue;
    const where: Where = { scope: scopeOf(m[1]), scopeType: m[1], target: targetOf(m[1], r.body), source: `${r.type}.${r.name}` };
    if (m[2] !== 'policy') {
      readBinding(r.body, where, r.node, out);
      continue;
    }
    const pd = get(r.body, 'policy_data');
    if (!pd) continue;
    if (pd.kind === 'object') {
      for (const b of values(pd, 'bindings')) if (b.kind === 'object') readBinding(b, where, b, out);
      seen.add(pd);
      continue;
    }
    const ref = /data\.google_iam_policy\.([\w-]+)\.policy_data/.exec(valueText(pd) ?? '');
    const data = ref ? policyData.get(ref[1]) : undefined;
    if (!data) continue;
    usedData.add(data.name);
    for (const b of blocks(data.body, 'binding')) readBinding(b, { ...where, source: `${where.source} (data.google_iam_policy.${data.name})` }, b, out);
  }
  for (const [name, data] of policyData) {
    if (usedData.has(name)) continue;
    const where: Where = { scope: 'unknown', scopeType: 'policy', target: `google_iam_policy(${name})`, source: `data.google_iam_policy.${name}` };
    for (const b of blocks(data.body, 'binding')) readBinding(b, where, b, out);
  }
}

/** IAM policy JSON anywhere: an object whose `bindings` are `{role, members}` objects. */
function fromPolicyJson(doc: Doc, out: GcpGrant[], seen: Set<Node>): void {
  walkDoc(doc, (n) => {
    if (seen.has(n)) return 'skip';
    if (n.kind !== 'object') return;
    const bs = values(n, 'bindings').filter((b): b is Obj => b.kind === 'object' && !!get(b, 'role') && !!get(b, 'members'));
    if (!bs.length) return;
    const key = n.path.filter((p) => typeof p === 'string').join('.') || '$';
    const where: Where = { scope: 'unknown', scopeType: 'policy', target: `policy(${key})`, source: key === '$' ? 'IAM policy' : key };
    for (const b of bs) readBinding(b, where, b, out);
    return 'skip';
  });
}

const GCLOUD_SCOPES = ['organizations', 'folders', 'projects', 'service-accounts', 'buckets'];

/** `gcloud projects add-iam-policy-binding my-proj --member=user:a --role=roles/owner`. */
function fromGcloud(doc: Doc, out: GcpGrant[]): void {
  walkDoc(doc, (n) => {
    if (n.kind !== 'opaque' || !/(^|\/)gcloud$/.test(n.callee ?? '') || !n.args) return;
    const words = n.args.map((a) => scalarText(resolve(a)));
    const at = words.indexOf('add-iam-policy-binding');
    if (at < 0) return;
    const group = words.slice(0, at).filter((w): w is string => !!w && !w.startsWith('-'));
    const kind = [...group].reverse().find((w) => GCLOUD_SCOPES.includes(w)) ?? group[group.length - 1] ?? 'resource';
    const targetNode = n.args[at + 1];
    const targetText = targetNode ? (scalarText(resolve(targetNode)) ?? (resolve(targetNode) as { text?: string }).text ?? '') : '';
    const role = val(get(n.kwargs, 'role'));
    const member = get(n.kwargs, 'member');
    const mv = val(member);
    if (!role || !mv || !member) return;
    const cond = scalarText(get(n.kwargs, 'condition'));
    out.push({
      scope: scopeOf(kind),
      scopeType: group.join(' '),
      target: `${group.join(' ')}(${targetText.startsWith('-') ? '' : targetText})`,
      role: role.text,
      roleOpaque: role.opaque,
      member: mv.text,
      memberOpaque: mv.opaque,
      conditioned: !!cond && cond.toLowerCase() !== 'none',
      node: member,
      source: `gcloud ${group.join(' ')} add-iam-policy-binding`,
    });
  });
}

/** Every GCP IAM grant in a document. */
export function extractGcpGrants(doc: Doc): GcpGrant[] {
  const out: GcpGrant[] = [];
  const seen = new Set<Node>();
  fromTerraform(iacResources(doc), out, seen);
  const tfBodies = new Set<Node>();
  for (const r of iacResources(doc)) if (IAM_RESOURCE.test(r.type) || r.type === 'google_iam_policy') tfBodies.add(r.node);
  for (const n of tfBodies) seen.add(n);
  fromPolicyJson(doc, out, seen);
  if (doc.language === 'bash') fromGcloud(doc, out);
  return out;
}
