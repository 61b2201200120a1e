// Runs mocha suites inside the VS Code extension host. Both launchers (code-server + Chromium,
// and @vscode/test-electron) load a group entry that calls this; the outcome is the returned
// promise, and a JSON summary is written to $FOUREYES_IT_OUT when the launcher asks for one.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface SuiteSummary {
  group: string;
  passes: number;
  failures: Array<{ title: string; error: string }>;
  pending: number;
  output: string[];
}

export async function runSuites(group: string, suites: readonly string[]): Promise<void> {
  const output: string[] = [];
  const summary: SuiteSummary = { group, passes: 0, failures: [], pending: 0, output };
  const log = (line: string): void => {
    output.push(line);
    console.log(line);
  };
  // FOUREYES_IT_GREP narrows a run to matching test titles while working on one test.
  const mocha = new Mocha({ ui: 'bdd', timeout: 30000, reporter: 'base', ...(process.env.FOUREYES_IT_GREP ? { grep: process.env.FOUREYES_IT_GREP } : {}) });
  for (const s of suites) mocha.addFile(path.join(__dirname, 'suites', `${s}.test.js`));
  const outFile = process.env.FOUREYES_IT_OUT ? path.join(process.env.FOUREYES_IT_OUT, `${group}.json`) : undefined;
  await new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      if (outFile) writeFileSync(outFile, JSON.stringify(summary, null, 2));
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed in ${group}`));
      else resolve();
    });
    runner.on('pass', (t) => {
      summary.passes++;
      log(`  ok   ${t.fullTitle()} (${t.duration ?? 0} ms)`);
    });
    runner.on('pending', (t) => {
      summary.pending++;
      log(`  skip ${t.fullTitle()}`);
    });
    runner.on('fail', (t, err: Error) => {
      summary.failures.push({ title: t.fullTitle(), error: err.stack ?? err.message });
      log(`  FAIL ${t.fullTitle()}\n${err.stack ?? err.message}`);
    });
  });
}
