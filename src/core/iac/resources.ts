// Infrastructure-as-code resources found by shape, whatever the file format: Terraform HCL blocks
// (`resource "type" "name" {}` lowered as tagged objects with labels), Terraform JSON
// (`{"resource": {"type": {"name": {...}}}}`), CloudFormation and ARM templates. Detectors key a
// resource by its address so before and after are matched by identity, not by line.
import { get, resolve, scalarText, values, type Doc, type Node, type Obj } from '../model';

export type IacFormat = 'terraform' | 'cloudformation' | 'arm';

export interface IacResource {
  format: IacFormat;
  /** `resource` or `data` (Terraform); `resource` otherwise. */
  kind: 'resource' | 'data';
  /** `google_project_iam_member`, `AWS::EC2::SecurityGroup`, `Microsoft.Authorization/roleAssignments`. */
  type: string;
  name: string;
  /** Terraform block body, CloudFormation `Properties`, ARM `properties` (an empty object if absent). */
  body: Obj;
  node: Node;
  /** `resource.type.name` (Terraform), `Resources.Name` (CloudFormation), `resources.type.name` (ARM). */
  address: string;
  /** The ARM resource object itself (its `scope`, `name`, `type` live beside `properties`). */
  outer?: Obj;
}

function asObj(n: Node | undefined): Obj | undefined {
  const r = n ? resolve(n) : undefined;
  return r?.kind === 'object' ? r : undefined;
}

function emptyBody(at: Node): Obj {
  return { kind: 'object', entries: [], range: at.range, path: at.path };
}

function terraformHcl(root: Obj, out: IacResource[]): void {
  for (const e of root.entries) {
    if (e.key !== 'resource' && e.key !== 'data') continue;
    const body = asObj(e.value);
    if (!body?.labels || body.labels.length < 2) continue;
    const [type, name] = body.labels;
    out.push({ format: 'terraform', kind: e.key, type, name, body, node: body, address: `${e.key}.${type}.${name}` });
  }
}

function terraformJson(root: Obj, out: IacResource[]): void {
  for (const kind of ['resource', 'data'] as const) {
    for (const byType of values(root, kind)) {
      const types = asObj(byType);
      if (!types) continue;
      for (const t of types.entries) {
        for (const byName of values(types, t.key)) {
          const names = asObj(byName);
          if (!names) continue;
          for (const n of names.entries) {
            for (const b of values(names, n.key)) {
              const body = asObj(b);
              if (body) out.push({ format: 'terraform', kind, type: t.key, name: n.key, body, node: body, address: `${kind}.${t.key}.${n.key}` });
            }
          }
        }
      }
    }
  }
}

function cloudFormation(root: Obj, out: IacResource[]): void {
  const res = asObj(get(root, 'Resources'));
  if (!res) return;
  for (const e of res.entries) {
    const r = asObj(e.value);
    const type = scalarText(get(r, 'Type'));
    if (!r || !type) continue;
    out.push({ format: 'cloudformation', kind: 'resource', type, name: e.key, body: asObj(get(r, 'Properties')) ?? emptyBody(r), node: r, address: `Resources.${e.key}` });
  }
}

function arm(list: Node[], out: IacResource[], parent?: string): void {
  for (const item of list) {
    const r = asObj(item);
    const type = scalarText(get(r, 'type'));
    if (!r || !type) continue;
    const name = scalarText(get(r, 'name')) ?? (get(r, 'name') as { text?: string } | undefined)?.text ?? '?';
    const fullType = parent && !type.includes('/') ? `${parent}/${type}` : type;
    out.push({ format: 'arm', kind: 'resource', type: fullType, name, body: asObj(get(r, 'properties')) ?? emptyBody(r), node: r, address: `resources.${fullType}.${name}`, outer: r });
    arm(values(r, 'resources'), out, fullType);
  }
}

/** Every resource (and Terraform data source) declared at the top of the document's roots. */
export function iacResources(doc: Doc): IacResource[] {
  const out: IacResource[] = [];
  for (const root of doc.roots) {
    const r = asObj(root);
    if (!r) continue;
    if (doc.language === 'hcl') terraformHcl(r, out);
    else {
      terraformJson(r, out);
      cloudFormation(r, out);
      if (get(r, '$schema') || get(r, 'contentVersion')) arm(values(r, 'resources'), out);
    }
  }
  return out;
}

/** Terraform nested blocks or attribute lists of objects (`ingress {}` twice, `ingress = [{}]`). */
export function blocks(body: Obj, key: string): Obj[] {
  return values(body, key).filter((v): v is Obj => v.kind === 'object');
}

/** A Terraform reference's resource address: `aws_security_group.web.id` -> `aws_security_group.web`. */
export function referencedAddress(text: string): string | undefined {
  const m = /^\$?\{?\s*(data\.)?([a-z][\w-]*)\.([\w-]+)(?:\[[^\]]*\])?\.[\w.]+\s*\}?$/.exec(text.trim());
  if (!m) return undefined;
  return `${m[1] ? 'data' : 'resource'}.${m[2]}.${m[3]}`;
}

/** Short display of an IaC value: literal text, or the source text of a reference. */
export function valueText(n: Node | undefined): string | undefined {
  if (!n) return undefined;
  const r = resolve(n);
  const s = scalarText(r);
  if (s !== undefined) return s;
  if (r.kind === 'opaque') return r.text;
  return undefined;
}
