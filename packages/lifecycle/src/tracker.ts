/**
 * ConnectionTracker: the connection table and its expiry, driven by packet time only.
 *
 *   process(p, s)  applies one packet seen by sensor s (creating, expiring or replacing its
 *                  connection first; a copy another sensor already delivered only adds s)
 *   sensorIndex(n) interns a sensor name (the sensorId option is sensor 0)
 *   advance(nowUs) emits every connection whose timeout or linger ended at or before nowUs
 *   flush()        emits every connection still in the table (end of input)
 *
 * Records are handed to `emit` synchronously. Whether a packet belongs to an expired connection
 * is decided from the packets themselves, so the records do not depend on how often the caller
 * calls advance(); only the moment they are emitted does.
 */
import { TcpFlag, type TcpPacket } from '@tcplens/packet';
import { Conn, TimeoutClass, type SideBitValue } from './conn.js';
import { clockPacket, DedupRing, SensorClock, sensorBit } from './sensors.js';
import { ConnTable } from './conn-table.js';
import { EndpointState as S } from './endpoint.js';
import { flipped } from './history.js';
import { resolveOptions, type ResolvedOptions, type TrackerOptions } from './options.js';
import { applyPacket } from './packet-step.js';
import { buildRecord, type EmitReason } from './record-builder.js';
import type { ConnectionRecord } from './record.js';
import { TimeoutLists } from './timeouts.js';
import { Weirds } from './weirds.js';

export interface TrackerStats {
  packets: number;
  /** Copies of a segment already delivered by another sensor (not counted again). */
  duplicatePackets: number;
  connectionsOpened: number;
  connectionsEmitted: number;
  /** Anomalies by Zeek weird name. */
  weirds: Record<string, number>;
}

export class ConnectionTracker {
  private readonly opts: ResolvedOptions;
  private readonly table = new ConnTable();
  private readonly timeouts: TimeoutLists;
  private readonly weirds = new Weirds();
  private readonly key = new Int32Array(8);
  private packets = 0;
  private duplicates = 0;
  private multiSensor = false;
  private readonly sensorNames: string[] = [];
  private readonly sensorIds = new Map<string, number>();
  private opened = 0;
  private emitted = 0;

  constructor(
    opts: TrackerOptions,
    private readonly emit: (r: ConnectionRecord) => void,
  ) {
    this.opts = resolveOptions(opts);
    const o = this.opts;
    this.sensorIndex(o.sensorId);
    this.multiSensor = o.multiSensor;
    this.timeouts = new TimeoutLists(o.attemptTimeoutUs, o.inactivityTimeoutUs, o.closeLingerUs, o.resetLingerUs);
  }

  get openConnections(): number {
    return this.table.size;
  }

  get stats(): TrackerStats {
    return {
      packets: this.packets,
      duplicatePackets: this.duplicates,
      connectionsOpened: this.opened,
      connectionsEmitted: this.emitted,
      weirds: this.weirds.toObject(),
    };
  }

  /**
   * The index of a sensor (vantage point) name, interned on first use; the `sensorId` option is
   * sensor 0. Pass it to process() for packets captured by that sensor. Interning a second name
   * turns on duplicate detection for connections opened from then on: intern every sensor
   * before its first packet (or set the `multiSensor` option).
   */
  sensorIndex(name: string): number {
    let i = this.sensorIds.get(name);
    if (i === undefined) {
      i = this.sensorNames.length;
      this.sensorNames.push(name);
      this.sensorIds.set(name, i);
      if (i > 0) this.multiSensor = true;
    }
    return i;
  }

