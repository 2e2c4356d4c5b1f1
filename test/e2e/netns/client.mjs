// A client host of the multi-host test (runs inside its network namespace): makes one connection of
// the named kind to the server and prints {"scenario","clientPort","serverPort"} as JSON.
import net from 'node:net';
const [server, portText, kind] = process.argv.slice(2);
const port = Number(portText);
const done = (clientPort) => {
  process.stdout.write(JSON.stringify({ scenario: kind, clientPort, serverPort: port }) + '\n');
  setTimeout(() => process.exit(0), 50);
};

if (kind === 'refused') {
  // A refused socket never reports its local port: bind a known one.
  const local = 40000 + Math.floor(Math.random() * 20000);
  const r = net.connect({ host: server, port, localPort: local });
  r.on('connect', () => {
    console.error('expected a refused connection');
    process.exit(1);
  });
  r.on('error', () => done(local));
} else {
  const s = net.connect({ host: server, port, allowHalfOpen: true });
  s.on('error', (e) => {
    if (kind !== 'serverReset') {
      console.error(e.message);
      process.exit(1);
    }
  });
  s.on('connect', () => {
    const me = s.localPort;
    if (kind === 'normal') {
      s.write('NORMAL\n');
      s.once('data', () => s.end());
      s.on('end', () => s.destroy());
      s.on('close', () => done(me));
    } else if (kind === 'clientReset') {
      s.write('HOLD\n');
      s.once('data', () => {
        s.resetAndDestroy();
        done(me);
      });
    } else if (kind === 'serverReset') {
      s.write('RESET\n');
      s.on('close', () => done(me));
    } else if (kind === 'halfClose') {
      s.end('HALF\n');
      s.on('data', () => {});
      s.on('end', () => {
        s.destroy();
        done(me);
      });
    }
  });
}
