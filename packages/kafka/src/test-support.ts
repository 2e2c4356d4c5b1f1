/** Helpers shared by this package's integration tests (not exported from the package). */
import type { BrokersForTests } from './test-broker.js';
import { randomBytes } from 'node:crypto';

/** A topic name no other test (or earlier run) uses. */
export function uniqueTopic(what: string): string {
  return `test-${what}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Polls `cond` every 50 ms; rejects with `what` after `timeoutMs`. */
export async function waitFor(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The brokers, or undefined after marking the test skipped with the stated reason (never in CI). */
export function brokersOrSkip(t: { skip(msg?: string): void }, found: BrokersForTests): string[] | undefined {
  if (found.brokers) return found.brokers;
  t.skip(found.skip);
  return undefined;
}
