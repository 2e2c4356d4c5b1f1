import { hostname } from 'node:os';
import { becomeUser, captureTcp, type TcpCapture } from '@tcplens/capture';
import type { ConnectionRecord } from '@tcplens/lifecycle';
import { DEFAULT_DATA_DIR, openStore } from '@tcplens/store';
import { RUN_USAGE } from '../usage.js';
import { Problems, STORE_OPTIONS, parse, storeTarget } from '../options.js';
import { Pipeline } from '../pipeline.js';
import { Summary } from '../output/summary.js';
import { renderSummary } from '../output/render-summary.js';


const TICK_MS = 100;
/** With no packet for this long, connection timeouts advance on the capture host's clock. */
const IDLE_ADVANCE_US = 1_000_000;

export async function run(args: string[]): Promise<number> {
  const { values } = parse(args, {
    ...STORE_OPTIONS,
    interface: { type: 'string', short: 'i', multiple: true },
    filter: { type: 'string' },
    'sensor-id': { type: 'string' },
    duration: { type: 'string' },
    user: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(RUN_USAGE + '\n');
    return 0;
  }
  const problems = new Problems();
  const target = storeTarget(values, problems);
  const ifaces = values.interface ?? [];
  if (ifaces.length === 0) problems.add('--interface: name at least one interface to capture on (e.g. --interface eth0)');
  const sensorId = values['sensor-id'] ?? hostname();
  if (sensorId === '' || Buffer.byteLength(sensorId) > 63) problems.add('--sensor-id: 1 to 63 bytes');
  let durationMs: number | null = null;
  if (values.duration !== undefined) {
    const d = Number(values.duration);
    if (!(d > 0)) problems.add(`--duration ${values.duration}: expected a positive number of seconds`);
    else durationMs = d * 1000;
  }
  const user = values.user ?? 'none';
  if (user === '') problems.add('--user: a user name, or none');
  problems.check();

  const started = Date.now();
  const store = await openStore(target);
  const captures: TcpCapture[] = [];
  // While capturing, `tcplens query`/`report` and the alerter on the same --data DIR reach the
  // store through this process (DIR/tcplens-endpoint.json).
  const endpoint = store.kind === 'chdb' ? await store.serve() : null;
  try {
    const writer = store.writer();
    const summary = new Summary();
    let pendingWrite: Promise<void> | null = null;
    const pipeline = new Pipeline({ sensorId }, (r: ConnectionRecord) => {
      summary.add(r);
      const w = writer.write(r);
      if (w) pendingWrite = w;
    });
    let lastPacketMs = Date.now();
    const push = pipeline.push;
    const onTcp: typeof push = (p) => {
      lastPacketMs = Date.now();
      push(p);
    };
    let failure: Error | null = null;
    for (const iface of ifaces) {
      const filter = values.filter ?? 'tcp';
      captures.push(captureTcp(iface, { filter }, onTcp, (e) => (failure ??= e)));
    }
    // Every interface is open: the rest needs no root. The embedded store's directory (chdb keeps
    // writing parts there) goes to the user first; a store reached by URL needs nothing.
    const dataDir = store.kind === 'chdb' ? target.dataDir ?? DEFAULT_DATA_DIR : null;
    const became = becomeUser(user, dataDir === null ? [] : [{ path: dataDir, recursive: true, what: 'store directory (--data)' }]);
    const as = became.dropped ? `; running as ${user} (uid ${became.uid})` : '';
    process.stderr.write(`tcplens: capturing on ${ifaces.join(', ')} (filter "${values.filter ?? 'tcp'}"), storing in ${store.target}${as}; Ctrl-C to stop\n`);

    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (): void => {
        if (stopping) return;
        stopping = true;
        clearInterval(tick);
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      const tick = setInterval(() => {
        pipeline.drain();
        if (Date.now() - lastPacketMs > IDLE_ADVANCE_US / 1000) pipeline.advance(Date.now() * 1000 - IDLE_ADVANCE_US);
        if (failure || (durationMs !== null && Date.now() - started >= durationMs)) stop();
      }, TICK_MS);
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    const stats = await Promise.all(captures.map((c) => c.capture.stop()));
    pipeline.finish();
    if (pendingWrite) await pendingWrite;
    await writer.flush();
    if (failure) throw failure;
    const decodeProblems: Record<string, number> = {};
    for (const c of captures) for (const [k, v] of Object.entries(c.decodeStats.reasons)) decodeProblems[k] = (decodeProblems[k] ?? 0) + v;
    process.stdout.write(
      renderSummary(summary, {
        inputs: ifaces.map((iface, i) => ({
          name: `${iface} (live; kernel drops ${stats[i]!.dropped}, interface drops ${stats[i]!.ifDropped})`,
          format: 'libpcap',
          compressed: false,
          packets: captures[i]!.decodeStats.packets,
          tcpPackets: captures[i]!.decodeStats.tcpPackets,
          truncated: false,
          truncatedBytes: 0,
        })),
        seconds: (Date.now() - started) / 1000,
        decodeProblems,
        trackerWeirds: pipeline.weirds,
        stored: { rows: summary.connections, where: `${store.target} (table ${store.table})` },
      }),
    );
    return 0;
  } finally {
    for (const c of captures) if (c.capture.state === 'running') await c.capture.stop();
    await endpoint?.close();
    await store.close();
  }
}
