/** conn_state rows, each from Zeek's conn_state() in conn/main.zeek. */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { connState } from './conn-state.js';
import { EndpointState as S, type EndpointStateValue } from './endpoint.js';
import type { ConnState } from './record.js';

const rows: [EndpointStateValue, EndpointStateValue, number, number, string, ConnState][] = [
  [S.SYN_SENT, S.RESET, 0, 0, 'Sr', 'REJ'],
  [S.SYN_ACK_SENT, S.RESET, 0, 0, 'Hr', 'REJ'],
  [S.RESET, S.RESET, 0, 0, 'SRr', 'REJ'],
  [S.RESET, S.RESET, 5, 0, 'ShADRr', 'RSTR'],
  [S.INACTIVE, S.RESET, 0, 0, 'r', 'RSTRH'],
  [S.PARTIAL, S.RESET, 10, 0, 'Dr', 'RSTRH'],
  [S.ESTABLISHED, S.RESET, 10, 0, 'ShADr', 'RSTR'],
  [S.CLOSED, S.RESET, 10, 0, 'ShADFr', 'RSTR'],
  [S.RESET, S.INACTIVE, 0, 0, 'SR', 'RSTOS0'],
  [S.RESET, S.INACTIVE, 0, 0, '^SR', 'RSTOS0'],
  [S.RESET, S.PARTIAL, 0, 0, 'SaR', 'RSTOS0'],
  [S.RESET, S.INACTIVE, 0, 0, 'SAR', 'OTH'],
  [S.RESET, S.INACTIVE, 0, 0, 'DR', 'OTH'],
  [S.RESET, S.ESTABLISHED, 10, 0, 'ShADR', 'RSTO'],
  [S.RESET, S.CLOSED, 10, 0, 'ShADfR', 'RSTO'],
  [S.CLOSED, S.CLOSED, 10, 10, 'ShADadFf', 'SF'],
  [S.CLOSED, S.INACTIVE, 0, 0, 'SF', 'SH'],
  [S.CLOSED, S.PARTIAL, 0, 0, 'DaF', 'SH'],
  [S.CLOSED, S.ESTABLISHED, 0, 0, 'ShAF', 'S2'],
  [S.INACTIVE, S.CLOSED, 0, 0, 'hf', 'SHR'],
  [S.ESTABLISHED, S.CLOSED, 0, 0, 'ShAf', 'S3'],
  [S.SYN_SENT, S.INACTIVE, 0, 0, 'S', 'S0'],
  [S.SYN_ACK_SENT, S.INACTIVE, 0, 0, 'H', 'OTH'],
  [S.ESTABLISHED, S.ESTABLISHED, 0, 0, 'ShA', 'S1'],
  [S.PARTIAL, S.PARTIAL, 0, 0, 'Dd', 'OTH'],
  [S.SYN_SENT, S.ESTABLISHED, 0, 0, 'hS', 'OTH'],
];

for (const [os, rs, o, r, h, want] of rows) {
  test(`conn_state ${os}/${rs} ${h} → ${want}`, () => {
    assert.equal(connState(os, rs, o, r, h), want);
  });
}
