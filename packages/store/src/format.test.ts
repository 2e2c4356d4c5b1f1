import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable, formatCsv, formatJson } from './format.js';
import type { QueryResult } from './query.js';

const RESULT: QueryResult = {
  columns: [
    { name: 'server', type: 'String' },
    { name: 'conns', type: 'UInt64' },
    { name: 'p50_us', type: 'Nullable(UInt64)' },
    { name: 'note', type: 'String' },
  ],
  rows: [
    { server: '10.0.0.1:80', conns: 12345, p50_us: 300, note: 'a,b' },
    { server: '[2001:db8::1]:443', conns: 7, p50_us: null, note: 'say "hi"' },
  ],
};

describe('formatters', () => {
  it('formatTable aligns columns, right-aligns numbers, shows NULL and the row count', () => {
    assert.equal(
      formatTable(RESULT),
      [
        'server             conns  p50_us  note',
        '-----------------  -----  ------  --------',
        '10.0.0.1:80        12345     300  a,b',
        '[2001:db8::1]:443      7    NULL  say "hi"',
        '(2 rows)',
        '',
      ].join('\n'),
    );
    assert.equal(formatTable({ columns: [{ name: 'n', type: 'UInt8' }], rows: [] }), 'n\n-\n(0 rows)\n');
  });

  it('formatCsv quotes fields with commas and quotes, NULL is empty', () => {
    assert.equal(formatCsv(RESULT), 'server,conns,p50_us,note\n10.0.0.1:80,12345,300,"a,b"\n[2001:db8::1]:443,7,,"say ""hi"""\n');
  });

  it('formatJson writes one object per line in column order', () => {
    assert.equal(
      formatJson(RESULT),
      '{"server":"10.0.0.1:80","conns":12345,"p50_us":300,"note":"a,b"}\n' +
        '{"server":"[2001:db8::1]:443","conns":7,"p50_us":null,"note":"say \\"hi\\""}\n',
    );
  });

  it('arrays are rendered as JSON in table and CSV', () => {
    const r: QueryResult = { columns: [{ name: 'sensors', type: 'Array(String)' }], rows: [{ sensors: ['a', 'b'] }] };
    assert.equal(formatCsv(r), 'sensors\n"[""a"",""b""]"\n');
    assert.match(formatTable(r), /\["a","b"\]/);
  });
});
