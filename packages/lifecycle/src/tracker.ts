/**
 * ConnectionTracker: the connection table and its expiry, driven by packet time only.
 *
 *   process(p, s)  applies one packet seen by sensor s (creating, expiring or replacing its
 *                  connection first; a copy another sensor already delivered only adds s)
 *   sensorIndex(n) interns a sensor name (the sensorId option is sensor 0)
 *   advance(nowUs) emits every connection whose timeout or linger ended at or before nowUs (and,
 *                  with emitClosedAfterUs, every closed one quiet that long, ahead of its linger)
 *   flush()        emits every connection still in the table (end of input)
 *   position       a number the caller sets before process() (say, the offset of the input
 *                  message carrying the packet); each connection remembers the position of its
 *                  first and of its last packet; `emit` receives both with the record, and
 *                  `onRelease` (optional) with every connection leaving the table (an early-
 *                  emitted one may leave without another emit). Never interpreted here: it lets
 *                  a caller find input positions from which a re-read rebuilds every open
 *                  connection whole.
 *
 * Records are handed to `emit` synchronously. Whether a packet belongs to an expired connection
 * is decided from the packets themselves, so the records do not depend on how often the caller
 * calls advance(); only the moment they are emitted does.
 */
import { TcpFlag, type TcpPacket } from '@tcplens/packet';
import { CB, EB, TimeoutClass } from './conn.js';
import { clockPacket, clockPacket0, DedupRings, MultiSide, SensorClock } from './sensors.js';
import { ConnTable } from './conn-table.js';
import { EarlyEmitQueue } from './early-emit.js';
import { fastPath, fastSegment, fastSynAck, NOT_TAKEN, SLOW_BITS, SOLO_SLOW_BITS, TAKEN_LINGER } from './fast-path.js';
import { EndpointState as S, didClose, epState } from './endpoint.js';
import { flipped } from './history.js';
import { resolveOptions, type ResolvedOptions, type TrackerOptions } from './options.js';
import { applyPacket, linger } from './packet-step.js';
import { buildRecord, type EmitReason } from './record-builder.js';
import type { ConnectionRecord } from './record.js';
import { Col, Store } from './store.js';
import { TimeoutLists } from './timeouts.js';
import { Weirds } from './weirds.js';

export interface TrackerStats {
  packets: number;
  /** Copies of a segment already delivered by another sensor (not counted again). */
  duplicatePackets: number;
  connectionsOpened: number;
  /** Connections whose record was emitted (once each, however many times it was emitted). */
  connectionsEmitted: number;
  /** Records emitted early (emitClosedAfterUs) while their connection lingered. */
  earlyEmitted: number;
  /** Early-emitted connections whose record changed afterwards and was emitted again. */
  reemitted: number;
  /** Anomalies by Zeek weird name. */
  weirds: Record<string, number>;
}

export class ConnectionTracker {
  private readonly opts: ResolvedOptions;
  private readonly st = new Store();
  private readonly table = new ConnTable(this.st);
  private readonly addresses = (s: number, out: Int32Array): void => this.table.addresses(s, out);
  private readonly timeouts: TimeoutLists;
  private readonly weirds = new Weirds();
  private readonly key = new Int32Array(8);
  /** The current packet's time (µs), for the fast path (fast-path.ts). */
  private readonly now = new Float64Array(1);
  private packets = 0;
  private duplicates = 0;
  private multiSensor = false;
  private readonly sensorNames: string[] = [];
  private readonly sensorIds = new Map<string, number>();
  private opened = 0;
  private emitted = 0;
  private readonly early = new EarlyEmitQueue();
  /** Cross-sensor duplicate detection (multi-sensor mode): the last segments of every connection. */
  private readonly rings = new DedupRings();
  private earlyEmitted = 0;
  private reemitted = 0;
  /** See the file comment; firstPos/lastPos are indexed by slot. */
  position = 0;
  private firstPos = new Float64Array(1024);
  private lastPos = new Float64Array(1024);
  /** Called for every connection leaving the table, after its last emit (if any); see the file comment. */
  onRelease: ((firstPosition: number, lastPosition: number) => void) | null = null;

