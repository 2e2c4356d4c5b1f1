/**
 * The state kept per connection: one object plus its two endpoints. Addresses live in the
 * tracker's address pool (by `slot`), not here, so a key compare reads typed arrays only.
 */
import { Endpoint } from './endpoint.js';
import type { DedupRing, SensorClock } from './sensors.js';

/** Which side did something: bit 1 originator, bit 2 responder. */
export const SideBit = { NONE: 0, ORIG: 1, RESP: 2, BOTH: 3 } as const;
export type SideBitValue = (typeof SideBit)[keyof typeof SideBit];

/** Phase of the first RST; index into RST_PHASES of record.ts. */
export const RstPhaseIdx = { NONE: 0, HANDSHAKE: 1, ESTABLISHED: 2, AFTER_FIN: 3, AFTER_IDLE: 4 } as const;
export type RstPhaseIdxValue = (typeof RstPhaseIdx)[keyof typeof RstPhaseIdx];

/** Which expiry list the connection is on (see timeouts.ts). */
export const TimeoutClass = { NONE: -1, ATTEMPT: 0, ACTIVE: 1, LINGER_CLOSE: 2, LINGER_RESET: 3 } as const;
export type TimeoutClassValue = (typeof TimeoutClass)[keyof typeof TimeoutClass];

export class Conn {
  /** Swapped only by a SYN/SYN-ACK reversal (Zeek's FlipRoles), see tracker.ts. */
  orig = new Endpoint();
  resp = new Endpoint();
  /** Event times, integer µs. zeekLastUs is Zeek's last_time: not advanced once both sides closed. */
  startUs: number;
  lastUs: number;
  zeekLastUs: number;
  history = '';
  /** Zeek's hist_seen: once-per-direction letters already recorded. */
  histSeen = 0;
  /** Originator's first sequence number (ISN when the first packet was its SYN), for the uid. */
  firstSeq = 0;

  // Handshake timings of the first sensor (µs; -1 = not seen), see sensors.ts.
  lastSynUs = -1;
  synAckUs = -1;
  synToSynAckUs = -1;
  handshakeAckUs = -1;
  timingDone = false;
  /** The originator ACKed a SYN-ACK (any sensor), or the connection was picked up mid-stream. */
  handshakeDone = false;
  /** Set by the state machine on a SYN/SYN-ACK reversal; the tracker swaps the roles. */
  flipPending = false;

  // Sensors (vantage points): interned indexes, see sensors.ts.
  sensor0 = 0;
  /** Last packet time on the first sensor's clock (teardown_us). */
  lastUs0 = 0;
  /** Bit i: sensor i saw this connection (sensors ≥ 31 share bit 31). */
  sensorMask = 1;
  /** Handshake clocks of the other sensors; null with one sensor. */
  otherClocks: SensorClock[] | null = null;
  /** Recent segments for cross-sensor duplicate detection; null with one sensor. */
  ring: DedupRing | null = null;

  // Teardown.
  firstFinSide: SideBitValue = SideBit.NONE;
  /** Sequence number just past the first FIN (its ACK must reach it). */
  firstFinNext = 0;
  simultaneousClose = false;
  firstRstSide: SideBitValue = SideBit.NONE;
  rstSides = 0;
  rstPhase: RstPhaseIdxValue = RstPhaseIdx.NONE;
  bothFinAtRst = false;
  anyFinAtRst = false;
  /** The first RST carried ACK. */
  firstRstAck = false;
  /** Sides that sent FIN+RST in one packet. */
  finRstSides = 0;
  /** New payload bytes sent after the first FIN by the side that had not sent it. */
  halfCloseBytes = 0;

  // Expiry bookkeeping (timeouts.ts).
  cls: TimeoutClassValue = TimeoutClass.NONE;
  /** Time the expiry counts from: first SYN (attempt), last packet (active), close (linger). */
  clsSinceUs = 0;
  prev: Conn | null = null;
  next: Conn | null = null;
  /** Set when Zeek would schedule removal (close complete or RST after FIN); -1 otherwise. */
  lingerSinceUs = -1;
  lingerReset = false;

  constructor(
    /** Index in the tracker's address pool and connection array. */
    public slot: number,
    public readonly hash: number,
    public readonly ipVersion: 4 | 6,
    public origPort: number,
    public respPort: number,
    nowUs: number,
  ) {
    this.startUs = nowUs;
    this.lastUs = nowUs;
    this.zeekLastUs = nowUs;
  }
}
