// Pure parsers of the capture tooling: tcpdump's statistics, the capture filter, tshark's
// decimal seconds. Expected values are worked out by hand from the input strings.
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { captureFilter, parseTcpdumpStats, tcpdumpArgs } from './loopback-capture.js';
import { parseDecimalNs, parseDecimalUs } from './tshark-streams.js';

test('tcpdump statistics are read from its closing lines', () => {
  const stderr = [
    'tcpdump: listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes',
    '1000000 packets captured',
    '2000010 packets received by filter',
    '7 packets dropped by kernel',
  ].join('\n');
  assert.deepEqual(parseTcpdumpStats(stderr, 'f.pcap'), {
    file: 'f.pcap', packets: 1_000_000, receivedByFilter: 2_000_010, droppedByKernel: 7,
  });
  assert.deepEqual(parseTcpdumpStats('1 packet captured\n1 packet received by filter\n0 packets dropped by kernel', 'x').packets, 1);
  assert.throws(() => parseTcpdumpStats('tcpdump: lo: No such device exists', 'x'), /captured/);
});

test('the capture filter names every port once and refuses an empty list', () => {
  assert.equal(captureFilter([80, 8080, 80]), 'tcp and (port 80 or port 8080)');
  assert.throws(() => captureFilter([]), /must not be empty/);
  assert.throws(() => captureFilter([70000]), /bad port/);
  const args = tcpdumpArgs({ ports: [1], file: 'o.pcap', snaplen: 128, maxPackets: 10 });
  assert.deepEqual(args, ['-i', 'lo', '-n', '-U', '-w', 'o.pcap', '-s', '128', '--immediate-mode', '-B', '32768', '-c', '10', 'tcp and (port 1)']);
});

test('decimal seconds are parsed without float rounding', () => {
  assert.equal(parseDecimalUs('0.000123000'), 123);
  assert.equal(parseDecimalNs('0.000123000'), 123_000);
  assert.equal(parseDecimalNs('0.000000001'), 1);
  assert.equal(parseDecimalUs('1.5'), 1_500_000);
  assert.equal(parseDecimalUs('12'), 12_000_000);
  // 0.1 + 0.2 style rounding would show here: 1700000000.000003 as a float is ...002.9999
  assert.equal(parseDecimalUs('1700000000.000003000'), 1_700_000_000_000_003);
  assert.throws(() => parseDecimalUs('-1'), /not a decimal/);
  assert.throws(() => parseDecimalUs(''), /not a decimal/);
});
