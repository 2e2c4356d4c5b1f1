/**
 * The connection table: an open-addressing hash table (linear probing, backward-shift deletion)
 * of slot numbers, over the store's address and port columns (store.ts): two IPv4 words per slot
 * (originator, responder) when both addresses are IPv4-mapped, else eight words in the wide pool
 * (each address four big-endian 32-bit words), and the ports (originator << 16 | responder). A
 * lookup hashes the packet's addresses and ports symmetrically, so both directions land on the
 * same chain, then compares typed-array words only: no string key, no allocation.
 */
import { CB } from './conn.js';
import type { Store } from './store.js';

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Hash of one (address, port) endpoint; `w` holds the address at `at`. The words are multiplied
 * by distinct odd constants and folded before one finalizer: cheaper than a mix per word, and the
 * table only needs well-spread low bits, not a keyed hash.
 */
function endpointHash(w: Int32Array, at: number, port: number): number {
  const h = w[at]! ^ Math.imul(w[at + 1]!, 0x27d4eb2f) ^ Math.imul(w[at + 2]!, 0x165667b1) ^
    Math.imul(w[at + 3]!, 0x9e3779b1 | 0) ^ Math.imul(port, 0x85ebca77 | 0);
  return mix(h);
}

/** Whether both addresses of a key (source then destination, 8 words) are IPv4-mapped. */
export function isCompactKey(k: Int32Array): boolean {
  return k[0] === 0 && k[1] === 0 && k[2] === 0xffff && k[4] === 0 && k[5] === 0 && k[6] === 0xffff;
}

export class ConnTable {
  private table = new Int32Array(2048);
  private mask = 2047;
  size = 0;
  /** Set by find(): whether the packet's source is the connection's originator. */
  foundIsOrig = false;

  constructor(private readonly st: Store) {}

  /** Symmetric hash of a packet's key: `key` holds source then destination address (8 words). */
  static hashKey(key: Int32Array, srcPort: number, dstPort: number): number {
    return (endpointHash(key, 0, srcPort) + endpointHash(key, 4, dstPort)) | 0;
  }

