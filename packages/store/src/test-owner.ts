/**
 * Test helper process (serve.test.ts): opens an embedded store, serves it, writes the records given
 * as JSON lines on stdin (one flush per line "flush"), prints "ready URL" and exits when stdin ends.
 *   node dist/test-owner.js DIR DATABASE
 */
import { createInterface } from 'node:readline';
import { openStore } from './store.js';
import { makeRecord } from './test-records.js';

const [dir, database] = process.argv.slice(2);
const store = await openStore({ dataDir: dir!, database: database! });
const endpoint = await store.serve();
const w = store.writer();
process.stdout.write(`ready ${endpoint.url}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'flush') {
    await w.flush();
    process.stdout.write('flushed\n');
  } else if (line.trim() !== '') {
    w.write(makeRecord(JSON.parse(line) as object));
  }
}
await w.flush();
await endpoint.close();
await store.close();
process.stdout.write(`closed ${JSON.stringify(endpoint.stats)}\n`);
