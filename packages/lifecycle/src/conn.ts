/**
 * Small vocabularies of the per-connection state kept in the store (store.ts): which side did
 * something, the phase of the first RST, the expiry list, and the bit flags of a connection and
 * of an endpoint. A connection is a slot number; its endpoints are ep indexes slot × 2 + side
 * (0 originator, 1 responder).
 */

/** Which side did something: bit 1 originator, bit 2 responder. */
export const SideBit = { NONE: 0, ORIG: 1, RESP: 2, BOTH: 3 } as const;
export type SideBitValue = (typeof SideBit)[keyof typeof SideBit];

/** Phase of the first RST; index into RST_PHASES of record.ts. */
export const RstPhaseIdx = { NONE: 0, HANDSHAKE: 1, ESTABLISHED: 2, AFTER_FIN: 3, AFTER_IDLE: 4 } as const;
export type RstPhaseIdxValue = (typeof RstPhaseIdx)[keyof typeof RstPhaseIdx];

/** Which expiry list the connection is on (see timeouts.ts). */
export const TimeoutClass = { NONE: -1, ATTEMPT: 0, ACTIVE: 1, LINGER_CLOSE: 2, LINGER_RESET: 3 } as const;
export type TimeoutClassValue = (typeof TimeoutClass)[keyof typeof TimeoutClass];

/** Bits of a connection (store.bits). */
export const CB = {
  /** The first sensor's handshake clock is complete. */
  TIMING_DONE: 1,
  /** The originator ACKed a SYN-ACK (any sensor), or the connection was picked up mid-stream. */
  HANDSHAKE_DONE: 2,
  /** Set by the state machine on a SYN/SYN-ACK reversal; the tracker swaps the roles. */
  FLIP_PENDING: 4,
  SIMULTANEOUS: 8,
  BOTH_FIN_AT_RST: 16,
  ANY_FIN_AT_RST: 32,
  /** The first RST carried ACK. */
  FIRST_RST_ACK: 64,
  /** Zeek would schedule removal (close complete or RST after FIN): on a LINGER list. */
  LINGER: 128,
  LINGER_RESET: 256,
  IPV6: 512,
  /** Addresses are not both IPv4-mapped: they live in the 8-word pool. */
  WIDE_ADDR: 1024,
  /** Some value of this connection overflowed its column into store.wide. */
  HAS_WIDE: 2048,
  /** Multi-sensor side data exists (store.multi). */
  HAS_MULTI: 4096,
  /** emitClosedAfterUs: the closed connection's record was emitted while it lingers. */
  EARLY_EMITTED: 8192,
  /** A packet (or another sensor's copy) arrived after the early record: emit again at the end. */
  CHANGED_AFTER_EARLY: 16384,
} as const;

/** Bits of an endpoint (store.eb). */
export const EB = {
  /** Zeek's did_close: this side's FIN or RST has been reported. */
  DID_CLOSE: 1,
  /** This side sent a FIN (Zeek's FIN_cnt > 0). */
  FIN: 2,
  WS_NEXT_SET: 4,
  /** Wireshark flags of this side's last segment. */
  WS_KEEP_ALIVE: 8,
  WS_ZW_PROBE: 16,
  /** wsWindow holds a window (Wireshark's -1 "none yet" otherwise). */
  WS_WIN_SET: 32,
  /** The NS flag (bit 8), beside the low 8 flag bits in store.eflags. */
  FLAG_NS: 64,
  /** The first sensor's clock has seen this side's first FIN (teardown_us). */
  FIN_CLOCKED: 128,
} as const;
