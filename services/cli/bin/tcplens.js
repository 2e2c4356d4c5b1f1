#!/usr/bin/env -S node --initial-old-space-size=256
// --initial-old-space-size: V8 starts a full GC whenever external memory (Buffers: capture
// chunks, Kafka batches) outgrows the old generation's limit, which stays ~32 MB while the JS heap is
// small; a replaying sensor ran 41 full GCs in 1.6 s. With 256 MB: 2, and 28 % less sensor CPU
// (docs/benchmarks.md). V8 refuses the flag in NODE_OPTIONS, so it rides on the shebang (and on the
// container image's ENTRYPOINT); `node bin/...` without it runs the same, with more GC.
import { main } from '../dist/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    // main() turns every user error into one line; anything reaching here is a bug.
    console.error(err);
    process.exitCode = 70;
  },
);
