/**
 * The scenario table (issue 3): packet sequences with the record fields they must give. Every
 * expected value is worked out by hand from Zeek's TCPSessionAdapter / conn.zeek rules and
 * Wireshark's tcp_analyze_sequence_number; the comment on a case says why when it is not obvious.
 * Client 10.0.0.1:40000 (ISN 1000), server 10.0.0.2:80 (ISN 5000) unless stated; times in µs.
 */
import { Conversation } from './test-packets.js';
import type { ConnectionRecord } from './record.js';

export interface Scenario {
  name: string;
  conv: () => Conversation;
  /** Expected records in emission order (usually one). */
  want: Partial<ConnectionRecord>[];
}

const SEC = 1_000_000;
/** SYN at 0, SYN-ACK at 1000, ACK at 1500: 1000 / 500 / 1500 µs. */
export const hs = (cv = new Conversation()) => cv.c(0, 'S').s(1000, 'SA').c(1500, 'A');
const HS = { syn_to_synack_us: 1000, synack_to_ack_us: 500, handshake_us: 1500 };
const NO_HS = { syn_to_synack_us: null, synack_to_ack_us: null, handshake_us: null };
const odd = (sport = 5555) => new Conversation(['10.0.0.1', 40000], ['10.0.0.2', sport]);

export const SCENARIOS_HANDSHAKE_AND_CLOSE: Scenario[] = [
  {
    name: 'normal four-way close, client first',
    conv: () => hs().c(2000, 'PA', { len: 100 }).s(3000, 'A').s(3100, 'PA', { len: 200 }).c(3500, 'A')
      .c(4000, 'FA').s(4500, 'FA').c(5000, 'A'),
    want: [{
      conn_state: 'SF', history: 'ShADadFf', teardown: 'four_way', ...HS, teardown_us: 1000, duration: 0.0045,
      orig_first_data_us: 2000, resp_first_data_us: 3100, orig_bytes: 100, resp_bytes: 200, missed_bytes: 0,
      orig_retrans: 0, resp_retrans: 0, orig_dup_acks: 0, resp_dup_acks: 0, rst_ack: null, closed_first: 'orig',
    }],
  },
  {
    // The server's last pure ACK is its first: 'a' at the end.
    name: 'server closes first',
    conv: () => hs().c(2000, 'PA', { len: 10 }).s(3000, 'PA', { len: 20 }).s(4000, 'FA').c(4100, 'A')
      .c(4500, 'FA').s(5000, 'A'),
    want: [{ conn_state: 'SF', history: 'ShADdfFa', teardown: 'four_way', closed_first: 'resp', teardown_us: 1000, ...HS }],
  },
  {
    // The server's FIN acknowledges only the SYN (1001): the FINs crossed.
    name: 'simultaneous close',
    conv: () => hs().c(4000, 'FA').s(4001, 'FA', { ack: 1001 }).c(4100, 'A').s(4101, 'A'),
    want: [{ conn_state: 'SF', history: 'ShAFfa', teardown: 'simultaneous', closed_first: 'both', teardown_us: 101 }],
  },
  {
    name: 'half-close: server sends 2000 bytes after the client FIN',
    conv: () => hs().c(2000, 'PA', { len: 50 }).c(2100, 'FA').s(2200, 'A').s(3000, 'PA', { len: 1000 })
      .s(3001, 'PA', { len: 1000 }).c(3100, 'A').s(4000, 'FA').c(4100, 'A'),
    want: [{
      conn_state: 'SF', history: 'ShADFadf', teardown: 'half_close', half_close_bytes: 2000, teardown_us: 2000,
      resp_bytes: 2000, duration: 0.004, resp_first_data_us: 3000,
    }],
  },
  {
    name: 'S2: originator FIN, no answer',
    conv: () => hs().c(2000, 'FA'),
    want: [{ conn_state: 'S2', history: 'ShAF', teardown: 'fin_one', close_kind: 'fin_one', teardown_us: 0 }],
  },
  {
    name: 'S3: responder FIN, no answer',
    conv: () => hs().s(2000, 'FA'),
    want: [{ conn_state: 'S3', history: 'ShAf', teardown: 'fin_one', closed_first: 'resp' }],
  },
  {
    name: 'RSTO: originator aborts an established connection',
    conv: () => hs().c(2000, 'PA', { len: 10 }).s(2100, 'A').c(3000, 'RA'),
    want: [{ conn_state: 'RSTO', history: 'ShADaR', teardown: 'rst', rst_by: 'orig', rst_phase: 'established', rst_ack: true, ...HS }],
  },
  {
    name: 'RSTR: responder aborts',
    conv: () => hs().c(2000, 'PA', { len: 10 }).s(2100, 'RA'),
    want: [{ conn_state: 'RSTR', history: 'ShADr', teardown: 'rst', rst_by: 'resp', rst_phase: 'established', rst_ack: true }],
  },
  {
    name: 'REJ by RST+ACK',
    conv: () => new Conversation().c(0, 'S').s(300, 'RA', { seq: 0 }),
    want: [{
      conn_state: 'REJ', history: 'Sr', teardown: 'rst', rst_phase: 'handshake', rst_ack: true, orig_bytes: 0,
      resp_bytes: 0, duration: 0.0003, ...NO_HS,
    }],
  },
  {
    name: 'REJ by a bare RST',
    conv: () => new Conversation().c(0, 'S').s(300, 'R', { seq: 0 }),
    want: [{ conn_state: 'REJ', history: 'Sr', teardown: 'rst', rst_ack: false, rst_by: 'resp' }],
  },
  {
    // Both sides reset with no payload: Zeek's REJ rule "o RESET and both sizes 0".
    name: 'both sides reset after the SYN-ACK, no payload: REJ',
    conv: () => new Conversation().c(0, 'S').s(100, 'SA').c(200, 'R').s(300, 'R'),
    want: [{ conn_state: 'REJ', history: 'ShRr', rst_by: 'both', rst_phase: 'handshake', syn_to_synack_us: 100 }],
  },
  {
    name: 'S0: a lone SYN (duration 0: no duration, no sizes)',
    conv: () => new Conversation().c(0, 'S'),
    want: [{ conn_state: 'S0', history: 'S', duration: null, orig_bytes: null, resp_bytes: null, teardown: '', ...NO_HS }],
  },
  {
    // Wireshark flags each repeated SYN as a retransmission (seq below nextseq, > RTT later).
    name: 'S0 with two SYN retransmissions',
    conv: () => new Conversation().c(0, 'S').c(1 * SEC, 'S', { seq: 1000 }).c(3 * SEC, 'S', { seq: 1000 }),
    want: [{ conn_state: 'S0', history: 'S', orig_pkts: 3, duration: 3, orig_retrans: 2, ...NO_HS }],
  },
  {
    // Timings from the last SYN, as Argus and Wireshark's initial_rtt.
    name: 'SYN retransmission, then answered',
    conv: () => new Conversation().c(0, 'S').c(1 * SEC, 'S', { seq: 1000 }).s(1 * SEC + 800, 'SA').c(1 * SEC + 1000, 'A'),
    want: [{ conn_state: 'S1', history: 'ShA', orig_retrans: 1, syn_to_synack_us: 800, synack_to_ack_us: 200, handshake_us: 1000 }],
  },
  {
    name: 'RSTOS0: SYN then the originator resets',
    conv: () => new Conversation().c(0, 'S').c(500, 'R'),
    want: [{ conn_state: 'RSTOS0', history: 'SR', teardown: 'rst', rst_phase: 'handshake', rst_ack: false }],
  },
  {
    name: 'SYN-ACK answered by RST (half-open scan): RSTO',
    conv: () => new Conversation().c(0, 'S').s(700, 'SA').c(900, 'R'),
    want: [{ conn_state: 'RSTO', history: 'ShR', rst_phase: 'handshake', syn_to_synack_us: 700, handshake_us: null }],
  },
  {
    name: 'SH: SYN then FIN, never answered',
    conv: () => new Conversation().c(0, 'S').c(1000, 'F'),
    want: [{ conn_state: 'SH', history: 'SF', teardown: 'fin_one', resp_pkts: 0 }],
  },
  {
    // Zeek's WantConnection: port 80 is a likely server port, 40000 is not: flip, '^'.
    name: 'capture starts at the SYN-ACK (server port 80)',
    conv: () => new Conversation(undefined, undefined, 1001, 5000).s(0, 'SA', { ack: 1001 }).c(200, 'A')
      .c(300, 'PA', { len: 10 }).s(400, 'A').c(500, 'FA').s(600, 'FA').c(700, 'A'),
    want: [{
      orig_p: 40000, conn_state: 'SF', history: '^hADaFf', teardown: 'four_way', syn_to_synack_us: null,
      synack_to_ack_us: 200, handshake_us: null,
    }],
  },
  {
    name: 'lone SYN-ACK from port 80: flipped, OTH',
    conv: () => new Conversation().s(0, 'SA', { ack: 1001 }),
    want: [{ orig_p: 40000, resp_p: 80, conn_state: 'OTH', history: '^h' }],
  },
  {
    // Port 5555 is not a likely server port: no flip, the SYN-ACK's sender is the originator.
    name: 'lone SYN-ACK from an unknown port: not flipped, OTH',
    conv: () => odd().s(0, 'SA', { ack: 1001 }),
    want: [{ orig_p: 5555, resp_p: 40000, conn_state: 'OTH', history: 'H' }],
  },
  {
    name: 'RSTRH: SYN-ACK then RST from the responder, SYN never seen',
    conv: () => new Conversation().s(0, 'SA', { ack: 1001 }).s(100, 'R'),
    want: [{ conn_state: 'RSTRH', history: '^hr', teardown: 'rst', rst_by: 'resp', rst_phase: 'handshake' }],
  },
  {
    name: 'SHR: SYN-ACK then FIN from the responder, SYN never seen',
    conv: () => new Conversation().s(0, 'SA', { ack: 1001 }).s(100, 'FA'),
    want: [{ conn_state: 'SHR', history: '^hf', teardown: 'fin_one' }],
  },
  {
    // Zeek's reversal: the SYN from the SYN-ACK's receiver, with the ISN the SYN-ACK acknowledged,
    // flips the roles; '^' comes after that SYN's letter (recorded as the responder's 's').
    name: 'SYN-ACK captured before its SYN (unknown port): roles flipped back, S1',
    conv: () => odd().s(0, 'SA', { ack: 1001 }).c(10, 'S', { seq: 1000 }).c(20, 'A'),
    want: [{
      orig_p: 40000, resp_p: 5555, conn_state: 'S1', history: 'Hs^A', syn_to_synack_us: null,
      synack_to_ack_us: 20, handshake_us: 10,
    }],
  },
  {
    // Port 80: flipped at the SYN-ACK already; the late SYN makes the originator SYN_SENT while the
    // responder is ESTABLISHED: Zeek's OTH.
    name: 'SYN-ACK captured before its SYN (port 80): OTH',
    conv: () => new Conversation().s(0, 'SA', { ack: 1001 }).c(10, 'S', { seq: 1000 }).c(20, 'A'),
    want: [{ orig_p: 40000, conn_state: 'OTH', history: '^hSA' }],
  },
];