  constructor(
    opts: TrackerOptions,
    private readonly emit: (r: ConnectionRecord, firstPosition: number, lastPosition: number) => void,
  ) {
    this.opts = resolveOptions(opts);
    const o = this.opts;
    this.sensorIndex(o.sensorId);
    this.multiSensor = o.multiSensor;
    this.timeouts = new TimeoutLists(this.st, o.attemptTimeoutUs, o.inactivityTimeoutUs, o.closeLingerUs, o.resetLingerUs);
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
      earlyEmitted: this.earlyEmitted,
      reemitted: this.reemitted,
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
    this.now[0] = t;
    const key = this.key;
    readWords(p.src, key, 0);
    readWords(p.dst, key, 4);
    const srcPort = p.srcPort;
    const dstPort = p.dstPort;
    const flags = p.flags;
    const hash = ConnTable.hashKey(key, srcPort, dstPort);
    let s = this.table.find(hash, key, srcPort, dstPort);
    let isOrig = this.table.foundIsOrig;
    if (sensor !== 0 && !this.multiSensor) this.multiSensor = true;
    // The common segment (data/ACK/FIN, in order, both sides established) and the first SYN-ACK
    // in one pass (fast-path.ts). With several sensors only on a connection that no other sensor
    // has delivered a packet of yet; its segment then goes into the dedup ring, as duplicate()
    // would do, so a later copy from another sensor is still recognised.
    if (s >= 0 && fastPath.enabled) {
      const multi = this.multiSensor;
      const slowBits = !multi ? SLOW_BITS : this.rings.isSolo(s, sensor) ? SOLO_SLOW_BITS : -1;
      if (slowBits !== -1) {
        if ((flags & ~(TcpFlag.PSH | TcpFlag.FIN)) === TcpFlag.ACK) {
          const done = fastSegment(this.st, this.timeouts, s, isOrig, p, this.now, slowBits);
          if (done !== NOT_TAKEN) {
            if (multi) this.rings.remember(s, isOrig, flags, p.seq, p.ack, p.payloadLen, t, sensor);
            const quiet = this.opts.emitClosedAfterUs;
            if (done === TAKEN_LINGER && quiet >= 0) this.early.push(s, t + quiet);
            this.lastPos[s] = this.position;
            return;
          }
        } else if (!isOrig && flags === (TcpFlag.SYN | TcpFlag.ACK) && fastSynAck(this.st, this.timeouts, s, p, this.now, slowBits) !== NOT_TAKEN) {
          if (multi) this.rings.remember(s, isOrig, flags, p.seq, p.ack, p.payloadLen, t, sensor);
          this.lastPos[s] = this.position;
          return;
        }
      }
    }
    if (s >= 0) {
      if (this.multiSensor && this.duplicate(s, isOrig, p, t, sensor)) {
        this.lastPos[s] = this.position;
        return;
      }
      if (this.timeouts.deadline(s) <= t) {
        this.finish(s, 'expired');
        s = -1;
      } else if ((flags & TcpFlag.SYN) !== 0 && this.isReuse(s, flags, p.seq, t)) {
        this.finish(s, 'reused');
        s = -1;
      } else if ((this.st.bits[s]! & CB.EARLY_EMITTED) !== 0) {
        this.st.bits[s]! |= CB.CHANGED_AFTER_EARLY;
      }
    }
    const lingering = s >= 0 && (this.st.bits[s]! & CB.LINGER) !== 0;
    if (s < 0) {
      const flip = this.flipsRoles(flags, srcPort, dstPort);
      isOrig = !flip;
      s = this.open(hash, p, flip, t, sensor);
      if (this.multiSensor) {
        this.rings.open(s, sensor);
        this.rings.remember(s, isOrig, flags, p.seq, p.ack, p.payloadLen, t, sensor);
      }
    } else if (sensor !== this.sensor0(s)) {
      // Another sensor's packet may advance lastUs: the first sensor's clock keeps its own.
      const m = this.side(s, 0);
      if (m.lastUs0 < 0) m.lastUs0 = this.st.getT(this.st.lastUs, Col.LAST, s, s);
    }
    applyPacket(this.st, s, isOrig, t, flags, p.seq, p.ack, p.payloadLen, p.window, p.ipLen, this.opts, this.weirds);
    if ((this.st.bits[s]! & CB.HAS_MULTI) === 0) clockFirstSensor(this.st, s, isOrig, flags, p.payloadLen, t);
    else this.clock(s, isOrig, flags, p.payloadLen, t, sensor);
    const bits = this.st.bits[s]!;
    if ((bits & CB.FLIP_PENDING) !== 0) this.flip(s, t);
    this.reschedule(s, t);
    const quiet = this.opts.emitClosedAfterUs;
    if (quiet >= 0 && !lingering && (this.st.bits[s]! & CB.LINGER) !== 0) this.early.push(s, t + quiet);
    this.lastPos[s] = this.position;
  }

