/**
 * One direction of a TCP connection, after Zeek's TCP_Endpoint: a state, the sequence-space
 * bookkeeping that gives the payload size, and the per-direction history counters.
 *
 * Sequence numbers are unsigned 32-bit; `seqWraps`/`ackWraps` count wrap-arounds so sizes stay
 * right past 4 GiB (full sequence = wraps × 2^32 + seq).
 */

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

export class Endpoint {
  state: EndpointStateValue = EndpointState.INACTIVE;
  prevState: EndpointStateValue = EndpointState.INACTIVE;
  startSeq = 0;
  lastSeq = 0;
  seqWraps = 0;
  /** Highest sequence number of this endpoint acknowledged by the peer. */
  ackSeq = 0;
  ackWraps = 0;
  finCnt = 0;
  rstCnt = 0;
  /** Zeek's did_close: this side's FIN or RST has been reported. */
  didClose = false;
  /** Relative sequence of the last SYN / FIN end / RST, for history repeats. */
  histLastSyn = 0;
  histLastFin = 0;
  histLastRst = 0;
  /** Logarithmic history counters (T and W): letter added at 1, 10, 100, ... */
  rxmtCnt = 0;
  rxmtThresh = 1;
  win0Cnt = 0;
  win0Thresh = 1;
  /** Packets, IP bytes and OR of TCP flags sent by this side (retransmissions included). */
  pkts = 0;
  ipBytes = 0;
  flags = 0;
  /** Relative sequence just past this side's FIN (Zeek's FIN_seq), for the gap check. */
  finSeq = 0;

  // Content-gap bookkeeping after Zeek's TCP_Reassembler (gaps.ts), relative sequence numbers.
  /** Everything below this was delivered or declared missing (last_reassem_seq; data starts at 1). */
  reassem = 1;
  /** Highest acknowledgement already processed (trim_seq). */
  trim = 0;
  /** Out-of-order data above `reassem`: sorted [start, end) pairs; null while there is none. */
  blocks: number[] | null = null;
  gapCnt = 0;
  gapThresh = 1;
  /** Bytes reported as content gaps (Zeek's missed_bytes, this direction). */
  missed = 0;

  // Wireshark's per-direction sequence analysis (ws-analysis.ts), absolute 32-bit numbers.
  wsNextSeq = 0;
  wsNextSeqSet = false;
  wsNextSeqUs = 0;
  wsLastAck = 0;
  wsLastAckUs = 0;
  wsWindow = -1;
  wsDupAckNum = 0;
  /** Analysis flags of this side's last segment (keep-alive / zero-window probe bits). */
  wsLastFlags = 0;
  wsRetrans = 0;
  wsOoo = 0;
  wsDupAcks = 0;
  wsZeroWin = 0;
  wsKeepAlive = 0;
  wsLost = 0;

  // tcplens timing marks (µs, -1 = not seen), from the first sensor's copies only.
  firstDataUs = -1;
  firstFinUs = -1;

  setState(s: EndpointStateValue): void {
    if (s !== this.state) {
      this.prevState = this.state;
      this.state = s;
    }
  }

  initSeqs(start: number, ack: number, last: number): void {
    this.startSeq = start >>> 0;
    this.ackSeq = ack >>> 0;
    this.lastSeq = last >>> 0;
  }

  updateLastSeq(seq: number): void {
    if (seq < this.lastSeq) this.seqWraps++;
    this.lastSeq = seq;
  }

  updateAckSeq(seq: number): void {
    if (seq < this.ackSeq) this.ackWraps++;
    this.ackSeq = seq;
  }

  /** Relative sequence of `cur` (Zeek's get_relative_seq); negative means underflow. */
  relativeSeq(cur: number, last: number, wraps: number): number {
    const delta = seqDelta(cur, last);
    if (delta < 0) {
      if (wraps > 0 && cur > last) wraps--;
    } else if (delta > 0) {
      if (cur < last) wraps++;
    }
    if (wraps === 0) return seqDelta(cur, this.startSeq);
    return wraps * TWO_32 + cur - this.startSeq;
  }

  noDataAcked(): boolean {
    const ack = this.ackWraps * TWO_32 + this.ackSeq;
    return ack === this.startSeq || ack === this.startSeq + 1;
  }

  /**
   * Payload bytes from sequence space (Zeek's TCP_Endpoint::Size): the higher of last sequence
   * sent and last sequence acknowledged by the peer, minus the start, minus the SYN and FIN
   * octets. Retransmissions therefore never count twice. Negative results (bogus sequence
   * numbers) are clamped to 0, where Zeek would wrap around to a huge unsigned value.
   */
  size(peer: Endpoint): number {
    if (
      this.prevState === EndpointState.SYN_SENT &&
      this.state === EndpointState.RESET &&
      peer.state === EndpointState.INACTIVE &&
      !this.noDataAcked()
    ) {
      return 0; // a half-open connection discovered and aborted: its sequence numbers mislead
    }
    const last = this.seqWraps * TWO_32 + this.lastSeq;
    const ack = this.ackWraps * TWO_32 + this.ackSeq;
    let size = (last > ack ? last : ack) - this.startSeq;
    if (size <= 0) return 0;
    size--; // the SYN octet (or the virtual one of a partial connection)
    if (this.finCnt > 0 && size !== 0) size--; // the FIN octet
    return size;
  }
}
