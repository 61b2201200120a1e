// `foureyes init`: writes a commented starter .foureyes/rules.jsonc at the repository root.
import { linkSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { RULES_FILE } from '../../core/rules';
import { starterRulesText } from '../../core/rules-starter';
import { findRepoRoot } from '../../core/workspace';
import { EXIT_OK, UsageError, type Command } from '../io';
import { parseCommandArgs } from '../options';

const OPTIONS = {
  force: { type: 'boolean' },
  dir: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const initCommand: Command = {
  name: 'init',
  summary: 'write a commented starter .foureyes/rules.jsonc',
  usage: `foureyes init [--force] [--dir DIR]

Writes .foureyes/rules.jsonc at the repository root (the nearest directory above the current one
holding .git), or in the current directory outside a repository.

      --force      overwrite an existing rules file
      --dir DIR    write under DIR instead of the repository root`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, OPTIONS);
    if (positionals.length) throw new UsageError(`init takes no paths (got '${positionals[0]}'); use --dir DIR`);
    const base = values.dir ? path.resolve(io.cwd, values.dir) : (findRepoRoot(io.cwd) ?? io.cwd);
    const target = path.join(base, RULES_FILE);
    const shown = path.relative(io.cwd, target).split(path.sep).join('/') || target;
    try {
      mkdirSync(path.dirname(target), { recursive: true });
    } catch (err) {
      throw new UsageError(`cannot create ${path.dirname(shown)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    writeAtomically(target, starterRulesText(), values.force === true, shown);
    io.stdout(`wrote ${shown}\nNext: list your seniors and production hosts/accounts in it, then commit it.\n`);
    return EXIT_OK;
  },
};

/**
 * Writes a temp file beside the target, then renames it into place (with --force) or hard-links
 * it, which fails instead of replacing a file that appeared meanwhile. Readers never see half a file.
 */
function writeAtomically(target: string, text: string, force: boolean, shown: string): void {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text, { flag: 'wx' });
    if (force) {
      renameSync(temp, target);
      return;
    }
    try {
      linkSync(temp, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${shown} already exists; use --force to overwrite it`);
      throw err;
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot write ${shown}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  } finally {
    rmSync(temp, { force: true });
  }
}
