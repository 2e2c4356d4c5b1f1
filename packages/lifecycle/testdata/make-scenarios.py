#!/usr/bin/env python3
"""Drives the kernel's TCP stack on loopback through teardown scenarios, one connection each,
while tcpdump records them: `python3 make-scenarios.py` (as root) writes scenarios-loopback.pcap
and scenarios-tshark.json (tshark's per-stream view of the same file, the golden reference).
Server port 18801; 18802 is closed (refused). Client ports are recorded in the JSON by name."""
import json, os, socket, struct, subprocess, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
PCAP = os.path.join(HERE, 'scenarios-loopback.pcap')
PORT = 18801
names = {}

def server():
    ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    ls.bind(('127.0.0.1', PORT)); ls.listen(16)
    while True:
        s, addr = ls.accept()
        mode = s.recv(16, socket.MSG_PEEK)[:4]
        if mode == b'QUIT': return
        threading.Thread(target=handle, args=(s,), daemon=True).start()

def handle(s):
    cmd = s.recv(4)
    if cmd == b'NORM':   # client closes first
        s.sendall(b'x' * 300); s.recv(100); s.close()
    elif cmd == b'SRVF': # server closes first
        s.sendall(b'y' * 200); s.close()
    elif cmd == b'HALF': # client half-closes, server keeps sending
        while s.recv(100): pass
        s.sendall(b'z' * 3000); s.close()
    elif cmd == b'RSTC': # client aborts
        s.recv(100); time.sleep(0.3); s.close()
    elif cmd == b'LATE': # server closes, client's late request gets a RST
        s.close()
    elif cmd == b'ZWIN': # server does not read for a while: zero window
        time.sleep(0.6)
        while s.recv(65536): pass
        s.close()
    elif cmd == b'KEEP': # idle with keep-alives, then close
        s.recv(100); s.close()

def client(name, body):
    c = socket.socket(); body(c)
    names[name] = c.getsockname()[1] if name not in names else names[name]

def run():
    t = threading.Thread(target=server, daemon=True); t.start(); time.sleep(0.2)
    def norm(c):
        c.connect(('127.0.0.1', PORT)); names['normal'] = c.getsockname()[1]
        c.sendall(b'NORM' + b'a' * 96); c.recv(300); c.close(); time.sleep(0.2)
    def srvf(c):
        c.connect(('127.0.0.1', PORT)); names['server_first'] = c.getsockname()[1]
        c.sendall(b'SRVF'); time.sleep(0.1); c.recv(1000); c.close(); time.sleep(0.2)
    def half(c):
        c.connect(('127.0.0.1', PORT)); names['half_close'] = c.getsockname()[1]
        c.sendall(b'HALF' + b'b' * 46); c.shutdown(socket.SHUT_WR)
        got = 0
        while True:
            d = c.recv(65536)
            if not d: break
            got += len(d)
        c.close(); time.sleep(0.2)
    def rstc(c):
        c.connect(('127.0.0.1', PORT)); names['client_rst'] = c.getsockname()[1]
        c.sendall(b'RSTC' + b'c' * 10); time.sleep(0.1)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0)); c.close(); time.sleep(0.5)
    def refused(c):
        c.bind(('127.0.0.1', 0)); names['refused'] = c.getsockname()[1]
        try: c.connect(('127.0.0.1', PORT + 1))
        except ConnectionRefusedError: pass
        c.close(); time.sleep(0.2)
    def late(c):
        c.connect(('127.0.0.1', PORT)); names['rst_after_fin'] = c.getsockname()[1]
        c.sendall(b'LATE'); time.sleep(0.2)
        try: c.sendall(b'late request'); time.sleep(0.2); c.sendall(b'again')
        except OSError: pass
        time.sleep(0.2); c.close(); time.sleep(0.2)
    def zwin(c):
        c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
        c.connect(('127.0.0.1', PORT)); names['zero_window'] = c.getsockname()[1]
        c.sendall(b'ZWIN'); c.settimeout(2.0)
        c.sendall(b'd' * 60000); c.shutdown(socket.SHUT_WR); c.recv(10); c.close(); time.sleep(0.3)
    def keep(c):
        c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
        c.connect(('127.0.0.1', PORT)); names['keep_alive'] = c.getsockname()[1]
        c.sendall(b'KEEP'); time.sleep(2.6); c.sendall(b'bye'); c.recv(10); c.close(); time.sleep(0.2)
    for f in (norm, srvf, half, rstc, refused, late, zwin, keep):
        f(socket.socket())
    q = socket.socket(); q.connect(('127.0.0.1', PORT)); q.sendall(b'QUIT'); q.close(); t.join(2)

import sys
VIEW_ONLY = '--view-only' in sys.argv  # recompute the JSON from the existing pcap
if VIEW_ONLY:
    names.update(json.load(open(os.path.join(HERE, 'scenarios-tshark.json')))['scenarios'])
else:
  dump = subprocess.Popen(['tcpdump', '-i', 'lo', '-U', '-w', PCAP, 'tcp port %d or tcp port %d' % (PORT, PORT + 1)],
                        stderr=subprocess.DEVNULL)
  time.sleep(1.0)
  run()
  time.sleep(0.5); dump.terminate(); dump.wait()

fields = ['tcp.stream', 'tcp.srcport', 'tcp.dstport', 'tcp.analysis.initial_rtt', 'tcp.completeness',
          'tcp.analysis.retransmission', 'tcp.analysis.out_of_order', 'tcp.analysis.duplicate_ack',
          'tcp.analysis.zero_window', 'tcp.analysis.keep_alive', 'tcp.analysis.lost_segment']
cmd = ['tshark', '-r', PCAP, '-T', 'fields', '-E', 'separator=|'] + sum([['-e', f] for f in fields], [])
rows = subprocess.run(cmd, capture_output=True, text=True).stdout.strip().split('\n')
streams = {}
for row in rows:
    v = row.split('|')
    st = streams.setdefault(v[0], {'client_port': None, 'initial_rtt_us': None, 'completeness': 0,
                                   'orig': {}, 'resp': {}})
    sport, dport = int(v[1]), int(v[2])
    client_side = dport in (PORT, PORT + 1)
    if st['client_port'] is None: st['client_port'] = sport if client_side else dport
    if v[3]: st['initial_rtt_us'] = round(float(v[3]) * 1e6)
    d = st['orig' if client_side else 'resp']
    for k, f in zip(['retrans', 'out_of_order', 'dup_acks', 'zero_windows', 'keep_alives', 'lost_segments'], v[5:]):
        d[k] = d.get(k, 0) + (1 if f else 0)
# Completeness needs the two-pass view: in one pass a packet shows the flags seen before it.
for row in subprocess.run(['tshark', '-2', '-r', PCAP, '-T', 'fields', '-e', 'tcp.stream', '-e', 'tcp.completeness'],
                          capture_output=True, text=True).stdout.strip().split('\n'):
    k, v = row.split('\t')
    if v: streams[k]['completeness'] = int(v)
out = {'scenarios': names, 'streams': list(streams.values()), 'tshark': subprocess.run(['tshark', '--version'],
       capture_output=True, text=True).stdout.split('\n')[0]}
json.dump(out, open(os.path.join(HERE, 'scenarios-tshark.json'), 'w'), indent=1)
print(json.dumps(names))
