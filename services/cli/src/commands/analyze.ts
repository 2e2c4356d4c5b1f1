import { createReadStream, statSync } from 'node:fs';
import { readCapture, type CaptureResult } from '@tcplens/packet';
import type { ConnectionRecord } from '@tcplens/lifecycle';
import type { Store } from '@tcplens/store';
import { CliError } from '../errors.js';
import { ANALYZE_USAGE } from '../usage.js';
import { Problems, STORE_OPTIONS, oneOf, parse, storeTarget } from '../options.js';
import { Pipeline } from '../pipeline.js';
import { Summary } from '../output/summary.js';
import { renderSummary, type InputReport } from '../output/render-summary.js';
import { jsonLine } from '../output/format-json.js';
import { zeekFooter, zeekHeader, zeekLine } from '../output/format-zeek.js';
import { LineSink } from '../output/line-sink.js';
import { Progress } from '../output/progress.js';


const FORMATS = ['summary', 'json', 'zeek'] as const;

export async function analyze(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    ...STORE_OPTIONS,
    format: { type: 'string', short: 'f' },
    'no-store': { type: 'boolean' },
    'sensor-id': { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(ANALYZE_USAGE + '\n');
    return 0;
  }
  const problems = new Problems();
  const format = oneOf('format', values.format, FORMATS, 'summary', problems);
  const target = storeTarget(values, problems);
  const sensorId = values['sensor-id'] ?? 'local';
  if (Buffer.byteLength(sensorId) > 63) problems.add(`--sensor-id: at most 63 bytes`);
  if (positionals.length === 0) problems.add('no input: name capture files, or - for standard input');
  if (positionals.filter((p) => p === '-').length > 1) problems.add('standard input (-) can be read only once');
  let totalBytes: number | null = 0;
  for (const f of positionals) {
    if (f === '-') {
      totalBytes = null;
      continue;
    }
    try {
      const st = statSync(f);
      if (!st.isFile()) problems.add(`${f}: not a regular file`);
      else if (totalBytes !== null) totalBytes += st.size;
    } catch (err) {
      problems.add(`${f}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
  }
  problems.check();

  const started = Date.now();
  // Open the store first: an unwritable directory or unreachable server fails before any reading.
  // The store module loads the embedded ClickHouse engine: import it only when storing.
  const store: Store | null = values['no-store'] ? null : await (await import('@tcplens/store')).openStore(target);
  try {
    const writer = store?.writer() ?? null;
    const summary = new Summary();
    const out = new LineSink(process.stdout);
    const line = format === 'json' ? jsonLine : format === 'zeek' ? zeekLine : null;
    let pendingWrite: Promise<void> | null = null;
    const onRecord = (r: ConnectionRecord): void => {
      summary.add(r);
      if (line) out.push(line(r));
      if (writer) {
        const w = writer.write(r);
        if (w) pendingWrite = w;
      }
    };
    const pipeline = new Pipeline({ sensorId }, onRecord);
    // Between chunks: let output and inserts catch up (backpressure instead of memory growth).
    const settle = async (): Promise<void> => {
      if (out.pendingChars > 1 << 16) await out.flush();
      if (pendingWrite) {
        const w = pendingWrite;
        pendingWrite = null;
        await w;
      }
    };
    if (format === 'zeek') out.push(zeekHeader(new Date()));

    // Ctrl-C (e.g. ending `tcpdump -w - | tcplens analyze -`) stops the reading, not the program:
    // what was read is analysed, stored and summarised. A second Ctrl-C exits at once.
    const stop = new AbortController();
    const onSigint = (): void => {
      if (stop.signal.aborted) process.exit(130);
      stop.abort();
      process.stderr.write('tcplens: interrupted; finishing with the packets read so far (Ctrl-C again to quit)\n');
    };
    process.on('SIGINT', onSigint);
    const progress = new Progress(process.stderr, totalBytes);
    const inputs: InputReport[] = [];
    const decodeProblems: Record<string, number> = {};
    let bytesBefore = 0;
    let packetsBefore = 0;
    for (const name of positionals) {
      const source = name === '-' ? process.stdin : createReadStream(name, { highWaterMark: 1 << 20 });
      const label = name === '-' ? '(stdin)' : name;
      let result: CaptureResult;
      try {
        if (stop.signal.aborted) break;
        result = await readCapture(paced(source, settle, stop.signal), pipeline.push, {
          onProgress: (bytes, packets) => progress.update(bytesBefore + bytes, packetsBefore + packets),
        });
      } catch (err) {
        progress.done();
        const e = err as Error & { code?: string };
        if (typeof e.code === 'string' && e.code.startsWith('TCPLENS_ERR_')) {
          e.message = `${label}: ${e.message}`;
          throw e;
        }
        if (typeof e.code === 'string') throw new CliError('TCPLENS_ERR_INPUT', `${label}: ${e.message}`);
        throw err;
      }
      pipeline.drain();
      packetsBefore += result.packets;
      if (totalBytes !== null && name !== '-') bytesBefore += statSync(name).size;
      inputs.push({ name: label, format: result.format, compressed: result.compressed, packets: result.packets, tcpPackets: result.tcpPackets, truncated: result.truncated, truncatedBytes: result.truncatedBytes });
      for (const [k, v] of Object.entries(result.stats.reasons)) decodeProblems[k] = (decodeProblems[k] ?? 0) + v;
      if (result.truncated && !stop.signal.aborted) process.stderr.write(`tcplens: warning: ${label} is truncated; the packets before the cut were analysed\n`);
    }
    progress.done();
    process.off('SIGINT', onSigint);
    pipeline.finish();
    if (format === 'zeek') out.push(zeekFooter(new Date()));
    await settle();
    if (writer) await writer.flush();
    if (format === 'summary') {
      out.push(
        renderSummary(summary, {
          inputs,
          seconds: (Date.now() - started) / 1000,
          decodeProblems,
          trackerWeirds: pipeline.weirds,
          stored: store ? { rows: summary.connections, where: `${store.target} (table ${store.table})` } : null,
        }),
      );
    }
    await out.flush();
    return 0;
  } finally {
    await store?.close();
  }
}

async function* paced(source: AsyncIterable<Uint8Array>, settle: () => Promise<void>, stop: AbortSignal): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    if (stop.aborted) return; // leaving the loop closes the source
    await settle();
    yield chunk as Uint8Array;
  }
}
