import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { communityId, connectionUid } from './ids.js';
import { addrText } from './addr-text.js';
import { addrBytes } from './test-packets.js';

function words(...addrs: string[]): Int32Array {
  const w = new Int32Array(addrs.length * 4);
  addrs.forEach((a, k) => {
    const b = addrBytes(a);
    for (let i = 0; i < 4; i++) w[k * 4 + i] = ((b[4 * i] ?? 0) << 24) | ((b[4 * i + 1] ?? 0) << 16) | ((b[4 * i + 2] ?? 0) << 8) | (b[4 * i + 3] ?? 0);
  });
  return w;
}

// Vectors: the spec's baseline (TCP 128.232.110.120:34855 → 66.35.250.204:80) and values from the
// reference Python implementation (pip communityid), checked outside the repo.
test('community id: spec vector, both directions give the same id', () => {
  const w = words('128.232.110.120', '66.35.250.204');
  assert.equal(communityId(w, 0, 34855, 4, 80, true), '1:LQU9qZlK+B5F3KDmev6m5PMibrg=');
  assert.equal(communityId(w, 4, 80, 0, 34855, true), '1:LQU9qZlK+B5F3KDmev6m5PMibrg=');
});

test('community id: IPv6 (reference implementation)', () => {
  const w = words('fe80::200:86ff:fe05:80da', 'fe80::260:97ff:fe07:69ea');
  assert.equal(communityId(w, 0, 1, 4, 2, false), '1:JETlgBm4LXP5CwobPGu4IYZF5Hs=');
});

test('community id: 10.0.0.1:40000 → 10.0.0.2:443 (reference implementation)', () => {
  const w = words('10.0.0.1', '10.0.0.2');
  assert.equal(communityId(w, 0, 40000, 4, 443, true), '1:UWHKJ/x6OQ1YiVv4rIl0t3yhjg8=');
});

test('uid: deterministic, "C" + 17 base62, sensitive to every input', () => {
  const w = words('10.0.0.1', '10.0.0.2');
  const base = connectionUid(w, 0, 40000, 4, 80, 1000, 1_700_000_000_000_000);
  assert.match(base, /^C[0-9A-Za-z]{17}$/);
  assert.equal(connectionUid(w, 0, 40000, 4, 80, 1000, 1_700_000_000_000_000), base);
  assert.notEqual(connectionUid(w, 0, 40000, 4, 80, 1001, 1_700_000_000_000_000), base);
  assert.notEqual(connectionUid(w, 0, 40000, 4, 80, 1000, 1_700_000_000_000_001), base);
  assert.notEqual(connectionUid(w, 4, 80, 0, 40000, 1000, 1_700_000_000_000_000), base);
});

test('address text: IPv4 and RFC 5952 IPv6', () => {
  const cases: [string, boolean, string][] = [
    ['192.168.1.254', true, '192.168.1.254'],
    ['2001:db8:0:0:0:0:0:1', false, '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', false, '2001:db8::1:0:0:1'],
    ['2001:0:0:1:0:0:0:1', false, '2001:0:0:1::1'],
    ['0:0:0:0:0:0:0:0', false, '::'],
    ['fe80:0:0:0:0:0:0:0', false, 'fe80::'],
    ['2001:db8:1:2:3:4:5:6', false, '2001:db8:1:2:3:4:5:6'],
    ['2001:db8:0:1:2:3:4:5', false, '2001:db8:0:1:2:3:4:5'],
  ];
  for (const [input, v4, want] of cases) assert.equal(addrText(words(input), 0, v4), want, input);
});

/** The uid as first written (one hash after the other, digits by division): the reference. */
function referenceUid(w: ArrayLike<number>, oa: number, op: number, ra: number, rp: number, firstSeq: number, startUs: number): string {
  const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const mix = (h: number): number => {
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  };
  let out = 'C';
  for (let k = 0; k < 3; k++) {
    let h = mix(0x9e3779b9 * (k + 1));
    for (let i = 0; i < 4; i++) h = mix(h ^ (w[oa + i] ?? 0));
    for (let i = 0; i < 4; i++) h = mix(h ^ (w[ra + i] ?? 0));
    h = mix(h ^ ((op << 16) | rp));
    h = mix(h ^ firstSeq);
    h = mix(h ^ (startUs >>> 0));
    h = mix(h ^ Math.floor(startUs / 4294967296));
    for (let d = 0; d < (k === 2 ? 5 : 6); d++) {
      out += B62[h % 62];
      h = Math.floor(h / 62);
    }
  }
  return out;
}

test('uid: equal to the reference computation (IPv4-mapped and IPv6, every digit position)', () => {
  let x = 12345;
  const next = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const w = new Int32Array(8);
  for (let n = 0; n < 20000; n++) {
    const v6 = n % 3 === 0;
    for (let i = 0; i < 8; i++) w[i] = next() | 0;
    if (!v6) {
      w[0] = w[1] = w[4] = w[5] = 0;
      w[2] = w[6] = 0xffff;
    }
    const start = 1_700_000_000_000_000 + next() * 1000 + (next() & 1023);
    const args = [w, n & 1 ? 0 : 4, next() & 0xffff, n & 1 ? 4 : 0, next() & 0xffff, next(), start] as const;
    assert.equal(connectionUid(...args), referenceUid(...args));
  }
});
