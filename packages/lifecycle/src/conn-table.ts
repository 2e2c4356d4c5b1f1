/**
 * The connection table: an open-addressing hash table (linear probing, backward-shift deletion)
 * of slot numbers, plus an address pool of 8 words per slot (originator address, then responder
 * address, each four big-endian 32-bit words). A lookup hashes the packet's addresses and ports
 * symmetrically, so both directions land on the same chain, then compares words: no string key
 * and no allocation per packet.
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
  readonly conns: (Conn | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private table = new Int32Array(2048);
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
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) {
      const entry = this.table[i] ?? 0;
      if (entry === 0) return undefined;
      const c = this.conns[entry - 1];
      if (c === undefined || c.hash !== hash) continue;
      const b = c.slot * WORDS_PER_SLOT;
      if (
        c.origPort === srcPort && c.respPort === dstPort &&
        w[b] === key[0] && w[b + 1] === key[1] && w[b + 2] === key[2] && w[b + 3] === key[3] &&
        w[b + 4] === key[4] && w[b + 5] === key[5] && w[b + 6] === key[6] && w[b + 7] === key[7]
      ) {
        this.foundIsOrig = true;
        return c;
      }
      if (
        c.origPort === dstPort && c.respPort === srcPort &&
        w[b] === key[4] && w[b + 1] === key[5] && w[b + 2] === key[6] && w[b + 3] === key[7] &&
        w[b + 4] === key[0] && w[b + 5] === key[1] && w[b + 6] === key[2] && w[b + 7] === key[3]
      ) {
        this.foundIsOrig = false;
        return c;
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
    }
    return slot;
  }

  insert(c: Conn): void {
    if ((this.size + 1) * 2 > this.table.length) this.grow();
    this.conns[c.slot] = c;
    this.place(c);
    this.size++;
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
      const other = this.conns[(t[j] ?? 1) - 1];
      const k = (other?.hash ?? 0) & mask;
      const keep = i <= j ? i < k && k <= j : i < k || k <= j;
      if (!keep) {
        t[i] = t[j] ?? 0;
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
  }

  private grow(): void {
    this.table = new Int32Array(this.table.length * 2);
    this.mask = this.table.length - 1;
    for (const c of this.conns) if (c !== undefined) this.place(c);
  }
}
