// TCP options: kind(1) [length(1) value(length-2)], except EOL (0) and NOP (1) which are one byte.
//   2 MSS len 4 | 3 window scale len 3 | 4 SACK permitted len 2 | 5 SACK len 2+8n (n=1..4)
//   8 timestamps len 10 | 34 TFO len 2 (cookie request) or 6..18 | 254 experimental, TFO if magic F989
import { u16be, u32be } from './bytes.js';
import type { MutableTcpPacket } from './mutable-tcp-packet.js';
import { TcpOption } from './tcp-packet.js';

const TFO_EXPERIMENT_MAGIC = 0xf989;

/** 'ok'; 'overrun': an option runs past `end`; 'malformed': a length impossible for its kind. */
export type OptionsResult = 'ok' | 'overrun' | 'malformed';

/** Reads options in b[o, end) into out (whose option fields the caller has zeroed). Stops at the first problem. */
export function parseTcpOptions(b: Uint8Array, o: number, end: number, out: MutableTcpPacket): OptionsResult {
  while (o < end) {
    const kind = b[o]!;
    if (kind === 0) return 'ok';
    if (kind === 1) {
      o++;
      continue;
    }
    if (o + 2 > end) return 'overrun';
    const len = b[o + 1]!;
    if (len < 2) return 'malformed';
    if (o + len > end) return 'overrun';
    switch (kind) {
      case 2:
        if (len !== 4) return 'malformed';
        out.mss = u16be(b, o + 2);
        out.options |= TcpOption.MSS;
        break;
      case 3:
        if (len !== 3) return 'malformed';
        out.wscale = b[o + 2]!;
        out.options |= TcpOption.WSCALE;
        break;
      case 4:
        if (len !== 2) return 'malformed';
        out.options |= TcpOption.SACK_PERMITTED;
        break;
      case 5:
        if (len < 10 || (len - 2) % 8 !== 0) return 'malformed';
        out.sackBlocks = (len - 2) >> 3;
        out.options |= TcpOption.SACK;
        break;
      case 8:
        if (len !== 10) return 'malformed';
        out.tsVal = u32be(b, o + 2);
        out.tsEcr = u32be(b, o + 6);
        out.options |= TcpOption.TIMESTAMPS;
        break;
      case 34:
        if (len !== 2 && (len < 6 || len > 18)) return 'malformed';
        out.options |= TcpOption.TFO;
        break;
      case 254:
        if (len >= 4 && u16be(b, o + 2) === TFO_EXPERIMENT_MAGIC) out.options |= TcpOption.TFO;
        break;
      default:
        break;
    }
    o += len;
  }
  return 'ok';
}
