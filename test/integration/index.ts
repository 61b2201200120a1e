// Extension-host entry for every launcher: runs the suites of the group named by
// $FOUREYES_IT_GROUP (default `main`), as listed in test/integration/groups.json.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runSuites } from './run-suites';

export function run(): Promise<void> {
  const group = process.env.FOUREYES_IT_GROUP ?? 'main';
  const groups = JSON.parse(readFileSync(path.resolve(__dirname, '../../../test/integration/groups.json'), 'utf8')) as Record<string, string[]>;
  const suites = groups[group];
  if (!suites) return Promise.reject(new Error(`unknown integration group ${group}`));
  return runSuites(group, suites);
}
