/** Runs the real `tcplens` command (the npm bin) as a user would. Paths are from test/dist/support/. */
import { fileURLToPath } from 'node:url';
import { runCommand, type CommandResult } from './run-command.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const TCPLENS_BIN = fileURLToPath(new URL('../../../services/cli/bin/tcplens.js', import.meta.url));

export function tcplens(args: readonly string[], opts: { cwd?: string } = {}): Promise<CommandResult> {
  return runCommand(process.execPath, [TCPLENS_BIN, ...args], { check: false, cwd: opts.cwd ?? REPO_ROOT });
}
