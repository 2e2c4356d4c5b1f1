import type { TcpPacket } from './tcp-packet.js';

/**
 * The decoder's reused cursor: one instance receives every packet. All fields are initialised in
 * the constructor so V8 keeps one hidden class for it.
 */
export class MutableTcpPacket implements TcpPacket {
  tsSec = 0;
  tsNsec = 0;
  ipVersion: 4 | 6 = 4;
  readonly src = new Uint8Array(16);
  readonly dst = new Uint8Array(16);
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  flags = 0;
  window = 0;
  urgent = 0;
  payloadLen = 0;
  ipLen = 0;
  tcpHeaderLen = 0;
  ttl = 0;
  options = 0;
  mss = 0;
  wscale = 0;
  tsVal = 0;
  tsEcr = 0;
  sackBlocks = 0;
}
