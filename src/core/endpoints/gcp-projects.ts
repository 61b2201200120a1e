// GCP project ids named by a value: in resource names, service accounts, registries, and under
// project keys in a Google context.
import type { KeyPath } from '../model';
import { keyTokens } from './keys';

const ID = '[a-z][a-z0-9-]{4,28}[a-z0-9]';

/** Forms that name a project whatever the key: `projects/<id>/`, `sa@<id>.iam.gserviceaccount.com`, `gcr.io/<id>/`, `<region>-docker.pkg.dev/<id>/`. */
const IN_TEXT = new RegExp(
  `(?<![\\w-])projects/(${ID})(?=/|$|[\\s"'])|@(${ID})\\.iam\\.gserviceaccount\\.com|(?<![\\w.-])(?:[a-z]+\\.)?gcr\\.io/(${ID})/|-docker\\.pkg\\.dev/(${ID})/`,
  'g',
);

const WHOLE_ID = new RegExp(`^${ID}$`);

/** `project`, `project_id`, `projectId`, `GOOGLE_CLOUD_PROJECT`, `GCP_PROJECT` ... */
function isProjectKey(key: string): boolean {
  const t = keyTokens(key);
  return t.includes('project') && (t.length === 1 || t[t.length - 1] === 'project' || (t[t.length - 2] === 'project' && t[t.length - 1] === 'id'));
}

/** Whether the key path is inside something Google: `provider.google`, `google_compute_instance`, `GCP_PROJECT`. */
function inGoogleContext(path: KeyPath): boolean {
  return path.some((seg) => typeof seg === 'string' && keyTokens(seg).some((t) => t === 'google' || t === 'gcp' || t === 'gcloud' || t === 'gke' || t === 'firebase' || t === 'bigquery'));
}

/** GCP project ids the value names. */
export function gcpProjectIds(text: string, path: KeyPath): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(IN_TEXT)) out.add(m[1] ?? m[2] ?? m[3] ?? m[4]);
  const key = [...path].reverse().find((s): s is string => typeof s === 'string');
  const v = text.trim();
  if (key && isProjectKey(key) && inGoogleContext(path) && WHOLE_ID.test(v)) out.add(v);
  return [...out];
}
