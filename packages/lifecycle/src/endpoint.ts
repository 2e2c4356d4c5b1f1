/**
 * One direction of a TCP connection, after Zeek's TCP_Endpoint: a state, the sequence-space
 * bookkeeping that gives the payload size, and the per-direction history counters. The fields
 * are store columns (store.ts) indexed by ep = slot × 2 + side; these are the operations on them.
 *
 * Sequence numbers are unsigned 32-bit; `seqWraps`/`ackWraps` count wrap-arounds so sizes stay
 * right past 4 GiB (full sequence = wraps × 2^32 + seq; 16-bit counters, 256 TiB per direction).
 */
import { EB } from './conn.js';
import type { Store } from './store.js';


/** Zeek's endpoint states (TCP_ENDPOINT_*). Numbers, so a state fits in a small integer field. */
export const EndpointState = {
  INACTIVE: 0,
  SYN_SENT: 1,
  SYN_ACK_SENT: 2,
  PARTIAL: 3,
  ESTABLISHED: 4,
  CLOSED: 5,
  RESET: 6,
} as const;
export type EndpointStateValue = (typeof EndpointState)[keyof typeof EndpointState];
export const ENDPOINT_STATE_NAMES = [
  'INACTIVE', 'SYN_SENT', 'SYN_ACK_SENT', 'PARTIAL', 'ESTABLISHED', 'CLOSED', 'RESET',
] as const;

const TWO_32 = 4294967296;

/** Signed 32-bit distance a − b in sequence space (Zeek's seq_delta). */
export function seqDelta(a: number, b: number): number {
  return (a - b) | 0;
}

export function epState(st: Store, e: number): EndpointStateValue {
  return (st.st[e]! & 15) as EndpointStateValue;
}

export function epPrevState(st: Store, e: number): EndpointStateValue {
  return (st.st[e]! >> 4) as EndpointStateValue;
}

export function setState(st: Store, e: number, s: EndpointStateValue): void {
  const cur = st.st[e]! & 15;
  if (s !== cur) st.st[e] = s | (cur << 4);
}

export function hasFin(st: Store, e: number): boolean {
  return (st.eb[e]! & EB.FIN) !== 0;
}

export function didClose(st: Store, e: number): boolean {
  return (st.eb[e]! & EB.DID_CLOSE) !== 0;
}

export function initSeqs(st: Store, e: number, start: number, ack: number, last: number): void {
  st.startSeq[e] = start >>> 0;
  st.ackSeq[e] = ack >>> 0;
  st.lastSeq[e] = last >>> 0;
}

export function updateLastSeq(st: Store, e: number, seq: number): void {
  if (seq < st.lastSeq[e]! && st.seqWraps[e]! < 0xffff) st.seqWraps[e]!++;
  st.lastSeq[e] = seq;
}

export function updateAckSeq(st: Store, e: number, seq: number): void {
  if (seq < st.ackSeq[e]! && st.ackWraps[e]! < 0xffff) st.ackWraps[e]!++;
  st.ackSeq[e] = seq;
}

/** Relative sequence of `cur` (Zeek's get_relative_seq); negative means underflow. */
export function relativeSeq(st: Store, e: number, cur: number, last: number, wraps: number): number {
  const delta = seqDelta(cur, last);
  if (delta < 0) {
    if (wraps > 0 && cur > last) wraps--;
  } else if (delta > 0) {
    if (cur < last) wraps++;
  }
  if (wraps === 0) return seqDelta(cur, st.startSeq[e]!);
  return wraps * TWO_32 + cur - st.startSeq[e]!;
}

function noDataAcked(st: Store, e: number): boolean {
  const ack = st.ackWraps[e]! * TWO_32 + st.ackSeq[e]!;
  const start = st.startSeq[e]!;
  return ack === start || ack === start + 1;
}

/**
 * Payload bytes from sequence space (Zeek's TCP_Endpoint::Size): the higher of last sequence
 * sent and last sequence acknowledged by the peer, minus the start, minus the SYN and FIN
 * octets. Retransmissions therefore never count twice. Negative results (bogus sequence
 * numbers) are clamped to 0, where Zeek would wrap around to a huge unsigned value.
 */
export function epSize(st: Store, e: number, peer: number): number {
  if (
    epPrevState(st, e) === EndpointState.SYN_SENT &&
    epState(st, e) === EndpointState.RESET &&
    epState(st, peer) === EndpointState.INACTIVE &&
    !noDataAcked(st, e)
  ) {
    return 0; // a half-open connection discovered and aborted: its sequence numbers mislead
  }
  const last = st.seqWraps[e]! * TWO_32 + st.lastSeq[e]!;
  const ack = st.ackWraps[e]! * TWO_32 + st.ackSeq[e]!;
  let size = (last > ack ? last : ack) - st.startSeq[e]!;
  if (size <= 0) return 0;
  size--; // the SYN octet (or the virtual one of a partial connection)
  if (hasFin(st, e) && size !== 0) size--; // the FIN octet
  return size;
}
