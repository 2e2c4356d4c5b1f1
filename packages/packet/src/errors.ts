/**
 * Every error this package throws, by stable code. Messages are templates: `{name}` is replaced from
 * the details passed to PacketError. `retriable` tells a caller whether trying again can help (it
 * never does for a bad file).
 */
export const PacketErrorCode = {
  TCPLENS_ERR_NOT_A_CAPTURE: {
    message:
      'not a pcap or pcapng capture (first bytes {firstBytes}); expected pcap magic a1b2c3d4/a1b23c4d, pcapng block type 0a0d0d0a or gzip 1f8b',
    retriable: false,
  },
  TCPLENS_ERR_CORRUPT_CAPTURE: {
    message: 'corrupt {format} capture at byte {offset}: {reason} (stopped after {packets} packets)',
    retriable: false,
  },
} as const;
export type PacketErrorCodeName = keyof typeof PacketErrorCode;

export type PacketErrorDetails = Readonly<Record<string, string | number>>;

export class PacketError extends Error {
  readonly code: PacketErrorCodeName;
  readonly retriable: boolean;
  readonly details: PacketErrorDetails;

  constructor(code: PacketErrorCodeName, details: PacketErrorDetails = {}, options?: ErrorOptions) {
    super(formatMessage(PacketErrorCode[code].message, details), options);
    this.name = 'PacketError';
    this.code = code;
    this.retriable = PacketErrorCode[code].retriable;
    this.details = details;
  }
}

function formatMessage(template: string, details: PacketErrorDetails): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) => (key in details ? String(details[key]) : m));
}
