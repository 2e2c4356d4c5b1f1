import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMetrics, serveMetrics } from './metrics.js';

test('Prometheus text: HELP and TYPE once per name, labels escaped, samples of a name together', () => {
  const text = renderMetrics([
    { name: 'a_total', help: 'A.', type: 'counter', value: 3, labels: { reason: 'x"y\\z' } },
    { name: 'b', help: 'B.', type: 'gauge', value: 1.5 },
    { name: 'a_total', help: 'A.', type: 'counter', value: 4, labels: { reason: 'w' } },
  ]);
  assert.equal(text, '# HELP a_total A.\n# TYPE a_total counter\na_total{reason="x\\"y\\\\z"} 3\na_total{reason="w"} 4\n# HELP b B.\n# TYPE b gauge\nb 1.5\n');
});

test('served on /metrics, 404 elsewhere', async () => {
  let v = 1;
  const server = await serveMetrics('127.0.0.1', 0, () => [{ name: 'x', help: 'X.', type: 'gauge', value: v++ }]);
  try {
    const port = (server.address() as { port: number }).port;
    const r = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/plain; version=0\.0\.4/);
    assert.match(await r.text(), /^x 1$/m);
    assert.match(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), /^x 2$/m);
    assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 404);
  } finally {
    server.close();
  }
});
