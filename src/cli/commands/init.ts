// `foureyes init`: writes a commented starter rules file.
import type { Command } from '../io';
import { UsageError } from '../io';

export const initCommand: Command = {
  name: 'init',
  summary: 'write a commented starter .foureyes/rules.jsonc',
  usage: 'foureyes init [--force]',
  async run() {
    throw new UsageError('init is not implemented yet');
  },
};
