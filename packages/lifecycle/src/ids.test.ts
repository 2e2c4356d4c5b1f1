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
