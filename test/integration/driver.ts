// The extension-host side of the browser driver channel. Suites run inside the extension host and
// cannot reach the browser; the code-server runner (scripts/integration-test.mjs, served by
// scripts/it-driver.mjs) polls a directory named by $FOUREYES_IT_DRIVER for request files and
// performs them in the page with Playwright: real key presses that go through VS Code's own
// keybinding resolution. Requests and responses are JSON files written by rename, so neither side
// ever reads half a file. Launchers without a browser (test-electron) do not set the variable.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export type DriverAction =
  /** Waits until the DOM focus is in the active editor group's text editor (and puts it there). */
  | { kind: 'focusEditor' }
  /** Waits until a CSS selector matches a visible element in the workbench page. */
  | { kind: 'waitFor'; selector: string; timeoutMs?: number }
  /** One key press in Playwright's notation: `Tab`, `Control+Alt+KeyJ`, `Control+V`. */
  | { kind: 'press'; key: string };

export interface DriverRequest {
  id: string;
  actions: DriverAction[];
}

export interface DriverResponse {
  id: string;
  ok: boolean;
  error?: string;
  /** Date.now() in the runner when the last action completed. */
  doneAt: number;
}

export const REQUEST_SUFFIX = '.request.json';
export const RESPONSE_SUFFIX = '.response.json';

export function driverDir(): string | undefined {
  return process.env.FOUREYES_IT_DRIVER || undefined;
}

let seq = 0;

/** Runs the actions in the browser, in order; rejects with the runner's reason when one fails. */
export async function drive(actions: DriverAction[], timeoutMs = 20_000): Promise<DriverResponse> {
  const dir = driverDir();
  if (!dir) throw new Error('no browser driver: run through scripts/integration-test.mjs (code-server + Chromium)');
  const id = `${process.pid}-${++seq}`;
  const request: DriverRequest = { id, actions };
  const tmp = path.join(dir, `${id}.tmp`);
  writeFileSync(tmp, JSON.stringify(request));
  renameSync(tmp, path.join(dir, `${id}${REQUEST_SUFFIX}`));
  const answer = path.join(dir, `${id}${RESPONSE_SUFFIX}`);
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(answer)) {
    if (Date.now() > deadline) throw new Error(`browser driver did not answer request ${id} (${actions.map((a) => a.kind).join(', ')}) within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const res = JSON.parse(readFileSync(answer, 'utf8')) as DriverResponse;
  rmSync(answer, { force: true });
  if (!res.ok) throw new Error(`browser driver: ${res.error ?? 'failed'}`);
  return res;
}
