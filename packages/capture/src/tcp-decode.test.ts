import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { TcpFlag, formatAddress } from '@tcplens/packet';
import { captureTcp } from './tcp-capture.js';
import { captureSkipReason, sleep, waitFor } from './test-support.js';

interface Seen { src: string; srcPort: number; dstPort: number; flags: number; payloadLen: number }

test('a loopback TCP connection is decoded into TcpPackets with the right ports and flags', { skip: captureSkipReason(), timeout: 20_000 }, async () => {
  const server = createServer((s) => s.on('data', (d) => s.end(d))); // echo, then FIN
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const serverPort = (server.address() as AddressInfo).port;

  const seen: Seen[] = [];
  const { capture, decodeStats } = captureTcp('lo', { filter: `tcp port ${serverPort}` }, (p) => {
    seen.push({ src: formatAddress(p.src), srcPort: p.srcPort, dstPort: p.dstPort, flags: p.flags, payloadLen: p.payloadLen });
  });

  const client = createConnection(serverPort, '127.0.0.1');
  await once(client, 'connect');
  const clientPort = client.address() as AddressInfo;
  client.write('hello tcplens');
  client.on('data', () => client.end());
  await once(client, 'close');
  // Last ACK of the teardown: the client's reply to the server's FIN.
  await waitFor(() => seen.filter((p) => p.flags & TcpFlag.FIN).length >= 2 && seen.length >= 8, 5000);
  await sleep(50);
  const stats = await capture.stop();
  server.close();

  const fromClient = (p: Seen): boolean => p.srcPort === clientPort.port && p.dstPort === serverPort;
  const fromServer = (p: Seen): boolean => p.srcPort === serverPort && p.dstPort === clientPort.port;
  assert.ok(seen.every((p) => fromClient(p) || fromServer(p)), 'every segment belongs to the connection');
  assert.ok(seen.every((p) => p.src === '127.0.0.1'), 'IPv4 addresses decoded');
  const [syn, synAck, ack] = seen;
  assert.ok(syn && fromClient(syn) && syn.flags === TcpFlag.SYN, 'first segment: SYN from the client');
  assert.ok(synAck && fromServer(synAck) && synAck.flags === (TcpFlag.SYN | TcpFlag.ACK), 'then SYN-ACK from the server');
  assert.ok(ack && fromClient(ack) && ack.flags === TcpFlag.ACK, 'then the client ACK');
  assert.ok(seen.some((p) => fromClient(p) && p.payloadLen === 13), 'client data segment of 13 bytes');
  assert.ok(seen.some((p) => fromServer(p) && p.payloadLen === 13), 'echoed 13 bytes');
  assert.ok(seen.some((p) => fromClient(p) && p.flags & TcpFlag.FIN), 'client FIN');
  assert.ok(seen.some((p) => fromServer(p) && p.flags & TcpFlag.FIN), 'server FIN');
  assert.equal(decodeStats.tcpPackets, seen.length);
  assert.equal(decodeStats.packets, stats.delivered, 'every delivered frame went through the decoder');
  assert.equal(stats.dropped, 0);
});