  /** Applies one packet captured by `sensor` (an index from sensorIndex(); default sensor 0). */
  process(p: TcpPacket, sensor = 0): void {
    this.packets++;
    const t = p.tsSec * 1_000_000 + Math.floor(p.tsNsec / 1000);
    const key = this.key;
    readWords(p.src, key, 0);
    readWords(p.dst, key, 4);
    const srcPort = p.srcPort;
    const dstPort = p.dstPort;
    const flags = p.flags;
    const hash = ConnTable.hashKey(key, srcPort, dstPort);
    let c = this.table.find(hash, key, srcPort, dstPort);
    let isOrig = this.table.foundIsOrig;
    if (sensor !== 0 && !this.multiSensor) this.multiSensor = true;
    if (c !== undefined) {
      if (this.multiSensor && this.duplicate(c, isOrig, p, t, sensor)) return;
      if (this.timeouts.deadline(c) <= t) {
        this.finish(c, 'expired');
        c = undefined;
      } else if ((flags & TcpFlag.SYN) !== 0 && this.isReuse(c, flags, p.seq, t)) {
        this.finish(c, 'reused');
        c = undefined;
      }
    }
    if (c === undefined) {
      const flip = this.flipsRoles(flags, srcPort, dstPort);
      isOrig = !flip;
      c = this.open(hash, p, flip, t, sensor);
      if (this.multiSensor) c.ring = new DedupRing();
      if (c.ring !== null) c.ring.seenByOther(isOrig, flags, p.seq, p.ack, p.payloadLen, t, sensor, this.opts.dedupWindowUs);
    }
    applyPacket(c, isOrig, t, flags, p.seq, p.ack, p.payloadLen, p.window, p.ipLen, this.opts, this.weirds);
    this.clock(c, isOrig, flags, p.payloadLen, t, sensor);
    if (c.flipPending) this.flip(c, t);
    this.reschedule(c, t);
  }

  /**
   * With several sensors: true when another sensor already delivered this segment (it then only
   * adds the sensor and its clock); otherwise remembers the segment.
   */
  private duplicate(c: Conn, isOrig: boolean, p: TcpPacket, t: number, sensor: number): boolean {
    const ring = c.ring ?? (c.ring = new DedupRing());
    if (!ring.seenByOther(isOrig, p.flags, p.seq, p.ack, p.payloadLen, t, sensor, this.opts.dedupWindowUs)) return false;
    this.duplicates++;
    this.clock(c, isOrig, p.flags, p.payloadLen, t, sensor);
    return true;
  }

  /** Timing marks from `sensor`'s own copy of a segment (sensors.ts). */
  private clock(c: Conn, isOrig: boolean, flags: number, len: number, t: number, sensor: number): void {
    c.sensorMask |= sensorBit(sensor);
    if (sensor !== c.sensor0) {
      const list = c.otherClocks ?? (c.otherClocks = []);
      let h = list.find((x) => x.sensor === sensor);
      if (h === undefined) list.push((h = new SensorClock(sensor)));
      clockPacket(h, isOrig, flags, t);
      return;
    }
    clockPacket(c, isOrig, flags, t);
    if (t > c.lastUs0) c.lastUs0 = t;
    const ep = isOrig ? c.orig : c.resp;
    if (len > 0 && ep.firstDataUs < 0 && (flags & TcpFlag.RST) === 0) ep.firstDataUs = t;
    if ((flags & TcpFlag.FIN) !== 0 && ep.firstFinUs < 0) ep.firstFinUs = t;
  }

  /** SYN/SYN-ACK reversal (Zeek's FlipRoles): the SYN's sender becomes the originator. */
  private flip(c: Conn, t: number): void {
    c.flipPending = false;
    [c.orig, c.resp] = [c.resp, c.orig];
    const w = this.table.words;
    const b = c.slot * 8;
    for (let i = 0; i < 4; i++) {
      const x = w[b + i] ?? 0;
      w[b + i] = w[b + 4 + i] ?? 0;
      w[b + 4 + i] = x;
    }
    this.table.swapPorts(c);
    const swap = (s: number): SideBitValue => (((s & 1) << 1) | ((s & 2) >> 1)) as SideBitValue;
    c.firstFinSide = swap(c.firstFinSide);
    c.firstRstSide = swap(c.firstRstSide);
    c.rstSides = swap(c.rstSides);
    c.finRstSides = swap(c.finRstSides);
    // The SYN-ACK came first: no SYN→SYN-ACK interval; the handshake runs from this SYN.
    c.synAckUs = c.startUs;
    c.synToSynAckUs = -1;
    c.lastSynUs = t;
  }

  advance(nowUs: number): void {
    for (let c = this.timeouts.nextExpired(nowUs); c !== null; c = this.timeouts.nextExpired(nowUs)) {
      this.finish(c, 'expired');
    }
  }

  flush(): void {
    const live = this.table.conns.filter((c): c is Conn => c !== undefined);
    live.sort((a, b) => a.startUs - b.startUs || a.slot - b.slot);
    for (const c of live) this.finish(c, 'flush');
  }

