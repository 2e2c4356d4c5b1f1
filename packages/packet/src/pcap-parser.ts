// pcap (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html):
//   file header (24): magic(4) major(2) minor(2) thiszone(4) sigfigs(4) snaplen(4) linktype(4)
//     magic a1b2c3d4 = µs timestamps, a1b23c4d = ns; written in the writer's byte order.
//     linktype: low 16 bits; the upper bits carry FCS information we do not need.
//   record header (16): ts_sec(4) ts_frac(4) incl_len(4) orig_len(4), then incl_len bytes
import { u32 } from './bytes.js';
import { MAX_RECORD_BYTES, type CaptureParser, type OnTcp } from './capture-parser.js';
import { decodeFrameAt } from './decode-frame.js';
import type { DecodeStats } from './decode-stats.js';
import { PacketError } from './errors.js';
import type { MutableTcpPacket } from './mutable-tcp-packet.js';

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;

export class PcapParser implements CaptureParser {
  readonly format = 'pcap';
  need = 24;
  linkTypes: number[] = [];
  private headerDone = false;
  private le = false;
  private fracToNsec = 1000;
  private linkType = 0;
  /** Stream offset of the byte at the `off` passed to parse (for error messages). */
  private streamOffset = 0;

  constructor(
    private readonly out: MutableTcpPacket,
    private readonly stats: DecodeStats,
    private readonly onTcp: OnTcp,
  ) {}

  parse(b: Uint8Array, off: number, end: number): number {
    let o = off;
    if (!this.headerDone) {
      if (end - o < 24) return this.stop(off, o, 24);
      this.readFileHeader(b, o);
      o += 24;
    }
    const { le, out, stats, onTcp, linkType, fracToNsec } = this;
    while (end - o >= 16) {
      const capLen = u32(b, o + 8, le);
      if (capLen > MAX_RECORD_BYTES) {
        stats.reasons.pcap_corrupt_record++;
        throw new PacketError('TCPLENS_ERR_CORRUPT_CAPTURE', {
          format: 'pcap', offset: this.streamOffset + (o - off),
          reason: `record length ${capLen} > ${MAX_RECORD_BYTES}`, packets: stats.packets,
        });
      }
      if (end - o < 16 + capLen) return this.stop(off, o, 16 + capLen);
      const tsSec = u32(b, o, le);
      const tsNsec = u32(b, o + 4, le) * fracToNsec;
      const origLen = u32(b, o + 12, le);
      if (decodeFrameAt(linkType, b, o + 16, capLen, origLen, tsSec, tsNsec, out, stats)) onTcp(out);
      o += 16 + capLen;
    }
    return this.stop(off, o, 16);
  }

  private stop(off: number, o: number, need: number): number {
    this.need = need;
    this.streamOffset += o - off;
    return o;
  }

  private readFileHeader(b: Uint8Array, o: number): void {
    const be = u32(b, o, false);
    const le = u32(b, o, true);
    if (be === PCAP_MAGIC_US || be === PCAP_MAGIC_NS) this.le = false;
    else if (le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS) this.le = true;
    else throw new Error(`PcapParser given a non-pcap header ${be.toString(16)}`);
    this.fracToNsec = (this.le ? le : be) === PCAP_MAGIC_NS ? 1 : 1000;
    this.linkType = u32(b, o + 20, this.le) & 0xffff;
    this.linkTypes = [this.linkType];
    this.headerDone = true;
  }
}
