/**
 * TCP conversations on loopback whose outcome we know in advance, each written so the kernel has
 * no choice: every FIN and RST below is forced by the order of socket calls, not by timing.
 *
 * The expected values use the ConnectionRecord vocabulary (packages/lifecycle/src/record.ts);
 * conn_state follows Zeek's conn_state() in base/protocols/conn/main.zeek:
 *   responder RESET, originator still in SYN_SENT             -> REJ
 *   responder RESET otherwise (originator active)             -> RSTR
 *   originator RESET, responder active                        -> RSTO
 *   both CLOSED                                               -> SF
 * Byte counts are Zeek's: sequence-space payload per side, so data that the peer answered with a
 * RST still counts (it was sent).
 */
import type * as net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { closed, connectClient, freePort, received, type LoopbackHost, type LoopbackServer } from './loopback-server.js';

export interface ExpectedOutcome {
  conn_state: 'SF' | 'REJ' | 'RSTO' | 'RSTR';
  close_kind: 'fin_both' | 'rst';
  closed_first: 'orig' | 'resp';
  rst_by: '' | 'orig' | 'resp';
  rst_phase: '' | 'handshake' | 'established' | 'after_fin';
  orig_bytes: number;
  resp_bytes: number;
}

export interface ScenarioResult {
  name: string;
  host: LoopbackHost;
  /** The originator's (client's) ephemeral port: with the two hosts, the connection's key. */
  clientPort: number;
  serverPort: number;
  expected: ExpectedOutcome;
}

const REQUEST = 'GET /tcplens HTTP/1.0\r\nHost: loopback\r\n\r\n';
const RESPONSE = 'HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello';
const bytes = (s: string): number => Buffer.byteLength(s);

function result(name: string, srv: { host: LoopbackHost; port: number }, clientPort: number, expected: ExpectedOutcome): ScenarioResult {
  return { name, host: srv.host, clientPort, serverPort: srv.port, expected };
}

/** Read while connected: a closed socket no longer reports its port. */
function localPortOf(sock: net.Socket): number {
  if (sock.localPort === undefined) throw new Error('connected socket has no local port');
  return sock.localPort;
}

/** Request, response, client FIN, server FIN: SF. */
export async function normalClose(srv: LoopbackServer, payload = REQUEST, response = RESPONSE): Promise<ScenarioResult> {
  const accepted = srv.accept();
  const client = await connectClient(srv.host, srv.port);
  const port = localPortOf(client);
  const server = await accepted;
  const atServer = received(server);
  const atClient = received(client);
  client.write(payload);
  await atServer.atLeast(bytes(payload));
  server.write(response);
  await atClient.atLeast(bytes(response));
  client.end(); // client FIN first
  await atServer.ended;
  server.end(); // then server FIN
  await Promise.all([closed(client), closed(server)]);
  return result('normalClose', srv, port, {
    conn_state: 'SF', close_kind: 'fin_both', closed_first: 'orig', rst_by: '', rst_phase: '',
    orig_bytes: bytes(payload), resp_bytes: bytes(response),
  });
}

/** Client sends data, the server has read it, then the client aborts (SO_LINGER 0): RSTO. */
export async function clientReset(srv: LoopbackServer, payload = REQUEST): Promise<ScenarioResult> {
  const accepted = srv.accept();
  const client = await connectClient(srv.host, srv.port);
  const port = localPortOf(client);
  const server = await accepted;
  const atServer = received(server);
  client.write(payload);
  await atServer.atLeast(bytes(payload));
  client.resetAndDestroy();
  await Promise.all([closed(client), closed(server)]);
  return result('clientReset', srv, port, {
    conn_state: 'RSTO', close_kind: 'rst', closed_first: 'orig', rst_by: 'orig', rst_phase: 'established',
    orig_bytes: bytes(payload), resp_bytes: 0,
  });
}

/** Client sends a request, the server reads it and aborts: RSTR. */
export async function serverReset(srv: LoopbackServer, payload = REQUEST): Promise<ScenarioResult> {
  const accepted = srv.accept();
  const client = await connectClient(srv.host, srv.port);
  const port = localPortOf(client);
  const server = await accepted;
  const atServer = received(server);
  received(client);
  client.write(payload);
  await atServer.atLeast(bytes(payload));
  server.resetAndDestroy();
  const err = await closed(client);
  if (err?.code !== 'ECONNRESET') throw new Error(`serverReset: client saw ${err?.code ?? 'no error'}`);
  return result('serverReset', srv, port, {
    conn_state: 'RSTR', close_kind: 'rst', closed_first: 'resp', rst_by: 'resp',
    rst_phase: 'established', orig_bytes: bytes(payload), resp_bytes: 0,
  });
}

