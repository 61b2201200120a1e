// Every `foureyes` sub-command, registered in one place.
import type { Command } from '../io';
import { approveCommand } from './approve';
import { breakGlassCommand } from './break-glass';
import { checkCommand } from './check';
import { diffCommand } from './diff';
import { hookCommand } from './hook';
import { importCommand } from './import';
import { initCommand } from './init';
import { requestCommand } from './request';
import { reviewCommand } from './review';
import { scanCommand } from './scan';
import { statusCommand } from './status';
import { verifyCommand } from './verify';

export const COMMANDS: readonly Command[] = [
  scanCommand,
  diffCommand,
  initCommand,
  checkCommand,
  verifyCommand,
  requestCommand,
  reviewCommand,
  approveCommand,
  importCommand,
  statusCommand,
  hookCommand,
  breakGlassCommand,
];