  /** The slot of the connection with this key, or -1. */
  find(hash: number, key: Int32Array, srcPort: number, dstPort: number): number {
    const st = this.st;
    const fwdPorts = (srcPort << 16) | dstPort;
    const revPorts = (dstPort << 16) | srcPort;
    const compact = isCompactKey(key);
    const t = this.table;
    const mask = this.mask;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const entry = t[i]!;
      if (entry === 0) return -1;
      const slot = entry - 1;
      const ports = st.ports[slot]!;
      if ((ports !== fwdPorts && ports !== revPorts) || st.hash[slot] !== hash) continue;
      const wide = (st.bits[slot]! & CB.WIDE_ADDR) !== 0;
      if (wide === compact) continue;
      if (compact) {
        const a = st.addr4;
        const o = a[2 * slot];
        const r = a[2 * slot + 1];
        if (ports === fwdPorts && o === key[3] && r === key[7]) return this.found(slot, true);
        if (ports === revPorts && o === key[7] && r === key[3]) return this.found(slot, false);
        continue;
      }
      const w = st.addr6!;
      const b = slot * 8;
      if (
        ports === fwdPorts &&
        w[b] === key[0] && w[b + 1] === key[1] && w[b + 2] === key[2] && w[b + 3] === key[3] &&
        w[b + 4] === key[4] && w[b + 5] === key[5] && w[b + 6] === key[6] && w[b + 7] === key[7]
      ) {
        return this.found(slot, true);
      }
      if (
        ports === revPorts &&
        w[b] === key[4] && w[b + 1] === key[5] && w[b + 2] === key[6] && w[b + 3] === key[7] &&
        w[b + 4] === key[0] && w[b + 5] === key[1] && w[b + 6] === key[2] && w[b + 7] === key[3]
      ) {
        return this.found(slot, false);
      }
    }
  }

  private found(slot: number, isOrig: boolean): number {
    this.foundIsOrig = isOrig;
    return slot;
  }

  /**
   * Stores the key of a new connection in slot s (`key` source then destination; `flip`: the
   * destination is the originator), then inserts it.
   */
  insert(s: number, hash: number, key: Int32Array, srcPort: number, dstPort: number, flip: boolean): void {
    const st = this.st;
    const [o, r] = flip ? [4, 0] : [0, 4];
    if (isCompactKey(key)) {
      st.addr4[2 * s] = key[o + 3]!;
      st.addr4[2 * s + 1] = key[r + 3]!;
    } else {
      const w = st.addr6Pool();
      for (let i = 0; i < 4; i++) {
        w[s * 8 + i] = key[o + i]!;
        w[s * 8 + 4 + i] = key[r + i]!;
      }
      st.bits[s]! |= CB.WIDE_ADDR;
    }
    st.ports[s] = flip ? (dstPort << 16) | srcPort : (srcPort << 16) | dstPort;
    st.hash[s] = hash;
    if ((this.size + 1) * 2 > this.table.length) this.grow();
    this.place(s);
    this.size++;
  }

  /** Originator address into out[0..3], responder into out[4..7] (four words each). */
  addresses(s: number, out: Int32Array): void {
    const st = this.st;
    // Word by word: fill() and set(subarray()) are builtin calls (and an allocation) that cost
    // more than eight stores.
    if ((st.bits[s]! & CB.WIDE_ADDR) !== 0) {
      const w = st.addr6!;
      const b = s * 8;
      for (let i = 0; i < 8; i++) out[i] = w[b + i]!;
      return;
    }
    out[0] = out[1] = out[4] = out[5] = 0;
    out[2] = out[6] = 0xffff;
    out[3] = st.addr4[2 * s]!;
    out[7] = st.addr4[2 * s + 1]!;
  }

  /** Swaps originator and responder of slot s (addresses and ports; the hash is symmetric). */
  swapRoles(s: number): void {
    const st = this.st;
    if ((st.bits[s]! & CB.WIDE_ADDR) !== 0) {
      const w = st.addr6!;
      for (let i = s * 8; i < s * 8 + 4; i++) {
        const x = w[i]!;
        w[i] = w[i + 4]!;
        w[i + 4] = x;
      }
    } else {
      const x = st.addr4[2 * s]!;
      st.addr4[2 * s] = st.addr4[2 * s + 1]!;
      st.addr4[2 * s + 1] = x;
    }
    const p = st.ports[s]!;
    st.ports[s] = ((p & 0xffff) << 16) | (p >>> 16);
  }

  remove(s: number): void {
    const t = this.table;
    const mask = this.mask;
    const hashes = this.st.hash;
    let i = hashes[s]! & mask;
    while (t[i] !== s + 1) {
      if (t[i] === 0) return; // not in the table
      i = (i + 1) & mask;
    }
    // Backward-shift deletion: pull later entries of the run into the hole when allowed.
    for (let j = (i + 1) & mask; t[j] !== 0; j = (j + 1) & mask) {
      const k = hashes[t[j]! - 1]! & mask;
      const keep = i <= j ? i < k && k <= j : i < k || k <= j;
      if (!keep) {
        t[i] = t[j]!;
        i = j;
      }
    }
    t[i] = 0;
    this.size--;
  }

  /** Every slot in the table. */
  slots(): number[] {
    const out: number[] = [];
    for (const e of this.table) if (e !== 0) out.push(e - 1);
    return out;
  }

  private place(s: number): void {
    let i = this.st.hash[s]! & this.mask;
    while (this.table[i] !== 0) i = (i + 1) & this.mask;
    this.table[i] = s + 1;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    this.mask = this.table.length - 1;
    for (const e of old) if (e !== 0) this.place(e - 1);
  }
}
