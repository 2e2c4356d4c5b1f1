import { hostname } from 'node:os';
import { becomeUser, captureTcp, type TcpCapture } from '@tcplens/capture';
import type { ConnectionRecord } from '@tcplens/lifecycle';
import { DEFAULT_DATA_DIR, liveHolder, openStore, type Store, type StoreEndpoint, type Writer } from '@tcplens/store';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
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
  // With --user, the store opens after the drop, so that everything the engine writes from the start
  // (parts, merges) belongs to the user; the interfaces open first, as root. The directory is handed
  // over unless another process holds it (the store is then reached through its endpoint).
  const dropping = user !== 'none' && process.geteuid?.() === 0;
  const dataDir = target.url === undefined ? resolve(target.dataDir ?? DEFAULT_DATA_DIR) : null;
  const handOver = dropping && dataDir !== null && liveHolder(dataDir) === null;
  if (handOver) mkdirSync(dataDir!, { recursive: true });
  const captures: TcpCapture[] = [];
  let store: Store | null = null;
  let endpoint: StoreEndpoint | null = null;
  try {
    const summary = new Summary();
    let writer: Writer | null = null;
    /** Records emitted while the store opens (after the interfaces, with --user): written once it is open. */
    const early: ConnectionRecord[] = [];
    let pendingWrite: Promise<void> | null = null;
    const pipeline = new Pipeline({ sensorId }, (r: ConnectionRecord) => {
      summary.add(r);
      if (writer === null) {
        early.push(r);
        return;
      }
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
    const openCaptures = (): void => {
      for (const iface of ifaces) {
        const filter = values.filter ?? 'tcp';
        captures.push(captureTcp(iface, { filter }, onTcp, (e) => (failure ??= e)));
      }
    };
    let as = user !== 'none' && !dropping ? `; --user ${user} ignored: not running as root` : '';
    if (dropping) {
      // Every interface is open: the rest needs no root.
      openCaptures();
      const became = becomeUser(user, handOver ? [{ path: dataDir!, recursive: true, what: 'store directory (--data)' }] : []);
      as = `; running as ${user} (uid ${became.uid})`;
    }
    store = await openStore(target);
    // While capturing, `tcplens query`/`report` and the alerter on the same --data DIR reach the
    // store through this process (DIR/tcplens-endpoint.json).
    endpoint = store.kind === 'chdb' ? await store.serve() : null;
    writer = store.writer();
    for (const r of early.splice(0)) {
      const w = writer.write(r);
      if (w) pendingWrite = w;
    }
    if (!dropping) openCaptures();
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
    await store?.close();
  }
}

