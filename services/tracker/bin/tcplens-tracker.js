#!/usr/bin/env node
// Runs `tcplens tracker` on its own (tests, and before the CLI wires the command).
import { runTracker } from '../dist/index.js';

try {
  process.exitCode = await runTracker(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`tcplens tracker: ${err.code ? err.code + ': ' : ''}${err.message}\n`);
  process.exitCode = err.code === 'TCPLENS_ERR_CONFIG' ? 2 : 1;
}
