import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createConnectionsSql, ttlDaysFromEngine } from './ddl.js';
import { COLUMNS, RECORD_COLUMNS } from './columns.js';
import { encodeRecord, INSERT_COLUMNS, microsText } from './encode.js';
import { makeRecord } from './test-records.js';

describe('ddl', () => {
  it('CREATE TABLE has every column of the table, the engine keys and the TTL', () => {
    const sql = createConnectionsSql('tcplens', 30);
    for (const c of COLUMNS) assert.ok(sql.includes(`  ${c.name} ${c.type}`), c.name);
    assert.match(sql, /ENGINE = ReplacingMergeTree\(inserted_at\)\nPARTITION BY toDate\(ts\)\nORDER BY \(resp_h, resp_p, ts, uid\)\nTTL toDateTime\(inserted_at\) \+ toIntervalDay\(30\)$/);
    assert.doesNotMatch(createConnectionsSql('tcplens', 0), /TTL/);
  });
  it('reads the TTL back from engine_full', () => {
    assert.equal(ttlDaysFromEngine('ReplacingMergeTree(inserted_at) PARTITION BY toDate(ts) ORDER BY (resp_h) TTL toDateTime(inserted_at) + toIntervalDay(14) SETTINGS index_granularity = 8192'), 14);
    assert.equal(ttlDaysFromEngine('ReplacingMergeTree(inserted_at) ORDER BY x SETTINGS index_granularity = 8192'), 0);
  });
});

describe('encode', () => {
  it('writes the record columns only, inserted_at left to the server', () => {
    assert.deepEqual(INSERT_COLUMNS, COLUMNS.map((c) => c.name).filter((n) => n !== 'inserted_at'));
    assert.equal(RECORD_COLUMNS.length, COLUMNS.length - 1);
  });
  it('µs times as exact "seconds.micros" text', () => {
    assert.equal(microsText(1_700_000_000_000_001), '"1700000000.000001"');
    assert.equal(microsText(1_700_000_000_999_999), '"1700000000.999999"');
    assert.equal(microsText(0), '"0.000000"');
  });
  it('one JSON array per line, values in column order', () => {
    const r = makeRecord({ uid: 'Cx"y', history: 'a\nb', handshake_us: null, rst_ack: false, sensors: ['s"1'] });
    const line = encodeRecord(r);
    assert.ok(line.endsWith(']\n') && !line.slice(0, -1).includes('\n'));
    const values = JSON.parse(line) as unknown[];
    const at = (n: string) => values[INSERT_COLUMNS.indexOf(n)];
    assert.equal(values.length, INSERT_COLUMNS.length);
    assert.equal(at('uid'), 'Cx"y');
    assert.equal(at('history'), 'a\nb');
    assert.equal(at('ts'), '1700000000.000000');
    assert.equal(at('handshake_us'), null);
    assert.equal(at('rst_ack'), false);
    assert.deepEqual(at('sensors'), ['s"1']);
    assert.equal(at('resp_p'), 80);
  });
});
