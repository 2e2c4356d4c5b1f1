#!/usr/bin/env node
// Runs `tcplens sensor` on its own (tests, and before the CLI wires the command).
import { runSensor } from '../dist/index.js';

try {
  process.exitCode = await runSensor(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`tcplens sensor: ${err.code ? err.code + ': ' : ''}${err.message}\n`);
  process.exitCode = err.code === 'TCPLENS_ERR_CONFIG' ? 2 : 1;
}