  /** The multi-sensor side data of slot s, created (first sensor `sensor0`) on first use. */
  private side(s: number, sensor0: number): MultiSide {
    const st = this.st;
    let m = (st.bits[s]! & CB.HAS_MULTI) !== 0 ? st.multi.get(s) : undefined;
    if (m === undefined) {
      m = new MultiSide(sensor0);
      st.multi.set(s, m);
      st.bits[s]! |= CB.HAS_MULTI;
    }
    return m;
  }

  private sensor0(s: number): number {
    if ((this.st.bits[s]! & CB.HAS_MULTI) === 0) return 0;
    return this.st.multi.get(s)?.sensor0 ?? 0;
  }

  /**
   * With several sensors: true when another sensor already delivered this segment (it then only
   * adds the sensor and its clock); otherwise remembers the segment.
   */
  private duplicate(s: number, isOrig: boolean, p: TcpPacket, t: number, sensor: number): boolean {
    if (!this.rings.seenByOther(s, isOrig, p.flags, p.seq, p.ack, p.payloadLen, t, sensor, this.opts.dedupWindowUs)) return false;
    this.side(s, 0); // the other sensor's clock goes there (sensor 0 unless it was opened by another)
    this.duplicates++;
    if ((this.st.bits[s]! & CB.EARLY_EMITTED) !== 0) this.st.bits[s]! |= CB.CHANGED_AFTER_EARLY;
    this.clock(s, isOrig, p.flags, p.payloadLen, t, sensor);
    return true;
  }

  /** Timing marks from `sensor`'s own copy of a segment (sensors.ts). */
  private clock(s: number, isOrig: boolean, flags: number, len: number, t: number, sensor: number): void {
    const st = this.st;
    const m = (st.bits[s]! & CB.HAS_MULTI) !== 0 ? st.multi.get(s) : undefined;
    if (m !== undefined && sensor !== m.sensor0) {
      const list = m.clocks ?? (m.clocks = []);
      let h = list.find((x) => x.sensor === sensor);
      if (h === undefined) list.push((h = new SensorClock(sensor)));
      clockPacket(h, isOrig, flags, t);
      return;
    }
    if (m !== undefined) {
      if (m.lastUs0 >= 0) {
        if (t > m.lastUs0) m.lastUs0 = t;
      } else {
        const last = st.getT(st.lastUs, Col.LAST, s, s);
        if (t > last) m.lastUs0 = t; // a copy later than anything applied
      }
    }
    clockFirstSensor(st, s, isOrig, flags, len, t);
  }

  /** SYN/SYN-ACK reversal (Zeek's FlipRoles): the SYN's sender becomes the originator. */
  private flip(s: number, t: number): void {
    const st = this.st;
    st.bits[s]! &= ~CB.FLIP_PENDING;
    st.swapEndpoints(s);
    this.table.swapRoles(s);
    const swap = (x: number): number => ((x & 1) << 1) | ((x & 2) >> 1);
    const sd = st.sides[s]!;
    st.sides[s] = swap(sd & 3) | (swap((sd >> 2) & 3) << 2) | (swap((sd >> 4) & 3) << 4) | (swap((sd >> 6) & 3) << 6);
    // The SYN-ACK came first: no SYN→SYN-ACK interval; the handshake runs from this SYN.
    st.setT(st.synAckUs, Col.SYN_ACK, s, s, st.startUs[s]!);
    st.setT(st.synAnsweredUs, Col.SYN_ANSWERED, s, s, -1);
    st.setT(st.lastSynUs, Col.LAST_SYN, s, s, t);
  }

