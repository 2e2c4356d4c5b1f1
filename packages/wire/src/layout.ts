/**
 * The byte layout of wire format version 1, as offsets. docs/wire-format.md has the same tables with
 * the meaning of every field; change both together. All integers are little-endian.
 *
 * Batch = header (HEADER_SIZE bytes, or more in a compatible later header) + recordCount records of
 * recordSize bytes each. The CRC32 covers every byte after the checksum field to the end.
 */

export const WIRE_VERSION = 1;
/** The topic name carries the version: an incompatible change gets a new version and a new topic. */
export const WIRE_TOPIC = 'tcplens.headers.v1';
/** "TCPL" in ASCII. */
export const MAGIC = [0x54, 0x43, 0x50, 0x4c] as const;

/** What a batch carries; one topic carries all kinds, consumers skip kinds they do not know. */
export const BatchKind = {
  packets: 1,
  watermark: 2,
} as const;
export type BatchKindName = keyof typeof BatchKind;

export const SENSOR_ID_MAX_BYTES = 63;

/** Batch header, version 1. */
export const H = {
  MAGIC: 0, // 4 bytes "TCPL"
  VERSION: 4, // u16
  HEADER_LEN: 6, // u16
  CRC: 8, // u32, CRC32 of bytes [CRC_START, end)
  KIND: 12, // u8
  FLAGS: 13, // u8, 0 in version 1; readers ignore bits they do not know
  RECORD_SIZE: 14, // u16
  RECORD_COUNT: 16, // u32
  FIRST_TS_SEC: 20, // u32
  FIRST_TS_NSEC: 24, // u32
  LAST_TS_SEC: 28, // u32
  LAST_TS_NSEC: 32, // u32
  SENSOR_ID_LEN: 36, // u8
  SENSOR_ID: 37, // 63 bytes UTF-8, zero padded
} as const;
export const HEADER_SIZE = 100;
export const CRC_START = 12;

/** One TCP header record (kind packets), version 1. */
export const R = {
  TS_SEC: 0, // u32
  TS_NSEC: 4, // u32
  SRC: 8, // 16 bytes, IPv4-mapped for IPv4
  DST: 24, // 16 bytes
  SRC_PORT: 40, // u16
  DST_PORT: 42, // u16
  SEQ: 44, // u32
  ACK: 48, // u32
  TS_VAL: 52, // u32
  TS_ECR: 56, // u32
  IP_LEN: 60, // u32 (IPv6 on loopback reaches 65536)
  PAYLOAD_LEN: 64, // u16
  FLAGS: 66, // u16
  WINDOW: 68, // u16
  URGENT: 70, // u16
  MSS: 72, // u16
  IP_VERSION: 74, // u8
  TCP_HEADER_LEN: 75, // u8
  TTL: 76, // u8
  OPTIONS: 77, // u8
  WSCALE: 78, // u8
  SACK_BLOCKS: 79, // u8
} as const;
export const RECORD_SIZE = 80;

/** Watermark body (kind watermark: exactly one body per batch), version 1. */
export const W = {
  CLOCK_SEC: 0, // u32
  CLOCK_NSEC: 4, // u32
  REASON: 8, // u8
  // 9..15 reserved, zero
  PACKETS_CAPTURED: 16, // u64
  KERNEL_DROPS: 24, // u64
  INTERFACE_DROPS: 32, // u64
  DECODE_ERRORS: 40, // u64
  SPOOL_DROPS: 48, // u64
} as const;
export const WATERMARK_SIZE = 56;
