#!/usr/bin/env -S node --initial-old-space-size=256
// --initial-old-space-size: V8 starts a full GC whenever external memory (Buffers: capture
// chunks, Kafka batches) outgrows the old generation's limit, which stays ~32 MB while the JS heap is
// small; a replaying sensor ran 41 full GCs in 1.6 s. With 256 MB: 2, and 28 % less sensor CPU
// (docs/benchmarks.md). V8 refuses the flag in NODE_OPTIONS, so it rides on the shebang (and on the
// container image's ENTRYPOINT); `node bin/...` without it runs the same, with more GC.
// Runs `tcplens tracker` on its own (tests, and before the CLI wires the command).
import { runTracker } from '../dist/index.js';

try {
  process.exitCode = await runTracker(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`tcplens tracker: ${err.code ? err.code + ': ' : ''}${err.message}\n`);
  process.exitCode = err.code === 'TCPLENS_ERR_CONFIG' ? 2 : 1;
}
