// `foureyes hook install | uninstall | status`.
import * as path from 'node:path';
import { serverOffReason, startServer } from '../../core/analysis-server-state';
import { hookLocations, hookStatus, installHook, uninstallHook, warmRuntime } from '../../core/hook';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type Command } from '../io';
import { parseCommandArgs } from '../options';
import { VERSION } from '../version';

export const hookCommand: Command = {
  name: 'hook',
  summary: 'install, uninstall or inspect the git pre-commit hook',
  usage: 'foureyes hook install|uninstall|status [--node PATH] [--format json]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { node: { type: 'string' }, format: { type: 'string' } });
    const action = positionals[0];
    const loc = hookLocations(io.cwd, io.env);
    if (action === 'install') {
      // The bundle runs from dist/; the runtime copy is taken from beside it.
      const distDir = io.env.FOUREYES_DIST_DIR ?? path.dirname(require.main?.filename ?? __filename);
      const nodePath = values.node ?? process.execPath;
      const r = installHook(loc, { distDir, nodePath, version: VERSION });
      warmRuntime(loc, nodePath);
      // The first commit then finds a warm analyser already (FOUREYES_DAEMON=0 or CI: none).
      startServer(loc.commonDir, loc.runtimeDir, nodePath, io.env);
      io.stdout(`foureyes: pre-commit hook installed in ${r.hookFile}${r.husky ? ' (husky)' : ''}${r.savedHook ? `; the previous hook is kept as ${r.savedHook} and still runs first` : ''}\nfoureyes: runtime ${VERSION} copied to ${r.runtimeDir}\n`);
      return EXIT_OK;
    }
    if (action === 'uninstall') {
      const done = uninstallHook(loc);
      io.stdout(done.length ? done.map((d) => `foureyes: ${d}\n`).join('') : 'foureyes: no Four Eyes hook installed\n');
      return EXIT_OK;
    }
    if (action === 'status') {
      const s = hookStatus(loc);
      if (values.format === 'json') io.stdout(JSON.stringify(s, null, 2) + '\n');
      else {
        io.stdout(`hook: ${s.installed ? 'installed' : 'not installed'} (${s.hookFile}${s.husky ? ', husky' : ''})\n`);
        if (s.runtimeVersion) io.stdout(`runtime: ${s.runtimeVersion}${s.nodePath ? `, node ${s.nodePath}` : ''}\n`);
        if (s.savedHook) io.stdout(`previous hook kept: ${s.savedHook}\n`);
        const off = serverOffReason(io.env);
        if (s.server) io.stdout(`analysis server: running, pid ${s.server.pid}, version ${s.server.version}, idle ${s.server.idleSeconds} s\n`);
        else io.stdout(`analysis server: not running${off ? ` (${off})` : ''}\n`);
        for (const p of s.problems) io.stdout(`problem: ${p}\n`);
      }
      return s.installed && !s.problems.length ? EXIT_OK : EXIT_FINDINGS;
    }
    throw new UsageError('hook needs install, uninstall or status');
  },
};
