/**
 * The decoded view of one TCP segment: the contract between the packet decoder (producer), the wire
 * format (which stores exactly these fields) and the lifecycle engine (consumer).
 *
 * Implementations are reused cursors, not one object per packet: a consumer must copy whatever it
 * keeps (addresses especially) before asking for the next packet.
 */
export interface TcpPacket {
  /** Capture timestamp, seconds since the Unix epoch. */
  readonly tsSec: number;
  /** Nanoseconds within tsSec (0..999_999_999); µs captures have a multiple of 1000 here. */
  readonly tsNsec: number;
  readonly ipVersion: 4 | 6;
  /** 16 bytes; IPv4 addresses are IPv4-mapped (::ffff:a.b.c.d). Valid until the next packet. */
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  readonly srcPort: number;
  readonly dstPort: number;
  /** Unsigned 32-bit sequence and acknowledgement numbers. */
  readonly seq: number;
  readonly ack: number;
  /** Bitmask of TcpFlag values (all nine flags). */
  readonly flags: number;
  /** Raw advertised window, unscaled. */
  readonly window: number;
  readonly urgent: number;
  /** TCP payload length derived from the IP length on the wire (not the captured length). */
  readonly payloadLen: number;
  /** IP packet length on the wire: IPv4 total length, or IPv6 40 + payload length. */
  readonly ipLen: number;
  /** TCP header length in bytes (data offset × 4). */
  readonly tcpHeaderLen: number;
  /** IPv4 TTL or IPv6 hop limit. */
  readonly ttl: number;
  /** Bitmask of TcpOption values: which options were present. */
  readonly options: number;
  /** Values of the options present; 0 when absent. */
  readonly mss: number;
  readonly wscale: number;
  readonly tsVal: number;
  readonly tsEcr: number;
  /** Number of SACK blocks in the SACK option (0..4). */
  readonly sackBlocks: number;
}

/** TCP flag bits as they sit in the header (NS is bit 8, from the data-offset byte). */
export const TcpFlag = {
  FIN: 0x001,
  SYN: 0x002,
  RST: 0x004,
  PSH: 0x008,
  ACK: 0x010,
  URG: 0x020,
  ECE: 0x040,
  CWR: 0x080,
  NS: 0x100,
} as const;
export type TcpFlagName = keyof typeof TcpFlag;

/** Which TCP options a segment carried. */
export const TcpOption = {
  MSS: 0x01,
  WSCALE: 0x02,
  SACK_PERMITTED: 0x04,
  SACK: 0x08,
  TIMESTAMPS: 0x10,
  /** TCP Fast Open (kind 34, or experimental kind 254 with magic 0xF989). */
  TFO: 0x20,
} as const;
export type TcpOptionName = keyof typeof TcpOption;
