/**
 * The record text caches (address text, inline history text) must return exactly the text they
 * would build: many distinct values through the small direct-mapped caches (collisions, reuse).
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { addrText } from './addr-text.js';
import { appendHistory, historyText } from './history.js';
import { Store } from './store.js';

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
}

test('IPv4 address text through the cache equals the dotted quad, for 20 000 addresses seen twice', () => {
  const next = rng(7);
  const addrs = Array.from({ length: 20_000 }, () => next() | 0);
  for (let round = 0; round < 2; round++) {
    for (const a of addrs) {
      const w = new Int32Array([0, 0, 0xffff, a]);
      const x = a >>> 0;
      assert.equal(addrText(w, 0, true), `${x >>> 24}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${x & 255}`);
    }
  }
});

test('IPv6 address text through the cache equals the WHATWG (RFC 5952) form, zero runs included', () => {
  const next = rng(11);
  const addrs: Int32Array[] = [];
  for (let i = 0; i < 3000; i++) {
    const w = new Int32Array(4);
    for (let k = 0; k < 4; k++) {
      const r = next();
      // Mostly zero halves, so runs of zero groups of every length and position occur.
      const hi = (r & 3) === 0 ? (r >>> 16) : 0;
      const lo = (r & 12) === 0 ? (r >>> 8) & 0xffff : 0;
      w[k] = (hi << 16) | lo;
    }
    addrs.push(w);
  }
  for (let round = 0; round < 2; round++) {
    for (const w of addrs) {
      const groups: string[] = [];
      for (let k = 0; k < 4; k++) groups.push(((w[k]! >>> 16) & 0xffff).toString(16), (w[k]! & 0xffff).toString(16));
      const want = new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
      assert.equal(addrText(w, 0, false), want, groups.join(':'));
    }
  }
});

test('history text through the cache equals the letters appended, for many histories seen twice', () => {
  const st = new Store(16);
  const letters = 'ShADadFfRrTtWwGgIiQq^';
  const next = rng(3);
  const histories = Array.from({ length: 5000 }, () => {
    const n = next() % 14; // 0..13: the inline row holds 11 letters, longer ones move to a map
    let h = '';
    for (let i = 0; i < n; i++) h += letters[next() % letters.length];
    return h;
  });
  for (let round = 0; round < 2; round++) {
    for (const h of histories) {
      const s = st.alloc(0);
      for (const ch of h) appendHistory(st, s, ch.charCodeAt(0));
      assert.equal(historyText(st, s), h);
      st.release(s);
    }
  }
});
