/**
 * Small node:net building blocks for the loopback scenarios: a server on an ephemeral port whose
 * next accepted socket can be awaited, a free (closed) port, and a byte counter on a socket.
 */
import * as net from 'node:net';

export type LoopbackHost = '127.0.0.1' | '::1';

export interface LoopbackServer {
  readonly host: LoopbackHost;
  readonly port: number;
  readonly server: net.Server;
  /** Resolves with the next accepted connection (call it before the client connects). */
  accept(): Promise<net.Socket>;
  close(): Promise<void>;
}

/**
 * Listens on `host` port 0. The server allows half-open sockets, so every scenario decides itself
 * when each side sends its FIN (Node would otherwise answer a FIN with a FIN at once).
 */
export async function loopbackServer(host: LoopbackHost = '127.0.0.1'): Promise<LoopbackServer> {
  const server = net.createServer({ allowHalfOpen: true });
  const waiting: ((s: net.Socket) => void)[] = [];
  const early: net.Socket[] = [];
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {}); // scenarios provoke resets; the ground truth is the capture
    const w = waiting.shift();
    if (w) w(s);
    else early.push(s);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('loopbackServer: no TCP address');
  return {
    host,
    port: addr.port,
    server,
    accept() {
      const s = early.shift();
      return s ? Promise.resolve(s) : new Promise((resolve) => waiting.push(resolve));
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port that nothing listens on right now (bound, then released). */
export async function freePort(host: LoopbackHost = '127.0.0.1'): Promise<number> {
  const srv = await loopbackServer(host);
  const port = srv.port;
  await srv.close();
  return port;
}

/** Counts the bytes a socket receives and lets the caller wait for a total or for the FIN. */
export interface Received {
  bytes(): number;
  /** Resolves once at least `n` bytes arrived; rejects if the socket ends first. */
  atLeast(n: number): Promise<void>;
  /** Resolves on 'end' (the peer's FIN was read). */
  readonly ended: Promise<void>;
}

export function received(sock: net.Socket): Received {
  let total = 0;
  let done = false;
  const waiters: { n: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  const wake = (): void => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i];
      if (!w) continue;
      if (total >= w.n) w.resolve();
      else if (done) w.reject(new Error(`socket ended after ${total} of ${w.n} bytes`));
      else continue;
      waiters.splice(i, 1);
    }
  };
  const ended = new Promise<void>((resolve) => sock.once('end', resolve));
  ended.catch(() => {});
  sock.on('data', (b: Buffer) => {
    total += b.length;
    wake();
  });
  sock.once('close', () => {
    done = true;
    wake();
  });
  sock.once('end', () => {
    done = true;
    wake();
  });
  return {
    bytes: () => total,
    atLeast(n) {
      return new Promise((resolve, reject) => {
        waiters.push({ n, resolve, reject });
        wake();
      });
    },
    ended,
  };
}

/** Connects a client that keeps its write side open after the server's FIN. */
export async function connectClient(
  host: LoopbackHost,
  port: number,
  localPort?: number,
): Promise<net.Socket> {
  const sock = net.connect({ host, port, allowHalfOpen: true, ...(localPort ? { localPort } : {}) });
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  return sock;
}

/** Resolves when the socket is closed, with the error that closed it if any. */
export function closed(sock: net.Socket, timeoutMs = 5000): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve, reject) => {
    let error: NodeJS.ErrnoException | undefined;
    if (sock.closed) return resolve(undefined);
    const timer = setTimeout(() => reject(new Error(`socket not closed after ${timeoutMs} ms`)), timeoutMs);
    sock.on('error', (e) => (error = e));
    sock.once('close', () => {
      clearTimeout(timer);
      resolve(error);
    });
  });
}

/** A UDP port nobody listens on (bound, read, released). */
export async function freeUdpPort(): Promise<number> {
  const { createSocket } = await import('node:dgram');
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
