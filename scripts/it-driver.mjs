// The browser side of the integration driver channel (types and the client in
// test/integration/driver.ts). Polls a directory for `<id>.request.json` files written by suites
// in the extension host, performs their actions in the workbench page with Playwright, and
// answers with `<id>.response.json`. Requests are served one at a time, in arrival order.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const REQUEST_SUFFIX = '.request.json';
const RESPONSE_SUFFIX = '.response.json';
const POLL_MS = 25;
const FOCUS_TIMEOUT_MS = 5000;

// The DOM focus is in the text editor of the active editor group, not in a widget inside it.
const EDITOR_INPUT = '.editor-group-container.active .monaco-editor .native-edit-context, .editor-group-container.active .monaco-editor textarea.inputarea';

async function focusEditor(page) {
  const deadline = Date.now() + FOCUS_TIMEOUT_MS;
  for (;;) {
    const where = await page.evaluate((sel) => {
      const a = document.activeElement;
      if (a && a.matches(sel)) return 'ok';
      const input = document.querySelector(sel);
      input?.focus();
      return a ? `${a.tagName.toLowerCase()}.${[...a.classList].join('.')}` : 'nothing';
    }, EDITOR_INPUT);
    if (where === 'ok') return;
    if (Date.now() > deadline) throw new Error(`the editor does not have focus (focus is on ${where})`);
    await page.waitForTimeout(50);
  }
}

async function perform(page, action) {
  switch (action.kind) {
    case 'focusEditor':
      return focusEditor(page);
    case 'waitFor':
      await page.waitForSelector(action.selector, { state: 'visible', timeout: action.timeoutMs ?? 5000 });
      return;
    case 'press':
      await page.keyboard.press(action.key);
      return;
    default:
      throw new Error(`unknown driver action ${JSON.stringify(action)}`);
  }
}

/** Serves requests in `dir` against `page` until the returned stop function is called. */
export function serveDriver(dir, page, log = () => {}) {
  let stopped = false;
  let busy = false;
  const answer = (id, res) => {
    const tmp = path.join(dir, `${id}.answer.tmp`);
    writeFileSync(tmp, JSON.stringify({ id, ...res, doneAt: Date.now() }));
    renameSync(tmp, path.join(dir, `${id}${RESPONSE_SUFFIX}`));
  };
  const tick = async () => {
    if (stopped || busy || !existsSync(dir)) return;
    busy = true;
    try {
      const files = readdirSync(dir).filter((f) => f.endsWith(REQUEST_SUFFIX)).sort();
      for (const f of files) {
        const file = path.join(dir, f);
        const id = f.slice(0, -REQUEST_SUFFIX.length);
        let req;
        try {
          req = JSON.parse(readFileSync(file, 'utf8'));
        } catch (err) {
          answer(id, { ok: false, error: `unreadable request: ${err.message}` });
          continue;
        } finally {
          rmSync(file, { force: true });
        }
        try {
          for (const a of req.actions ?? []) await perform(page, a);
          log(`driver ${id}: ${req.actions.map((a) => a.key ?? a.kind).join(', ')}`);
          answer(id, { ok: true });
        } catch (err) {
          log(`driver ${id}: FAILED ${err.message}`);
          answer(id, { ok: false, error: err.message.split('\n')[0] });
        }
      }
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), POLL_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
