// `foureyes diff BEFORE AFTER`: the risks AFTER introduces relative to BEFORE.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FileChange } from '../../core/analyze';
import { isDirectory, listFiles } from '../../core/workspace';
import { UsageError, type Command } from '../io';
import { loadRules, parseCommandArgs, REPORT_OPTIONS, REPORT_USAGE, reportOptions } from '../options';
import { analyzeAll, displayPath, printReport, rulesBase } from '../report';

export const diffCommand: Command = {
  name: 'diff',
  summary: 'report the risks AFTER introduces relative to BEFORE (two files, or two directories)',
  usage: `foureyes diff BEFORE AFTER\n\nTwo files, or two directories matched by relative path; a file missing on one side counts as empty.\n\n${REPORT_USAGE}`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, REPORT_OPTIONS);
    if (positionals.length !== 2) throw new UsageError('diff needs exactly two paths: BEFORE AFTER');
    const opts = reportOptions(values, io);
    const [beforeArg, afterArg] = positionals.map((p) => path.resolve(io.cwd, p));
    for (const [arg, abs] of [[positionals[0], beforeArg], [positionals[1], afterArg]] as const) {
      if (!existsSync(abs)) throw new UsageError(`no such file or directory: ${arg}`);
    }
    const rules = loadRules(opts, io);
    const base = rulesBase(rules, io.cwd);
    const read = (p: string): Uint8Array | null => (existsSync(p) ? readFileSync(p) : null);
    const changes: FileChange[] = [];
    const files = new Map<string, { before?: string; after?: string; analysed?: boolean }>();
    if (isDirectory(beforeArg) && isDirectory(afterArg)) {
      const rels = new Set([...listFiles(beforeArg), ...listFiles(afterArg)]);
      for (const rel of [...rels].sort()) {
        // Two trees are two versions of one repository: paths are relative to the tree, so rules
        // globs and fingerprints do not depend on where the copies live.
        const display = rel;
        const after = read(path.join(afterArg, rel));
        files.set(display, { before: path.join(beforeArg, rel), after: path.join(afterArg, rel), analysed: after !== null });
        if (after === null) continue;
        changes.push({ path: display, before: read(path.join(beforeArg, rel)), after });
      }
    } else if (!isDirectory(beforeArg) && !isDirectory(afterArg)) {
      changes.push({ path: displayPath(afterArg, base, path.dirname(afterArg)), before: read(beforeArg), after: read(afterArg) ?? new Uint8Array() });
    } else {
      throw new UsageError('diff needs two files or two directories, not one of each');
    }
    const result = await analyzeAll(changes, rules, 'diff', { jobs: opts.jobs, count: changes.length, siblingFiles: files.size ? files : undefined });
    return printReport(result, opts, io);
  },
};