/**
 * SYN to a port nobody listens on; the kernel answers RST+ACK: REJ. The client binds a known
 * local port first, because a refused socket never reports one.
 */
export async function refused(closedPort: number, host: LoopbackHost = '127.0.0.1'): Promise<ScenarioResult> {
  for (let attempt = 0; ; attempt++) {
    const localPort = await freePort(host);
    try {
      const s = await connectClient(host, closedPort, localPort);
      s.destroy();
      throw new Error(`refused: port ${closedPort} accepted a connection`);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' && attempt < 5) continue;
      if (code !== 'ECONNREFUSED') throw e;
    }
    return result('refused', { host, port: closedPort }, localPort, {
      conn_state: 'REJ', close_kind: 'rst', closed_first: 'resp', rst_by: 'resp', rst_phase: 'handshake',
      orig_bytes: 0, resp_bytes: 0,
    });
  }
}

/**
 * The server answers and closes its socket completely (FIN, then close(2)); the client, still
 * half-open, writes a late request. The server's kernel has no reader for it, so it answers the
 * data with a RST: the classic "RST after FIN" from the responder. RSTR.
 */
export async function serverClosesFirst(srv: LoopbackServer, payload = REQUEST, late = 'LATE\r\n', response = RESPONSE): Promise<ScenarioResult> {
  const accepted = srv.accept();
  const client = await connectClient(srv.host, srv.port);
  const port = localPortOf(client);
  const server = await accepted;
  const atServer = received(server);
  const atClient = received(client);
  client.write(payload);
  await atServer.atLeast(bytes(payload));
  await new Promise<void>((resolve) => server.end(response, resolve)); // FIN queued after the response
  server.destroy(); // close(2): the socket is an orphan now, late data gets a RST
  await closed(server);
  await atClient.ended; // the server's FIN reached the client
  await new Promise<void>((resolve, reject) => client.write(late, (e) => (e ? reject(e) : resolve())));
  // After its EOF the client no longer reads, so it would never notice the RST by itself. An empty
  // write sends no byte but reports the socket's error: EPIPE/ECONNRESET once the RST arrived.
  await sleep(50);
  const probe = await new Promise<NodeJS.ErrnoException | null | undefined>((resolve) => client.write('', resolve));
  if (probe?.code !== 'ECONNRESET' && probe?.code !== 'EPIPE') {
    throw new Error(`serverClosesFirst: client saw ${probe?.code ?? 'no error'}, expected a reset`);
  }
  await closed(client);
  return result('serverClosesFirst', srv, port, {
    conn_state: 'RSTR', close_kind: 'rst', closed_first: 'resp', rst_by: 'resp', rst_phase: 'after_fin',
    orig_bytes: bytes(payload) + bytes(late), resp_bytes: bytes(response),
  });
}

/**
 * The client sends its request and shuts down its write side at once (FIN, SHUT_WR); the server
 * reads to the FIN, then still sends `chunks` pieces of data, then its own FIN: SF, orig first.
 */
export async function halfClose(srv: LoopbackServer, payload = REQUEST, chunks = 3, chunk = 'x'.repeat(1000)): Promise<ScenarioResult> {
  const accepted = srv.accept();
  const client = await connectClient(srv.host, srv.port);
  const port = localPortOf(client);
  const server = await accepted;
  const atServer = received(server);
  const atClient = received(client);
  client.end(payload);
  await atServer.ended;
  for (let i = 0; i < chunks; i++) {
    server.write(chunk);
    await atClient.atLeast((i + 1) * bytes(chunk)); // one segment at a time, all after the FIN
  }
  server.end();
  await atClient.ended;
  await Promise.all([closed(client), closed(server)]);
  return result('halfClose', srv, port, {
    conn_state: 'SF', close_kind: 'fin_both', closed_first: 'orig', rst_by: '', rst_phase: '',
    orig_bytes: bytes(payload), resp_bytes: chunks * bytes(chunk),
  });
}
