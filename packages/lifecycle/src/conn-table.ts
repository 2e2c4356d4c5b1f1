/**
 * The connection table: an open-addressing hash table (linear probing, backward-shift deletion)
 * of slot numbers with their hashes beside them, plus an address pool of 8 words per slot
 * (originator address, then responder address, each four big-endian 32-bit words) and a port pool
 * (originator port << 16 | responder port). A lookup hashes the packet's addresses and ports
 * symmetrically, so both directions land on the same chain, then compares typed-array words
 * only: no string key, no allocation, and no connection object touched until it matches.
 */
import type { Conn } from './conn.js';

const WORDS_PER_SLOT = 8;

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Hash of one (address, port) endpoint; `w` holds the address at `at`. */
function endpointHash(w: Int32Array, at: number, port: number): number {
  let h = port * 0x9e3779b1;
  h = mix(h ^ (w[at] ?? 0));
  h = mix(h ^ (w[at + 1] ?? 0));
  h = mix(h ^ (w[at + 2] ?? 0));
  return mix(h ^ (w[at + 3] ?? 0));
}

export class ConnTable {
  /** Address pool, WORDS_PER_SLOT per slot. */
  words = new Int32Array(WORDS_PER_SLOT * 1024);
  /** Ports per slot: originator port << 16 | responder port. */
  ports = new Int32Array(1024);
  readonly conns: (Conn | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private table = new Int32Array(2048);
  private hashes = new Int32Array(2048);
  private mask = 2047;
  size = 0;
  /** Set by find(): whether the packet's source is the connection's originator. */
  foundIsOrig = false;

  /** Symmetric hash of a packet's key: `key` holds source then destination address (8 words). */
  static hashKey(key: Int32Array, srcPort: number, dstPort: number): number {
    return (endpointHash(key, 0, srcPort) + endpointHash(key, 4, dstPort)) | 0;
  }

  find(hash: number, key: Int32Array, srcPort: number, dstPort: number): Conn | undefined {
    const w = this.words;
    const fwdPorts = (srcPort << 16) | dstPort;
    const revPorts = (dstPort << 16) | srcPort;
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) {
      const entry = this.table[i] ?? 0;
      if (entry === 0) return undefined;
      if (this.hashes[i] !== hash) continue;
      const slot = entry - 1;
      const b = slot * WORDS_PER_SLOT;
      const ports = this.ports[slot];
      if (
        ports === fwdPorts &&
        w[b] === key[0] && w[b + 1] === key[1] && w[b + 2] === key[2] && w[b + 3] === key[3] &&
        w[b + 4] === key[4] && w[b + 5] === key[5] && w[b + 6] === key[6] && w[b + 7] === key[7]
      ) {
        this.foundIsOrig = true;
        return this.conns[slot];
      }
      if (
        ports === revPorts &&
        w[b] === key[4] && w[b + 1] === key[5] && w[b + 2] === key[6] && w[b + 3] === key[7] &&
        w[b + 4] === key[0] && w[b + 5] === key[1] && w[b + 6] === key[2] && w[b + 7] === key[3]
      ) {
        this.foundIsOrig = false;
        return this.conns[slot];
      }
    }
  }

  /** A free slot whose address words the caller fills (originator first) before insert(). */
  allocSlot(): number {
    const s = this.freeSlots.pop();
    if (s !== undefined) return s;
    const slot = this.conns.length;
    this.conns.push(undefined);
    if ((slot + 1) * WORDS_PER_SLOT > this.words.length) {
      const grown = new Int32Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
      const ports = new Int32Array(this.ports.length * 2);
      ports.set(this.ports);
      this.ports = ports;
    }
    return slot;
  }

  insert(c: Conn): void {
    if ((this.size + 1) * 2 > this.table.length) this.grow();
    this.conns[c.slot] = c;
    this.ports[c.slot] = (c.origPort << 16) | c.respPort;
    this.place(c);
    this.size++;
  }

  /** After the roles of c were swapped (its address words already are). */
  swapPorts(c: Conn): void {
    const o = c.origPort;
    c.origPort = c.respPort;
    c.respPort = o;
    this.ports[c.slot] = (c.origPort << 16) | c.respPort;
  }

  remove(c: Conn): void {
    const t = this.table;
    const mask = this.mask;
    let i = c.hash & mask;
    while (t[i] !== c.slot + 1) {
      if (t[i] === 0) return; // not in the table
      i = (i + 1) & mask;
    }
    // Backward-shift deletion: pull later entries of the run into the hole when allowed.
    for (let j = (i + 1) & mask; t[j] !== 0; j = (j + 1) & mask) {
      const k = (this.hashes[j] ?? 0) & mask;
      const keep = i <= j ? i < k && k <= j : i < k || k <= j;
      if (!keep) {
        t[i] = t[j] ?? 0;
        this.hashes[i] = this.hashes[j] ?? 0;
        i = j;
      }
    }
    t[i] = 0;
    this.conns[c.slot] = undefined;
    this.freeSlots.push(c.slot);
    this.size--;
  }

  private place(c: Conn): void {
    let i = c.hash & this.mask;
    while (this.table[i] !== 0) i = (i + 1) & this.mask;
    this.table[i] = c.slot + 1;
    this.hashes[i] = c.hash;
  }

  private grow(): void {
    this.table = new Int32Array(this.table.length * 2);
    this.hashes = new Int32Array(this.table.length);
    this.mask = this.table.length - 1;
    for (const c of this.conns) if (c !== undefined) this.place(c);
  }
}
