/**
 * The on-disk spool: where wire batches wait while Kafka is unreachable or slower than the capture.
 * A directory of segment files, written and drained strictly in order (oldest segment first), so a
 * partition still receives a sensor's batches and watermarks in the order they were made.
 *
 * Segment file grammar (all u32 little-endian):
 *   segment => entry*
 *   entry   => key_len value_len packets key[key_len] value[value_len]
 *
 * Bounded by maxBytes. When an entry does not fit, the drop policy decides: 'newest' drops the
 * entry, 'oldest' deletes whole sealed segments from the oldest on (never the one being sent).
 * Every dropped entry's packet count is added to `droppedPackets`.
 * Segments left by an earlier run are picked up at start and drained first.
 *
 * File names are the segment's 12-digit number; order is name order. A new spool numbers from
 * FIRST_SEQ up, leaving room below for prepend(): entries that were older than everything spooled
 * (a send from memory that failed) go in front, under the number before the first segment's.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const DROP_POLICIES = ['oldest', 'newest'] as const;
export type DropPolicy = (typeof DROP_POLICIES)[number];

export interface SpoolEntry {
  key: Buffer;
  value: Buffer;
  /** TCP segments in value (0 for a watermark). */
  packets: number;
}

interface Segment {
  seq: number;
  path: string;
  bytes: number;
  packets: number;
  fd: number | null; // open for appending while active
  inFlight: boolean;
}

const ENTRY_HEADER = 12;
/** Numbers below this are for prepend(); a spool left with lower ones is renumbered at start. */
const FIRST_SEQ = 1_000_000_000;
const segName = (seq: number): string => `${String(seq).padStart(12, '0')}.seg`;

