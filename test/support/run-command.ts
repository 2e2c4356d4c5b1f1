/**
 * Runs an external tool (tcpdump, tshark, editcap, ...) to completion and hands back its output.
 * Test tooling only: output is buffered in memory, so use it for tools whose output is small or
 * for which the caller asked a compact format.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Throw when the exit code is not 0 (default true). */
  check?: boolean;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export function runCommand(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
  const check = opts.check ?? true;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const result = {
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (check && code !== 0) {
        reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}: ${result.stderr.trim()}`));
      } else resolve(result);
    });
  });
}
