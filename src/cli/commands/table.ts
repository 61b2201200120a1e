// Every `foureyes` sub-command, registered in one place.
import type { Command } from '../io';
import { diffCommand } from './diff';
import { initCommand } from './init';
import { scanCommand } from './scan';

export const COMMANDS: readonly Command[] = [scanCommand, diffCommand, initCommand];
