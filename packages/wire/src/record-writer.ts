import type { TcpPacket } from '@tcplens/packet';
import { WireError } from './errors.js';
import { R } from './layout.js';

// Range checks are integer compares on values already read: cheaper than the DataView writes and
// they turn a silent wrap-around (setUint16(70000) stores 4464) into an error naming the field.
function bad(field: string, value: number, type: string): never {
  throw new WireError('TCPLENS_ERR_WIRE_FIELD_RANGE', `${field} = ${value} does not fit the wire field (${type})`);
}
function u32(v: number, field: string): number {
  if (v >>> 0 !== v) bad(field, v, 'u32');
  return v;
}
function u16(v: number, field: string): number {
  if ((v & 0xffff) !== v) bad(field, v, 'u16');
  return v;
}
function u8(v: number, field: string): number {
  if ((v & 0xff) !== v) bad(field, v, 'u8');
  return v;
}

/** Writes one record at `off`. Throws WireError (FIELD_RANGE) before changing the count. */
export function writeRecord(bytes: Uint8Array, view: DataView, off: number, p: TcpPacket): void {
  const src = p.src;
  const dst = p.dst;
  if (src.length !== 16) bad('src.length', src.length, '16 bytes');
  if (dst.length !== 16) bad('dst.length', dst.length, '16 bytes');
  const v = p.ipVersion;
  if (v !== 4 && v !== 6) bad('ipVersion', v, '4 or 6');
  const nsec = p.tsNsec;
  if (nsec >>> 0 !== nsec || nsec > 999_999_999) bad('tsNsec', nsec, '0..999999999');

  view.setUint32(off + R.TS_SEC, u32(p.tsSec, 'tsSec'), true);
  view.setUint32(off + R.TS_NSEC, nsec, true);
  bytes.set(src, off + R.SRC);
  bytes.set(dst, off + R.DST);
  view.setUint16(off + R.SRC_PORT, u16(p.srcPort, 'srcPort'), true);
  view.setUint16(off + R.DST_PORT, u16(p.dstPort, 'dstPort'), true);
  view.setUint32(off + R.SEQ, u32(p.seq, 'seq'), true);
  view.setUint32(off + R.ACK, u32(p.ack, 'ack'), true);
  view.setUint32(off + R.TS_VAL, u32(p.tsVal, 'tsVal'), true);
  view.setUint32(off + R.TS_ECR, u32(p.tsEcr, 'tsEcr'), true);
  view.setUint32(off + R.IP_LEN, u32(p.ipLen, 'ipLen'), true);
  view.setUint16(off + R.PAYLOAD_LEN, u16(p.payloadLen, 'payloadLen'), true);
  view.setUint16(off + R.FLAGS, u16(p.flags, 'flags'), true);
  view.setUint16(off + R.WINDOW, u16(p.window, 'window'), true);
  view.setUint16(off + R.URGENT, u16(p.urgent, 'urgent'), true);
  view.setUint16(off + R.MSS, u16(p.mss, 'mss'), true);
  bytes[off + R.IP_VERSION] = v;
  bytes[off + R.TCP_HEADER_LEN] = u8(p.tcpHeaderLen, 'tcpHeaderLen');
  bytes[off + R.TTL] = u8(p.ttl, 'ttl');
  bytes[off + R.OPTIONS] = u8(p.options, 'options');
  bytes[off + R.WSCALE] = u8(p.wscale, 'wscale');
  bytes[off + R.SACK_BLOCKS] = u8(p.sackBlocks, 'sackBlocks');
}
