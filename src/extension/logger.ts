// The core's Logger backed by VS Code's LogOutputChannel (levels set by the user in the UI).
import type * as vscode from 'vscode';
import type { Logger } from '../core/logger';

export function channelLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    trace: (m) => channel.trace(m),
    debug: (m) => channel.debug(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
  };
}
