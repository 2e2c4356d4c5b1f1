// The server host of the multi-host test (runs inside its network namespace): one TCP listener whose
// behaviour per connection is chosen by the client's first line, so the test knows every outcome.
//   NORMAL   → answer, then close after the client's FIN (SF)
//   RESET    → the server aborts (SO_LINGER 0): RST from the responder (RSTR)
//   HALF     → the client half-closes; after its FIN arrives, send 3000 bytes, then close (SF, half-close)
//   other    → answer and wait for the client (a client reset gives RSTO)
import net from 'node:net';
const [host, port] = process.argv.slice(2);
const server = net.createServer({ allowHalfOpen: true }, (s) => {
  s.on('error', () => {});
  let got = '';
  let half = false;
  s.on('data', (d) => {
    got += d.toString();
    if (!got.includes('\n')) return;
    const cmd = got.split('\n')[0];
    got = '\0';
    if (cmd === 'RESET') s.resetAndDestroy();
    else if (cmd === 'HALF') half = true; // answer only after the client's FIN (below)
    else s.write('OK\n');
  });
  s.on('end', () => {
    if (half) {
      s.write('x'.repeat(3000));
      setTimeout(() => s.end('done\n'), 50);
    } else if (!s.destroyed && s.writable) s.end();
  });
});
server.listen(Number(port), host, () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
