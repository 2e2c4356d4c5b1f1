/**
 * Why a frame or block was not delivered as a TCP segment (or was delivered with a problem).
 * Counted per reason on the hot path, never thrown: one bad packet must not stop a capture.
 */
export const DecodeReason = {
  truncated_link: 'frame shorter than its link-layer header',
  unknown_link_type: 'link type without a decoder',
  unknown_ethertype: 'ethertype / protocol family is neither IPv4 nor IPv6',
  truncated_ip: 'captured bytes end inside the IP header',
  bad_ip_version: 'IP version nibble does not match the link-layer protocol',
  bad_ip_header_length: 'IPv4 IHL < 5',
  bad_ip_total_length: 'IP length smaller than its header or larger than the frame on the wire',
  ip_fragment: 'non-first IP fragment (no TCP header)',
  not_tcp: 'IP protocol is not TCP',
  ipv6_unsupported_ext: 'IPv6 header chain ends in ESP, no-next-header or another unwalkable header',
  truncated_tcp: 'captured bytes end inside the fixed 20-byte TCP header',
  bad_tcp_header_length: 'TCP data offset < 5 or beyond the IP length on the wire',
  truncated_tcp_options: 'snaplen cut the TCP options (segment delivered, options partly read)',
  bad_tcp_option: 'malformed TCP option length (segment delivered, options loop stopped)',
  pcapng_unknown_block: 'pcapng block of an unknown type, skipped',
  pcapng_bad_interface: 'pcapng packet block names an interface that was not described',
  pcapng_corrupt_block: 'pcapng block length impossible (reading stopped)',
  pcap_corrupt_record: 'pcap record length impossible (reading stopped)',
} as const;
export type DecodeReasonName = keyof typeof DecodeReason;

export interface DecodeStats {
  /** Packet records read from the capture (pcap records, pcapng EPB/SPB/OPB). */
  packets: number;
  /** TCP segments delivered to the consumer. */
  tcpPackets: number;
  /** Bytes read from the source (compressed bytes when the input is gzipped). */
  bytesConsumed: number;
  readonly reasons: Record<DecodeReasonName, number>;
  /** Counts by link type for frames with unknown_link_type. */
  readonly unknownLinkTypes: Record<number, number>;
}

export function createDecodeStats(): DecodeStats {
  const reasons = {} as Record<DecodeReasonName, number>;
  for (const k of Object.keys(DecodeReason) as DecodeReasonName[]) reasons[k] = 0;
  return { packets: 0, tcpPackets: 0, bytesConsumed: 0, reasons, unknownLinkTypes: {} };
}