export const SCENARIOS_DATA_AND_EDGES: Scenario[] = [
  {
    // The server closed; the client's late request gets a RST (responder CLOSED → RESET).
    name: 'RST after FIN: server closed first, late request answered with RST',
    conv: () => hs().s(2000, 'FA').c(2100, 'A').c(3000, 'PA', { len: 20 }).s(3100, 'R'),
    want: [{
      conn_state: 'RSTR', history: 'ShAfDr', teardown: 'rst_after_fin', rst_phase: 'after_fin', rst_by: 'resp',
      closed_first: 'resp', rst_ack: false, orig_bytes: 20, teardown_us: 1100,
    }],
  },
  {
    name: 'RST after FIN: client FIN, server resets (unread data)',
    conv: () => hs().c(2000, 'PA', { len: 10 }).c(2100, 'FA').s(2200, 'RA'),
    want: [{ conn_state: 'RSTR', history: 'ShADFr', teardown: 'rst_after_fin', rst_phase: 'after_fin', closed_first: 'orig', rst_by: 'resp' }],
  },
  {
    name: 'RST after FIN: the closer itself aborts',
    conv: () => hs().c(2000, 'FA').s(2100, 'A').c(3000, 'RA'),
    want: [{ conn_state: 'RSTO', history: 'ShAFaR', teardown: 'rst_after_fin', rst_by: 'orig' }],
  },
  {
    // After a FIN exchange a RST changes no state (UpdateClosedState): still SF, four-way.
    name: 'FIN both ways, then RST instead of the last ACK',
    conv: () => hs().c(2000, 'PA', { len: 5 }).s(2100, 'PA', { len: 7 }).c(3000, 'FA').s(3100, 'FA').c(3200, 'R'),
    want: [{ conn_state: 'SF', history: 'ShADdFfR', teardown: 'four_way', close_kind: 'fin_both', rst_by: 'orig', rst_phase: 'after_fin' }],
  },
  {
    name: 'FIN+RST in one packet (I)',
    conv: () => hs().c(2000, 'PA', { len: 10 }).c(3000, 'FRA'),
    want: [{ conn_state: 'RSTO', history: 'ShADI', teardown: 'fin_rst', fin_rst_by: 'orig', rst_ack: true }],
  },
  {
    name: 'SYN+FIN (Q): SH',
    conv: () => new Conversation().c(0, 'SF'),
    want: [{ conn_state: 'SH', history: 'Q', teardown: 'fin_one' }],
  },
  {
    // History 'Q' does not match RSTOS0's ^?S[^HAFGIQ]*R: OTH.
    name: 'SYN+RST (Q): OTH',
    conv: () => new Conversation().c(0, 'SR'),
    want: [{ conn_state: 'OTH', history: 'Q', teardown: 'rst' }],
  },
  {
    name: 'RST after 61 s idle (middlebox timeout signature)',
    conv: () => hs().c(2000, 'PA', { len: 10 }).s(3000, 'A').s(3000 + 61 * SEC, 'R'),
    want: [{ conn_state: 'RSTR', history: 'ShADar', teardown: 'rst', rst_phase: 'after_idle' }],
  },
  {
    // A new ISN on a closed connection: a second record (Zeek's IsReuse).
    name: 'port reuse after a close',
    conv: () => hs().c(2000, 'FA').s(2500, 'FA').c(3000, 'A')
      .c(1 * SEC, 'S', { seq: 777_777 }).s(1 * SEC + 900, 'SA', { seq: 888_888 }).c(1 * SEC + 1000, 'A'),
    want: [
      { conn_state: 'SF', history: 'ShAFf', teardown: 'four_way', ...HS },
      { conn_state: 'S1', history: 'ShA', teardown: '', syn_to_synack_us: 900, synack_to_ack_us: 100, handshake_us: 1000 },
    ],
  },
  {
    name: 'mid-stream pickup, no close',
    conv: () => new Conversation(['10.0.0.1', 40000], ['10.0.0.2', 80], 20000, 90000)
      .c(0, 'PA', { len: 100 }).s(100, 'A').s(200, 'PA', { len: 50 }).c(300, 'A'),
    want: [{ conn_state: 'OTH', history: 'DadA', orig_bytes: 100, resp_bytes: 50, teardown: '', ...NO_HS }],
  },
  {
    name: 'mid-stream pickup with a close',
    conv: () => new Conversation(['10.0.0.1', 40000], ['10.0.0.2', 80], 20000, 90000)
      .c(0, 'PA', { len: 100 }).s(100, 'A').c(200, 'FA').s(300, 'FA').c(400, 'A'),
    want: [{ conn_state: 'SF', history: 'DaFfA', teardown: 'four_way', orig_bytes: 100 }],
  },
  {
    // Server port first (443 is a likely server port, 40000 is not): flipped, '^'.
    name: 'mid-stream pickup, the server spoke first',
    conv: () => new Conversation(['10.0.0.1', 40000], ['10.0.0.2', 443], 1001, 5001).s(0, 'PA', { len: 50 }).c(100, 'A'),
    want: [{ orig_p: 40000, resp_p: 443, history: '^dA', conn_state: 'OTH' }],
  },
  {
    // seq = next − 1, no payload: Wireshark keep-alive; the reply repeating the ACK is a
    // keep-alive ACK, not a duplicate ACK. Zeek records nothing new.
    name: '0-byte keep-alive',
    conv: () => hs().c(2000, 'PA', { len: 10 }).s(2100, 'A').c(60 * SEC, 'A', { seq: 1010 }).s(60 * SEC + 100, 'A'),
    want: [{ conn_state: 'S1', history: 'ShADa', orig_keep_alives: 1, resp_dup_acks: 0, orig_retrans: 0, orig_bytes: 10 }],
  },
  {
    // One old byte: Zeek counts it as retransmitted payload (T); Wireshark as a keep-alive only.
    name: '1-byte keep-alive',
    conv: () => hs().c(2000, 'PA', { len: 10 }).s(2100, 'A').c(60 * SEC, 'A', { seq: 1010, len: 1 }).s(60 * SEC + 100, 'A'),
    want: [{ conn_state: 'S1', history: 'ShADaT', orig_keep_alives: 1, orig_retrans: 0, resp_dup_acks: 0, orig_bytes: 10 }],
  },
  {
    name: 'zero window advertised by the responder',
    conv: () => hs().c(2000, 'PA', { len: 10 }).s(2100, 'A', { window: 0 }),
    want: [{ conn_state: 'S1', history: 'ShADaw', resp_zero_windows: 1, orig_zero_windows: 0 }],
  },
  {
    // Second segment first: Wireshark "previous segment not captured", then out-of-order (within
    // the 1500 µs initial RTT). Zeek sees payload below the highest sequence: T. No gap: the hole
    // is filled before the ACK.
    name: 'out-of-order segments',
    conv: () => hs().c(2000, 'PA', { len: 100, seq: 1101 }).c(2001, 'PA', { len: 100, seq: 1001 }).s(2100, 'A', { ack: 1201 }),
    want: [{ history: 'ShADTa', orig_lost_segments: 1, orig_out_of_order: 1, orig_retrans: 0, missed_bytes: 0, orig_bytes: 200 }],
  },
  {
    name: 'retransmitted data not double counted',
    conv: () => hs().c(2000, 'PA', { len: 100 }).c(2500, 'PA', { len: 100, seq: 1001 }).s(2600, 'A')
      .c(3000, 'FA').s(3100, 'FA').c(3200, 'A'),
    want: [{ conn_state: 'SF', history: 'ShADTaFf', orig_bytes: 100, orig_pkts: 6, orig_retrans: 1, orig_out_of_order: 0 }],
  },
  {
    // 100 bytes never captured but acknowledged: a content gap (G after the ACK's 'a'),
    // missed_bytes 100, and the bytes count in orig_bytes (sequence space).
    name: 'acknowledged but unseen data: content gap',
    conv: () => hs().c(2000, 'PA', { len: 100 }).c(2100, 'PA', { len: 100, seq: 1201 }).s(2200, 'A', { ack: 1301 }),
    want: [{ history: 'ShADaG', missed_bytes: 100, orig_bytes: 300, orig_lost_segments: 1 }],
  },
  {
    // Three ACKs of 1101 (two duplicates), then the missing segment 8 ms later: fast retransmission.
    name: 'duplicate ACKs and a fast retransmission',
    conv: () => hs().c(2000, 'PA', { len: 100 }).c(2001, 'PA', { len: 100, seq: 1201 }).c(2002, 'PA', { len: 100, seq: 1301 })
      .s(2100, 'A', { ack: 1101 }).s(2101, 'A', { ack: 1101 }).s(2102, 'A', { ack: 1101 })
      .c(2110, 'PA', { len: 100, seq: 1101 }).s(2200, 'A', { ack: 1401 }),
    want: [{ history: 'ShADaT', resp_dup_acks: 2, orig_retrans: 1, orig_lost_segments: 1, missed_bytes: 0, orig_bytes: 400 }],
  },
  {
    // Data on the SYN: Zeek records S (a SYN is never D) and counts the 100 bytes. Zeek quirk,
    // reproduced: init_endpoint puts last_seq past the SYN's data, so update_last_seq sees a
    // payload that does not advance it and calls DidRxmit: 'T' right after the 'S'.
    name: 'TCP Fast Open: data on the SYN',
    conv: () => new Conversation().c(0, 'S', { len: 100 }).s(1000, 'SA').c(1500, 'A').s(1600, 'PA', { len: 200 })
      .c(1700, 'A').c(2000, 'FA').s(2100, 'FA').c(2200, 'A'),
    want: [{ conn_state: 'SF', history: 'SThAdFf', orig_bytes: 100, resp_bytes: 200, orig_first_data_us: 0, orig_retrans: 0, ...HS, missed_bytes: 0 }],
  },
  {
    name: 'inactivity split: 301 s of silence',
    conv: () => hs().c(2000, 'PA', { len: 10 }).c(2000 + 301 * SEC, 'PA', { len: 10 }),
    want: [
      { conn_state: 'S1', history: 'ShAD', close_kind: 'timeout' },
      { conn_state: 'OTH', history: 'D', close_kind: 'open', ...NO_HS },
    ],
  },
  {
    name: 'IPv6 four-way close',
    conv: () => hs(new Conversation(['2001:db8::1', 50000], ['2001:db8::2', 443])).c(2000, 'PA', { len: 300 })
      .s(2400, 'PA', { len: 1200 }).c(3000, 'FA').s(3100, 'FA').c(3200, 'A'),
    want: [{ ip_version: 6, conn_state: 'SF', history: 'ShADdFf', orig_bytes: 300, resp_bytes: 1200, teardown: 'four_way' }],
  },
];