  advance(nowUs: number): void {
    for (let s = this.timeouts.nextExpired(nowUs); s >= 0; s = this.timeouts.nextExpired(nowUs)) {
      this.finish(s, 'expired');
    }
    const quiet = this.opts.emitClosedAfterUs;
    if (quiet < 0) return;
    const st = this.st;
    for (let s = this.early.popDue(nowUs); s >= 0; s = this.early.popDue(nowUs)) {
      const bits = st.bits[s]!;
      if ((bits & CB.LINGER) === 0 || (bits & CB.EARLY_EMITTED) !== 0) continue; // released or done
      const quietFrom = st.getT(st.lastUs, Col.LAST, s, s);
      if (quietFrom + quiet > nowUs) {
        this.early.push(s, quietFrom + quiet); // packets arrived since: look again later
        continue;
      }
      st.bits[s] = bits | CB.EARLY_EMITTED;
      this.earlyEmitted++;
      this.emitted++;
      this.emit(buildRecord(st, s, this.addresses, this.sensorNames, 'expired'), this.firstPos[s]!, this.lastPos[s]!);
    }
  }

  flush(): void {
    for (const s of byStart(this.st, this.table.slots())) this.finish(s, 'flush');
  }

  /** Moves slot s to the expiry list its state calls for (timeouts.ts). */
  private reschedule(s: number, t: number): void {
    const st = this.st;
    const bits = st.bits[s]!;
    if ((bits & CB.LINGER) !== 0) {
      const cls = (bits & CB.LINGER_RESET) !== 0 ? TimeoutClass.LINGER_RESET : TimeoutClass.LINGER_CLOSE;
      this.timeouts.place(s, cls, linger.sinceUs);
      return;
    }
    const os = epState(st, 2 * s);
    const attempt = (os === S.SYN_SENT || os === S.SYN_ACK_SENT) && epState(st, 2 * s + 1) === S.INACTIVE;
    this.timeouts.place(s, attempt ? TimeoutClass.ATTEMPT : TimeoutClass.ACTIVE, t);
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

  private open(hash: number, p: TcpPacket, flip: boolean, t: number, sensor: number): number {
    const st = this.st;
    const s = st.alloc(t);
    this.table.insert(s, hash, this.key, p.srcPort, p.dstPort, flip);
    if (p.ipVersion === 6) st.bits[s]! |= CB.IPV6;
    st.firstSeq[s] = flip ? ((p.flags & TcpFlag.ACK) !== 0 ? (p.ack - 1) >>> 0 : 0) : p.seq;
    if ((p.flags & TcpFlag.SYN) === 0) st.bits[s]! |= CB.HANDSHAKE_DONE; // picked up mid-stream
    if (flip) flipped(st, s);
    if (sensor !== 0) this.side(s, sensor);
    if (s >= this.firstPos.length) {
      const n = Math.max(s + 1, this.firstPos.length * 2);
      const f = new Float64Array(n);
      f.set(this.firstPos);
      this.firstPos = f;
      const l = new Float64Array(n);
      l.set(this.lastPos);
      this.lastPos = l;
    }
    this.firstPos[s] = this.position;
    this.opened++;
    return s;
  }

  /** Zeek's TCPSessionAdapter::IsReuse, for a packet with SYN. */
  private isReuse(s: number, flags: number, seq: number, t: number): boolean {
    const st = this.st;
    const o = 2 * s;
    const r = o + 1;
    const os = epState(st, o);
    const rs = epState(st, r);
    let connOrig = o;
    if ((flags & TcpFlag.ACK) !== 0) {
      if (os !== S.INACTIVE) return false; // not a half connection
      connOrig = r;
    }
    const anyReset = os === S.RESET || rs === S.RESET;
    const oClosed = didClose(st, o);
    const rClosed = didClose(st, r);
    if (!oClosed && !rClosed) {
      if (seq === st.startSeq[connOrig]) return false;
      const cs = epState(st, connOrig);
      if ((flags & TcpFlag.ACK) === 0 && cs === S.SYN_ACK_SENT && rs === S.INACTIVE && seq === st.startSeq[r]) {
        return false; // SYN and SYN-ACK seen in reverse order
      }
      this.weirds.add(cs === S.SYN_SENT ? 'SYN_seq_jump' : 'active_connection_reuse');
    } else if (((os !== S.INACTIVE && !oClosed) || (rs !== S.INACTIVE && !rClosed)) && !anyReset) {
      this.weirds.add('active_connection_reuse');
    } else if (t - st.getT(st.zeekLastUs, Col.ZEEK_LAST, s, s) < this.opts.connectionLingerUs && !anyReset) {
      this.weirds.add('premature_connection_reuse');
    }
    return true;
  }

  private finish(s: number, reason: EmitReason): void {
    const bits = this.st.bits[s]!;
    // Emitted early and unchanged since: that record is already this connection's final one.
    const again = (bits & CB.EARLY_EMITTED) === 0 || (bits & CB.CHANGED_AFTER_EARLY) !== 0;
    const record = again ? buildRecord(this.st, s, this.addresses, this.sensorNames, reason) : null;
    const first = this.firstPos[s]!;
    const last = this.lastPos[s]!;
    this.timeouts.remove(s);
    this.table.remove(s);
    this.st.release(s);
    this.rings.release(s);
    if (record !== null) {
      if ((bits & CB.EARLY_EMITTED) !== 0) this.reemitted++;
      else this.emitted++;
      this.emit(record, first, last);
    }
    this.onRelease?.(first, last);
  }
}

/**
 * The first sensor's marks of one packet: handshake clock (sensors.ts), first payload per side,
 * first FIN of either side. m.lastUs0 (several sensors) is kept by the caller.
 */
function clockFirstSensor(st: Store, s: number, isOrig: boolean, flags: number, len: number, t: number): void {
  clockPacket0(st, s, isOrig, flags, t);
  const e = isOrig ? 2 * s : 2 * s + 1;
  if (len > 0 && (flags & TcpFlag.RST) === 0 && st.firstDataUs[e] === 0xffffffff) {
    st.setT(st.firstDataUs, Col.FIRST_DATA, e, s, t);
  }
  if ((flags & TcpFlag.FIN) !== 0 && (st.eb[e]! & EB.FIN_CLOCKED) === 0) {
    // The earlier of the two sides' first FINs.
    st.eb[e]! |= EB.FIN_CLOCKED;
    const first = st.getT(st.firstFinUs, Col.FIRST_FIN, s, s);
    if (first < 0 || t < first) st.setT(st.firstFinUs, Col.FIRST_FIN, s, s, t);
  }
}

/**
 * Slots in order of first packet time, then slot number. When the times are whole µs over a
 * span that leaves room, (start − first start) × 2^k + slot is one exact double per slot and a
 * native Float64Array sort replaces a comparator sort (end of input with many open connections).
 */
function byStart(st: Store, live: number[]): readonly number[] {
  let min = Infinity;
  let max = -Infinity;
  let slotMax = 0;
  let whole = true;
  for (const s of live) {
    const t = st.startUs[s]!;
    if (t < min) min = t;
    if (t > max) max = t;
    if (s > slotMax) slotMax = s;
    if (!Number.isInteger(t)) whole = false;
  }
  const mul = 2 ** (32 - Math.clz32(slotMax));
  if (!whole || live.length < 2 || (max - min + 1) * mul > Number.MAX_SAFE_INTEGER) {
    return live.sort((a, b) => st.startUs[a]! - st.startUs[b]! || a - b);
  }
  const keys = new Float64Array(live.length);
  for (let i = 0; i < live.length; i++) {
    const s = live[i]!;
    keys[i] = (st.startUs[s]! - min) * mul + s;
  }
  keys.sort();
  for (let i = 0; i < keys.length; i++) live[i] = keys[i]! % mul;
  return live;
}

/** The 16 address bytes as four big-endian 32-bit words (a missing byte reads as 0). */
function readWords(a: Uint8Array, out: Int32Array, at: number): void {
  out[at] = (a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]!;
  out[at + 1] = (a[4]! << 24) | (a[5]! << 16) | (a[6]! << 8) | a[7]!;
  out[at + 2] = (a[8]! << 24) | (a[9]! << 16) | (a[10]! << 8) | a[11]!;
  out[at + 3] = (a[12]! << 24) | (a[13]! << 16) | (a[14]! << 8) | a[15]!;
}
