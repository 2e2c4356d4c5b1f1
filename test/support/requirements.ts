/**
 * Integration tests need real tools (tcpdump, tshark, root for capturing on lo). Where they cannot be
 * had, a test skips with the reason; in CI (CI=true or TCPLENS_REQUIRE_INTEGRATION=1) it fails instead,
 * so a missing install step cannot pass as green.
 */
import { spawnSync } from 'node:child_process';

export const requireIntegration = process.env['CI'] === 'true' || process.env['TCPLENS_REQUIRE_INTEGRATION'] === '1';

export function missingTools(tools: readonly string[], needRoot = false): string | null {
  const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  const problems: string[] = [];
  if (missing.length) problems.push(`missing tools: ${missing.join(', ')} (run deploy/install.sh)`);
  if (needRoot && process.getuid?.() !== 0) problems.push('capturing on lo needs root');
  return problems.length ? problems.join('; ') : null;
}

/** Options for node:test's `test(name, opts, fn)`: skip with a reason, unless CI requires the test. */
export function integration(tools: readonly string[], needRoot = false): { skip?: string } {
  const why = missingTools(tools, needRoot);
  if (why === null) return {};
  if (requireIntegration) throw new Error(`integration test required here but cannot run: ${why}`);
  return { skip: why };
}
