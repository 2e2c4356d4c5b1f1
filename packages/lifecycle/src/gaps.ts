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
import { EndpointState as S, type Endpoint } from './endpoint.js';
import type { Conn } from './conn.js';
import { gap as gapLetter } from './history.js';

const MAX_BLOCKS = 32; // pairs

function isClean(e: Endpoint): boolean {
  return e.state === S.ESTABLISHED || (e.state === S.CLOSED && e.prevState === S.ESTABLISHED);
}

/** Zeek's TCP_Reassembler::DataSent for payload [seq, seq+len) of endpoint `ep` (relative). */
export function dataSent(ep: Endpoint, ackRel: number, seq: number, len: number): void {
  const upper = seq + len;
  if (seq < ackRel) {
    if (upper <= ackRel) return; // already delivered and acknowledged
    seq = ackRel;
  }
  if (upper <= ep.trim) return;
  if (seq < ep.trim) seq = ep.trim;
  if (seq <= ep.reassem) {
    if (upper <= ep.reassem) return; // old data
    ep.reassem = upper;
    drain(ep);
    return;
  }
  insertBlock(ep, seq, upper);
}

/** Moves `reassem` through buffered ranges it now reaches. */
function drain(ep: Endpoint): void {
  const b = ep.blocks;
  if (b === null) return;
  let i = 0;
  while (i < b.length && (b[i] ?? 0) <= ep.reassem) {
    const end = b[i + 1] ?? 0;
    if (end > ep.reassem) ep.reassem = end;
    i += 2;
  }
  if (i > 0) b.splice(0, i);
  if (b.length === 0) ep.blocks = null;
}

function insertBlock(ep: Endpoint, seq: number, upper: number): void {
  const b = ep.blocks ?? (ep.blocks = []);
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
 * Zeek's TCP_Reassembler::AckReceived on endpoint `ep` (the one whose data is acknowledged),
 * relative ACK `seq`; `c` gets the G letters. Call after the state machine.
 */
export function ackReceived(c: Conn, ep: Endpoint, peer: Endpoint, isOrigEp: boolean, seq: number): void {
  if (ep.finCnt > 0 && seq >= ep.finSeq) seq = ep.finSeq - 1;
  if (seq <= ep.trim) return;
  ep.trim = seq;
  if (seq <= ep.reassem) return;
  const report = isClean(ep) && isClean(peer);
  const b = ep.blocks;
  if (b !== null) {
    let i = 0;
    while (i < b.length && (b[i] ?? 0) < seq) {
      const start = b[i] ?? 0;
      const end = b[i + 1] ?? 0;
      if (start > ep.reassem) gap(c, ep, isOrigEp, start - ep.reassem, report);
      if (end > ep.reassem) ep.reassem = end;
      i += 2;
    }
    if (i > 0) b.splice(0, i);
    if (b.length === 0) ep.blocks = null;
  }
  if (seq > ep.reassem) {
    gap(c, ep, isOrigEp, seq - ep.reassem, report);
    ep.reassem = seq;
  }
}

function gap(c: Conn, ep: Endpoint, isOrig: boolean, len: number, report: boolean): void {
  if (!report) return;
  ep.missed += len;
  gapLetter(c, ep, isOrig);
}
