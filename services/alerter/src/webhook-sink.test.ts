import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookSink } from './webhook-sink.js';
import { AlerterError } from './errors.js';
import type { AlertEvent } from './alert.js';

const event: AlertEvent = {
  rule: 'rst-spike', scope: { kind: 'service', server: '10.0.0.1:81', resp_h: '::ffff:10.0.0.1', resp_p: 81 }, observed: 0.5, baseline: 0.03,
  threshold: 0.08, reason: 'baseline', windowStartUs: 1_709_294_400_000_000, windowEndUs: 1_709_294_410_000_000, conns: 60, rsts: 30,
  topClients: [{ name: '192.168.9.9', count: 30 }], topSensors: [{ name: 'edge-1', count: 30 }], exampleUids: ['Cx1'], sql: 'SELECT 1',
  state: 'firing', startedUs: 1_709_294_410_000_000, resolvedUs: null,
};

const servers: Server[] = [];
after(() => servers.forEach((s) => s.close()));

/** Answers with the given statuses in turn (then 200); records each request body and its time. */
async function receiver(statuses: number[]): Promise<{ url: string; bodies: unknown[]; times: number[] }> {
  const bodies: unknown[] = [];
  const times: number[] = [];
  const srv = createServer(async (req: IncomingMessage, res) => {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    bodies.push(JSON.parse(text));
    times.push(performance.now());
    res.statusCode = statuses.shift() ?? 200;
    res.end();
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/alerts`, bodies, times };
}

describe('webhook sink', () => {
  it('retries 5xx with doubling backoff and delivers the alert JSON on the third attempt', async () => {
    const r = await receiver([503, 500]);
    const sink = webhookSink({ url: r.url, maxAttempts: 5, backoffMs: 50, timeoutMs: 2000 });
    await sink.deliver(event);
    assert.deepEqual(sink.stats, { delivered: 1, failedAttempts: 2, dropped: 0 });
    assert.equal(r.bodies.length, 3);
    const body = r.bodies[2] as Record<string, unknown>;
    assert.equal(body['rule'], 'rst-spike');
    assert.equal(body['state'], 'firing');
    assert.deepEqual(body['scope'], event.scope);
    assert.equal(body['started_at'], '2024-03-01T12:00:10.000Z');
    assert.deepEqual(body['example_uids'], ['Cx1']);
    assert.equal(body['sql'], 'SELECT 1');
    const gaps = [r.times[1]! - r.times[0]!, r.times[2]! - r.times[1]!];
    assert.ok(gaps[0]! >= 45 && gaps[1]! >= 95, `backoff gaps ${gaps.join(', ')} ms`);
  });

  it('gives up after maxAttempts, counting each failure, with a retriable error', async () => {
    const r = await receiver([500, 500, 500, 500]);
    const sink = webhookSink({ url: r.url, maxAttempts: 3, backoffMs: 1, timeoutMs: 2000 });
    await assert.rejects(sink.deliver(event), (e: unknown) => {
      assert.ok(e instanceof AlerterError && e.code === 'TCPLENS_ERR_ALERTER_WEBHOOK' && e.retriable);
      assert.match(e.message, /failed after 3 attempt\(s\): HTTP 500/);
      return true;
    });
    assert.deepEqual(sink.stats, { delivered: 0, failedAttempts: 3, dropped: 1 });
    assert.equal(r.bodies.length, 3);
  });

  it('does not retry a 4xx refusal; a refused connection is retried', async () => {
    const r = await receiver([400]);
    const sink = webhookSink({ url: r.url, maxAttempts: 5, backoffMs: 1, timeoutMs: 2000 });
    await assert.rejects(sink.deliver(event), /after 1 attempt\(s\): HTTP 400/);
    assert.equal(r.bodies.length, 1);
    const down = webhookSink({ url: 'http://127.0.0.1:9/x', maxAttempts: 2, backoffMs: 1, timeoutMs: 2000 });
    await assert.rejects(down.deliver(event), /after 2 attempt\(s\)/);
    assert.deepEqual(down.stats, { delivered: 0, failedAttempts: 2, dropped: 1 });
  });
});
