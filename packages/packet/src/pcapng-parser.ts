// pcapng (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html): a sequence of blocks
//   type(4) total length(4) body... total length(4); lengths are multiples of 4, >= 12.
//   SHB 0a0d0d0a: byte-order magic 1a2b3c4d(4) major(2) minor(2) section length(8) options
//       (starts a section: byte order and interface list restart)
//   IDB 1: see pcapng-interface.ts
//   EPB 6: interface(4) ts high(4) ts low(4) captured len(4) original len(4) data options
//   OPB 2 (obsolete): interface(2) drops(2) ts high(4) ts low(4) captured len(4) original len(4) data
//   SPB 3: original len(4) data (interface 0, captured len = min(original, snaplen, room))
//   NRB 4, ISB 5, journal 9, DSB 10: known, skipped; any other type: skipped and counted.
import { u32 } from './bytes.js';
import { MAX_RECORD_BYTES, type CaptureParser, type OnTcp } from './capture-parser.js';
import { decodeFrameAt } from './decode-frame.js';
import type { DecodeStats } from './decode-stats.js';
import { PacketError } from './errors.js';
import type { MutableTcpPacket } from './mutable-tcp-packet.js';
import { parseInterfaceBlock, type PcapngInterface } from './pcapng-interface.js';
import { splitTimestamp, type SplitTs } from './timestamp.js';

export const PCAPNG_SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** Block type → minimum total length (header + fixed fields + trailer). */
const BLOCK_MIN_LEN: ReadonlyMap<number, number> = new Map([
  [PCAPNG_SHB, 28],
  [1, 20], // IDB
  [2, 32], // OPB
  [3, 16], // SPB
  [6, 32], // EPB
]);
const SKIPPED_BLOCKS: ReadonlySet<number> = new Set([4, 5, 9, 10]);

export class PcapngParser implements CaptureParser {
  readonly format = 'pcapng';
  need = 12;
  linkTypes: number[] = [];
  private le = false;
  private sawShb = false;
  private interfaces: PcapngInterface[] = [];
  private streamOffset = 0;
  private readonly ts: SplitTs = { sec: 0, nsec: 0 };

  constructor(
    private readonly out: MutableTcpPacket,
    private readonly stats: DecodeStats,
    private readonly onTcp: OnTcp,
  ) {}

  parse(b: Uint8Array, off: number, end: number): number {
    let o = off;
    for (;;) {
      if (end - o < 12) return this.stop(off, o, 12);
      const type = u32(b, o, this.le); // SHB's type is a palindrome: readable in either order
      if (type === PCAPNG_SHB) {
        const bom = u32(b, o + 8, false);
        if (bom === BYTE_ORDER_MAGIC) this.le = false;
        else if (bom === 0x4d3c2b1a) this.le = true;
        else this.corrupt(off, o, `bad byte-order magic ${bom.toString(16)}`);
      } else if (!this.sawShb) {
        this.corrupt(off, o, 'first block is not a section header');
      }
      const len = u32(b, o + 4, this.le);
      const min = type === 6 ? 32 : (BLOCK_MIN_LEN.get(type) ?? 12); // EPB first: the hot case
      if (len < min || len % 4 !== 0 || len > MAX_RECORD_BYTES) {
        this.corrupt(off, o, `block type 0x${type.toString(16)} with length ${len}`);
      }
      if (end - o < len) return this.stop(off, o, len);
      if (u32(b, o + len - 4, this.le) !== len) this.corrupt(off, o, `trailing length differs from ${len}`);
      this.block(type, b, o, len, off);
      o += len;
    }
  }

  private block(type: number, b: Uint8Array, o: number, len: number, off: number): void {
    const le = this.le;
    switch (type) {
      case 6: // EPB
      case 2: {
        // OPB
        const ifId = type === 6 ? u32(b, o + 8, le) : le ? b[o + 8]! | (b[o + 9]! << 8) : (b[o + 8]! << 8) | b[o + 9]!;
        const capLen = u32(b, o + 20, le);
        if (capLen > len - 32) this.corrupt(off, o, `captured length ${capLen} beyond block length ${len}`);
        const iface = this.interfaces[ifId];
        if (iface === undefined) {
          this.stats.packets++;
          this.stats.reasons.pcapng_bad_interface++;
          return;
        }
        splitTimestamp(u32(b, o + 12, le), u32(b, o + 16, le), iface.resolution, this.ts);
        const origLen = u32(b, o + 24, le);
        if (decodeFrameAt(iface.linkType, b, o + 28, capLen, origLen, this.ts.sec, this.ts.nsec, this.out, this.stats)) {
          this.onTcp(this.out);
        }
        return;
      }
      case 3: {
        // SPB: no timestamp
        const iface = this.interfaces[0];
        if (iface === undefined) {
          this.stats.packets++;
          this.stats.reasons.pcapng_bad_interface++;
          return;
        }
        const origLen = u32(b, o + 8, le);
        let capLen = Math.min(origLen, len - 16);
        if (iface.snapLen > 0 && iface.snapLen < capLen) capLen = iface.snapLen;
        if (decodeFrameAt(iface.linkType, b, o + 12, capLen, origLen, 0, 0, this.out, this.stats)) this.onTcp(this.out);
        return;
      }
      case 1: {
        const iface = parseInterfaceBlock(b, o, len, le);
        this.interfaces.push(iface);
        if (!this.linkTypes.includes(iface.linkType)) this.linkTypes.push(iface.linkType);
        return;
      }
      case PCAPNG_SHB:
        this.sawShb = true;
        this.interfaces = [];
        return;
      default:
        if (!SKIPPED_BLOCKS.has(type)) this.stats.reasons.pcapng_unknown_block++;
    }
  }

  private stop(off: number, o: number, need: number): number {
    this.need = need;
    this.streamOffset += o - off;
    return o;
  }

  private corrupt(off: number, o: number, reason: string): never {
    this.stats.reasons.pcapng_corrupt_block++;
    throw new PacketError('TCPLENS_ERR_CORRUPT_CAPTURE', {
      format: 'pcapng', offset: this.streamOffset + (o - off), reason, packets: this.stats.packets,
    });
  }
}