export class Spool {
  private readonly segments: Segment[] = [];
  private seq = FIRST_SEQ;
  bytes = 0;
  droppedPackets = 0;
  droppedEntries = 0;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
    readonly policy: DropPolicy,
    readonly segmentBytes = Math.max(64 * 1024, Math.min(8 * 1024 * 1024, Math.floor(maxBytes / 8))),
  ) {
    mkdirSync(dir, { recursive: true });
    let names = readdirSync(dir).filter((n) => /^\d{12}\.seg$/.test(n)).sort();
    if (names.length > 0 && Number(names[0]!.slice(0, 12)) < FIRST_SEQ / 2) {
      // No room in front (an older numbering): shift every segment up, the newest first.
      for (const name of [...names].reverse()) renameSync(join(dir, name), join(dir, segName(Number(name.slice(0, 12)) + FIRST_SEQ)));
      names = names.map((n) => segName(Number(n.slice(0, 12)) + FIRST_SEQ));
    }
    for (const name of names) {
      const path = join(dir, name);
      const seq = Number(name.slice(0, 12));
      const entries = readSegment(path);
      const size = statSync(path).size;
      this.segments.push({ seq, path, bytes: size, packets: entries.reduce((n, e) => n + e.packets, 0), fd: null, inFlight: false });
      this.bytes += size;
      this.seq = Math.max(this.seq, seq + 1);
    }
  }

  get empty(): boolean {
    return this.segments.length === 0;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** Appends an entry, or drops by policy when the spool is full. Returns false if this entry was dropped. */
  append(e: SpoolEntry): boolean {
    const size = ENTRY_HEADER + e.key.length + e.value.length;
    if (this.bytes + size > this.maxBytes) {
      if (this.policy === 'newest') return this.drop(e.packets);
      while (this.bytes + size > this.maxBytes) {
        const victim = this.segments.find((s) => !s.inFlight && s !== this.active());
        if (victim === undefined) return this.drop(e.packets); // nothing sealed to give up
        this.remove(victim);
        this.droppedPackets += victim.packets;
        this.droppedEntries++;
      }
    }
    this.appendUnbounded(e);
    return true;
  }

  private appendUnbounded(e: SpoolEntry): void {
    const size = ENTRY_HEADER + e.key.length + e.value.length;
    let seg = this.active();
    if (seg === undefined || seg.bytes + size > this.segmentBytes) {
      if (seg) this.seal(seg);
      const seq = this.seq++;
      const path = join(this.dir, segName(seq));
      seg = { seq, path, bytes: 0, packets: 0, fd: openSync(path, 'a'), inFlight: false };
      this.segments.push(seg);
    }
    const head = Buffer.allocUnsafe(ENTRY_HEADER);
    head.writeUInt32LE(e.key.length, 0);
    head.writeUInt32LE(e.value.length, 4);
    head.writeUInt32LE(e.packets, 8);
    writeSync(seg.fd!, head);
    writeSync(seg.fd!, e.key);
    writeSync(seg.fd!, e.value);
    seg.bytes += size;
    seg.packets += e.packets;
    this.bytes += size;
  }

  /**
   * Puts entries in front of everything spooled (they are older: taken from memory for a send that
   * failed). Not subject to maxBytes: they were already accepted, and are at most one send's worth.
   */
  prepend(entries: readonly SpoolEntry[]): void {
    if (entries.length === 0) return;
    const first = this.segments[0];
    if (first === undefined) {
      for (const e of entries) this.appendUnbounded(e);
      return;
    }
    const seq = first.seq - 1; // >= FIRST_SEQ - (number of prepends) > 0
    const path = join(this.dir, segName(seq));
    const buf = encodeEntries(entries);
    writeFileSync(path, buf);
    this.segments.unshift({ seq, path, bytes: buf.length, packets: entries.reduce((n, e) => n + e.packets, 0), fd: null, inFlight: false });
    this.bytes += buf.length;
  }

  /**
   * The oldest segment's entries, for sending; call done() once Kafka acknowledged them (the file is
   * then deleted), or done(n) when only the first n were (the segment keeps the rest). Until then the
   * segment counts as spooled, so newer entries keep queuing behind it.
   */
  takeOldest(): { entries: SpoolEntry[]; done(sent?: number): void } | undefined {
    const seg = this.segments[0];
    if (seg === undefined) return undefined;
    if (seg.fd !== null) this.seal(seg);
    seg.inFlight = true;
    const entries = readSegment(seg.path);
    return {
      entries,
      done: (sent = entries.length) => {
        seg.inFlight = false;
        if (!this.segments.includes(seg)) return; // dropped by policy meanwhile
        if (sent >= entries.length) return this.remove(seg);
        if (sent <= 0) return;
        // Keep the unsent rest (so a restart does not send the acknowledged part again).
        const rest = entries.slice(sent);
        const buf = encodeEntries(rest);
        writeFileSync(`${seg.path}.tmp`, buf);
        renameSync(`${seg.path}.tmp`, seg.path);
        this.bytes += buf.length - seg.bytes;
        seg.bytes = buf.length;
        seg.packets = rest.reduce((n, e) => n + e.packets, 0);
      },
    };
  }

  close(): void {
    for (const s of this.segments) if (s.fd !== null) this.seal(s);
  }

  private drop(packets: number): false {
    this.droppedPackets += packets;
    this.droppedEntries++;
    return false;
  }

  private active(): Segment | undefined {
    const last = this.segments[this.segments.length - 1];
    return last !== undefined && last.fd !== null ? last : undefined;
  }

  private seal(s: Segment): void {
    if (s.fd !== null) closeSync(s.fd);
    s.fd = null;
  }

  private remove(s: Segment): void {
    this.seal(s);
    unlinkSync(s.path);
    this.segments.splice(this.segments.indexOf(s), 1);
    this.bytes -= s.bytes;
  }
}

function encodeEntries(entries: readonly SpoolEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const head = Buffer.allocUnsafe(ENTRY_HEADER);
    head.writeUInt32LE(e.key.length, 0);
    head.writeUInt32LE(e.value.length, 4);
    head.writeUInt32LE(e.packets, 8);
    parts.push(head, e.key, e.value);
  }
  return Buffer.concat(parts);
}

function readSegment(path: string): SpoolEntry[] {
  const buf = readFileSync(path);
  const out: SpoolEntry[] = [];
  let o = 0;
  while (o + ENTRY_HEADER <= buf.length) {
    const kl = buf.readUInt32LE(o);
    const vl = buf.readUInt32LE(o + 4);
    const packets = buf.readUInt32LE(o + 8);
    const end = o + ENTRY_HEADER + kl + vl;
    if (end > buf.length) break; // torn write at a crash: the rest of the file is lost
    out.push({ key: buf.subarray(o + ENTRY_HEADER, o + ENTRY_HEADER + kl), value: buf.subarray(o + ENTRY_HEADER + kl, end), packets });
    o = end;
  }
  return out;
}
