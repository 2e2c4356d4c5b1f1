import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseServer, parseSince } from './report-args.js';
import { StoreError } from './errors.js';

const code = (c: string) => (e: unknown) => e instanceof StoreError && e.code === c;

describe('parseSince', () => {
  it('turns durations into microseconds', () => {
    assert.equal(parseSince('90s'), 90_000_000);
    assert.equal(parseSince('15m'), 900_000_000);
    assert.equal(parseSince('2h'), 7_200_000_000);
    assert.equal(parseSince('7d'), 604_800_000_000);
    assert.equal(parseSince('1w'), 604_800_000_000);
    assert.equal(parseSince('1.5h'), 5_400_000_000);
  });
  it('rejects anything else', () => {
    for (const v of ['', '15', 'm', '-5m', '0m', '5 minutes', "1d' OR 1=1", '1e3s']) {
      assert.throws(() => parseSince(v), code('TCPLENS_ERR_BAD_SINCE'), v);
    }
  });
});

describe('parseServer', () => {
  it('accepts IPv4 and IPv6, with and without port; IPv4 becomes IPv4-mapped', () => {
    assert.deepEqual(parseServer('1.2.3.4'), { addr: '::ffff:1.2.3.4' });
    assert.deepEqual(parseServer('1.2.3.4:443'), { addr: '::ffff:1.2.3.4', port: 443 });
    assert.deepEqual(parseServer('2001:db8::1'), { addr: '2001:db8::1' });
    assert.deepEqual(parseServer('[2001:db8::1]'), { addr: '2001:db8::1' });
    assert.deepEqual(parseServer('[2001:db8::1]:0'), { addr: '2001:db8::1', port: 0 });
    assert.deepEqual(parseServer('[::ffff:1.2.3.4]:80'), { addr: '::ffff:1.2.3.4', port: 80 });
  });
  it('rejects bad addresses, ports, zone ids and quotes', () => {
    for (const v of ['', 'host.example:80', '1.2.3.4:65536', '1.2.3:80', '[1.2.3.4]:80', '2001:db8::1:443x', 'fe80::1%eth0', "1.2.3.4'", '[::1]:80 --', '1.2.3.4:']) {
      assert.throws(() => parseServer(v), code('TCPLENS_ERR_BAD_SERVER'), v);
    }
  });
});
