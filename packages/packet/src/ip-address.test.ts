import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { formatAddress, writeMappedIpv4 } from './ip-address.js';

const v6 = (s: string): Uint8Array => {
  // Test-only parser for fully written addresses "x:x:x:x:x:x:x:x".
  const out = new Uint8Array(16);
  s.split(':').forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
};

describe('formatAddress', () => {
  it('IPv4-mapped as a dotted quad', () => {
    const a = new Uint8Array(16);
    writeMappedIpv4(a, Uint8Array.from([10, 0, 255, 1]), 0);
    assert.equal(formatAddress(a), '10.0.255.1');
  });

  it('RFC 5952 text for IPv6', () => {
    const cases: Array<[string, string]> = [
      ['2001:db8:0:0:0:0:0:1', '2001:db8::1'],
      ['0:0:0:0:0:0:0:1', '::1'],
      ['0:0:0:0:0:0:0:0', '::'],
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed
      ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longest run
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // the first of equal runs
      ['fe80:0:0:0:abcd:ef:1:0', 'fe80::abcd:ef:1:0'],
      ['1:0:0:0:0:0:0:0', '1::'],
      ['0:0:0:0:ffff:0:0:0', '::ffff:0:0:0'], // ffff in the wrong group: not IPv4-mapped
      ['0:0:0:0:0:0:a00:1', '::a00:1'], // IPv4-compatible stays IPv6 text
    ];
    for (const [full, text] of cases) assert.equal(formatAddress(v6(full)), text, full);
  });
});
