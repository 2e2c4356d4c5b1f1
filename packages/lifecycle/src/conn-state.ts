/**
 * Zeek's conn_state (scripts/base/protocols/conn/main.zeek, function conn_state): a pure
 * function of the two endpoint states, the two payload sizes and the history string.
 *
 *   first matching row wins            o = originator state, r = responder state
 *   ─────────────────────────────────  ──────────────────────────────────────────────────────────
 *   r RESET                            REJ   if o ∈ {SYN_SENT, SYN_ACK_SENT}
 *                                            or (o RESET and both sizes 0)
 *                                      RSTRH if o ∈ {INACTIVE, PARTIAL}
 *                                      RSTR  otherwise
 *   o RESET                            RSTOS0 if r ∈ {INACTIVE, PARTIAL} and history ~ ^?S[^HAFGIQ]*R
 *                                      OTH    if r ∈ {INACTIVE, PARTIAL} otherwise
 *                                      RSTO   otherwise
 *   o CLOSED and r CLOSED              SF
 *   o CLOSED                           SH  if r ∈ {INACTIVE, PARTIAL}, else S2
 *   r CLOSED                           SHR if o ∈ {INACTIVE, PARTIAL}, else S3
 *   o SYN_SENT and r INACTIVE          S0
 *   o ESTABLISHED and r ESTABLISHED    S1
 *   anything else                      OTH
 */
import type { ConnState } from './record.js';
import { EndpointState as S, type EndpointStateValue } from './endpoint.js';

const RSTOS0_HISTORY = /^\^?S[^HAFGIQ]*R/;

function inactiveish(s: EndpointStateValue): boolean {
  return s === S.INACTIVE || s === S.PARTIAL;
}

export function connState(
  os: EndpointStateValue,
  rs: EndpointStateValue,
  origSize: number,
  respSize: number,
  history: string,
): ConnState {
  if (rs === S.RESET) {
    if (os === S.SYN_SENT || os === S.SYN_ACK_SENT || (os === S.RESET && origSize === 0 && respSize === 0)) {
      return 'REJ';
    }
    return inactiveish(os) ? 'RSTRH' : 'RSTR';
  }
  if (os === S.RESET) {
    if (inactiveish(rs)) return RSTOS0_HISTORY.test(history) ? 'RSTOS0' : 'OTH';
    return 'RSTO';
  }
  if (os === S.CLOSED && rs === S.CLOSED) return 'SF';
  if (os === S.CLOSED) return inactiveish(rs) ? 'SH' : 'S2';
  if (rs === S.CLOSED) return inactiveish(os) ? 'SHR' : 'S3';
  if (os === S.SYN_SENT && rs === S.INACTIVE) return 'S0';
  if (os === S.ESTABLISHED && rs === S.ESTABLISHED) return 'S1';
  return 'OTH';
}
