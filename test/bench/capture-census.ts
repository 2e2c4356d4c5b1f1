/**
 * What a bench capture contains, counted from the file itself (not from what the generators
 * believe they did): connection attempts, accepted handshakes, resets by side, refusals.
 */
import { scanPcap } from './pcap-scan.js';

export interface CaptureCensus {
  packets: number;
  ipv6Packets: number;
  durationSec: number;
  /** Pure SYNs toward a server port: one per connection attempt (loopback does not lose SYNs). */
  attempts: number;
  /** SYN-ACKs from a server port. */
  accepted: number;
  /** RST from the closed port: refused attempts. */
  refused: number;
  /** RST packets from the client side (an abort during a large answer may cost several). */
  clientRstPackets: number;
  /** RST packets from the server ports. */
  serverRstPackets: number;
  /** FIN packets, either side. */
  fins: number;
}

export function captureCensus(file: string, serverPorts: readonly number[], closedPort: number): CaptureCensus {
  const servers = new Set(serverPorts);
  const c = { ipv6Packets: 0, attempts: 0, accepted: 0, refused: 0, clientRstPackets: 0, serverRstPackets: 0, fins: 0 };
  const scan = scanPcap(file, (p) => {
    if (p.ipVersion === 6) c.ipv6Packets++;
    const toServer = servers.has(p.dstPort) || p.dstPort === closedPort;
    if ((p.flags & 0x12) === 0x02 && toServer) c.attempts++;
    if ((p.flags & 0x12) === 0x12 && servers.has(p.srcPort)) c.accepted++;
    if (p.flags & 0x01) c.fins++;
    if (p.flags & 0x04) {
      if (p.srcPort === closedPort) c.refused++;
      else if (servers.has(p.srcPort)) c.serverRstPackets++;
      else if (toServer) c.clientRstPackets++;
    }
  });
  return { packets: scan.packets, durationSec: (scan.lastTsUs - scan.firstTsUs) / 1e6, ...c };
}