  /** Moves c to the expiry list its state calls for (timeouts.ts). */
  private reschedule(c: Conn, t: number): void {
    if (c.lingerSinceUs >= 0) {
      const cls = c.lingerReset ? TimeoutClass.LINGER_RESET : TimeoutClass.LINGER_CLOSE;
      this.timeouts.place(c, cls, c.lingerSinceUs);
      return;
    }
    const os = c.orig.state;
    const attempt = (os === S.SYN_SENT || os === S.SYN_ACK_SENT) && c.resp.state === S.INACTIVE;
    this.timeouts.place(c, attempt ? TimeoutClass.ATTEMPT : TimeoutClass.ACTIVE, t);
  }

  /**
   * Who is the originator of a new connection (Zeek's WantConnection): the sender of a SYN;
   * otherwise (SYN-ACK or mid-stream) the sender, unless Zeek's port heuristic says the sender
   * is the server: its port is a likely server port and the other is not, or both are, the
   * packet is not a SYN-ACK and the sender's port is the lower. A flip starts history with '^'.
   */
  private flipsRoles(flags: number, srcPort: number, dstPort: number): boolean {
    const synAck = flags & (TcpFlag.SYN | TcpFlag.ACK);
    if (synAck === TcpFlag.SYN) return false;
    const sp = this.opts.serverPorts;
    if (sp[srcPort] !== 1) return false;
    // Both plausible servers: flip only a non-SYN packet from the lower port (Zeek's WantConnection).
    return sp[dstPort] !== 1 || ((flags & TcpFlag.SYN) === 0 && srcPort < dstPort);
  }

  private open(hash: number, p: TcpPacket, flip: boolean, t: number, sensor: number): Conn {
    const slot = this.table.allocSlot();
    const w = this.table.words;
    const key = this.key;
    const b = slot * 8;
    const [o, r] = flip ? [4, 0] : [0, 4];
    for (let i = 0; i < 4; i++) {
      w[b + i] = key[o + i] ?? 0;
      w[b + 4 + i] = key[r + i] ?? 0;
    }
    const c = flip
      ? new Conn(slot, hash, p.ipVersion, p.dstPort, p.srcPort, t)
      : new Conn(slot, hash, p.ipVersion, p.srcPort, p.dstPort, t);
    c.firstSeq = flip ? ((p.flags & TcpFlag.ACK) !== 0 ? (p.ack - 1) >>> 0 : 0) : p.seq;
    if ((p.flags & TcpFlag.SYN) === 0) c.handshakeDone = true; // picked up mid-stream
    if (flip) flipped(c);
    c.sensor0 = sensor;
    c.sensorMask = sensorBit(sensor);
    this.table.insert(c);
    this.opened++;
    return c;
  }

  /** Zeek's TCPSessionAdapter::IsReuse, for a packet with SYN. */
  private isReuse(c: Conn, flags: number, seq: number, t: number): boolean {
    const { orig, resp } = c;
    let connOrig = orig;
    if ((flags & TcpFlag.ACK) !== 0) {
      if (orig.state !== S.INACTIVE) return false; // not a half connection
      connOrig = resp;
    }
    const anyReset = orig.state === S.RESET || resp.state === S.RESET;
    if (!orig.didClose && !resp.didClose) {
      if (seq === connOrig.startSeq) return false;
      if (
        (flags & TcpFlag.ACK) === 0 && connOrig.state === S.SYN_ACK_SENT &&
        resp.state === S.INACTIVE && seq === resp.startSeq
      ) {
        return false; // SYN and SYN-ACK seen in reverse order
      }
      this.weirds.add(connOrig.state === S.SYN_SENT ? 'SYN_seq_jump' : 'active_connection_reuse');
    } else if (
      ((orig.state !== S.INACTIVE && !orig.didClose) || (resp.state !== S.INACTIVE && !resp.didClose)) &&
      !anyReset
    ) {
      this.weirds.add('active_connection_reuse');
    } else if (t - c.zeekLastUs < this.opts.connectionLingerUs && !anyReset) {
      this.weirds.add('premature_connection_reuse');
    }
    return true;
  }

  private finish(c: Conn, reason: EmitReason): void {
    const record = buildRecord(c, this.table.words, this.sensorNames, reason);
    this.timeouts.remove(c);
    this.table.remove(c);
    this.emitted++;
    this.emit(record);
  }
}

/** The 16 address bytes as four big-endian 32-bit words. */
function readWords(a: Uint8Array, out: Int32Array, at: number): void {
  for (let i = 0; i < 4; i++) {
    const j = i * 4;
    out[at + i] = ((a[j] ?? 0) << 24) | ((a[j + 1] ?? 0) << 16) | ((a[j + 2] ?? 0) << 8) | (a[j + 3] ?? 0);
  }
}
