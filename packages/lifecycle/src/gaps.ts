/**
 * Content gaps (history G, missed_bytes) after Zeek's TCP_Reassembler, without keeping payload:
 * per direction, the position up to which the stream is complete (`reassem`, Zeek's
 * last_reassem_seq) and the out-of-order ranges above it.
 *
 *   data arrives   [seq, seq+len) below the peer's ACK is old; a range touching `reassem`
 *                  advances it (and swallows buffered ranges it now reaches); a range above
 *                  `reassem` is buffered
 *   ACK arrives    (after the state machine, as Zeek) everything below the ACK that was never
 *                  seen is a gap: each hole is one Gap (G letter, logarithmic) and its length is
 *                  added to missed_bytes, when both endpoints are established or cleanly closing
 *
 * Sequence numbers are relative (data starts at 1), 53-bit safe. The ranges list is capped:
 * beyond MAX_BLOCKS ranges the lowest two are merged (a bounded, slightly optimistic view).
 */
import { EndpointState as S, epPrevState, epState, hasFin } from './endpoint.js';
import { Col, type Store } from './store.js';
import { gap as gapLetter } from './history.js';

const MAX_BLOCKS = 32; // pairs

function isClean(st: Store, e: number): boolean {
  const s = epState(st, e);
  return s === S.ESTABLISHED || (s === S.CLOSED && epPrevState(st, e) === S.ESTABLISHED);
}

/** Zeek's TCP_Reassembler::DataSent for payload [seq, seq+len) of endpoint e (relative). */
export function dataSent(st: Store, e: number, ackRel: number, seq: number, len: number): void {
  const upper = seq + len;
  if (seq < ackRel) {
    if (upper <= ackRel) return; // already delivered and acknowledged
    seq = ackRel;
  }
  const trim = st.getI(st.trim, Col.TRIM, e);
  if (upper <= trim) return;
  if (seq < trim) seq = trim;
  const reassem = st.getI(st.reassem, Col.REASSEM, e);
  if (seq <= reassem) {
    if (upper <= reassem) return; // old data
    st.setI(st.reassem, Col.REASSEM, e, upper);
    if (st.blocks.size > 0) drain(st, e);
    return;
  }
  insertBlock(st, e, seq, upper);
}

/** Moves `reassem` through buffered ranges it now reaches. */
function drain(st: Store, e: number): void {
  const b = st.blocks.get(e);
  if (b === undefined) return;
  let reassem = st.getI(st.reassem, Col.REASSEM, e);
  let i = 0;
  while (i < b.length && (b[i] ?? 0) <= reassem) {
    const end = b[i + 1] ?? 0;
    if (end > reassem) reassem = end;
    i += 2;
  }
  st.setI(st.reassem, Col.REASSEM, e, reassem);
  if (i > 0) b.splice(0, i);
  if (b.length === 0) st.blocks.delete(e);
}

function insertBlock(st: Store, e: number, seq: number, upper: number): void {
  let b = st.blocks.get(e);
  if (b === undefined) st.blocks.set(e, (b = []));
  // Merge into a sorted list of disjoint ranges.
  let i = 0;
  while (i < b.length && (b[i + 1] ?? 0) < seq) i += 2;
  let j = i;
  let lo = seq;
  let hi = upper;
  while (j < b.length && (b[j] ?? 0) <= hi) {
    lo = Math.min(lo, b[j] ?? lo);
    hi = Math.max(hi, b[j + 1] ?? hi);
    j += 2;
  }
  b.splice(i, j - i, lo, hi);
  if (b.length > MAX_BLOCKS * 2) b.splice(1, 2); // merge the two lowest ranges
}

/**
 * Zeek's TCP_Reassembler::AckReceived on endpoint e (the one whose data is acknowledged, of
 * slot s), relative ACK `seq`; the slot gets the G letters. Call after the state machine.
 */
export function ackReceived(st: Store, s: number, e: number, peer: number, isOrigEp: boolean, seq: number): void {
  if (hasFin(st, e)) {
    const finSeq = st.getI(st.finSeq, Col.FIN_SEQ, e);
    if (seq >= finSeq) seq = finSeq - 1;
  }
  if (seq <= st.getI(st.trim, Col.TRIM, e)) return;
  st.setI(st.trim, Col.TRIM, e, seq);
  let reassem = st.getI(st.reassem, Col.REASSEM, e);
  if (seq <= reassem) return;
  const report = isClean(st, e) && isClean(st, peer);
  const b = st.blocks.size > 0 ? st.blocks.get(e) : undefined;
  if (b !== undefined) {
    let i = 0;
    while (i < b.length && (b[i] ?? 0) < seq) {
      const start = b[i] ?? 0;
      const end = b[i + 1] ?? 0;
      if (start > reassem) gap(st, s, e, isOrigEp, start - reassem, report);
      if (end > reassem) reassem = end;
      i += 2;
    }
    if (i > 0) b.splice(0, i);
    if (b.length === 0) st.blocks.delete(e);
  }
  if (seq > reassem) {
    gap(st, s, e, isOrigEp, seq - reassem, report);
    reassem = seq;
  }
  st.setI(st.reassem, Col.REASSEM, e, reassem);
}

function gap(st: Store, s: number, e: number, isOrig: boolean, len: number, report: boolean): void {
  if (!report) return;
  st.addM(Col.MISSED, e, s, len);
  gapLetter(st, s, e, isOrig);
}
