/**
 * Every error this package throws, by stable code. Messages are templates: `{name}` is replaced from
 * the details passed to PacketError. `retriable` tells a caller whether trying again can help (it
 * never does for a bad file).
 */
import { TcplensError, type ErrorDetails } from '@tcplens/errors';

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

export type PacketErrorDetails = ErrorDetails;

export class PacketError extends TcplensError<PacketErrorCodeName> {
  constructor(code: PacketErrorCodeName, details: ErrorDetails = {}, options?: ErrorOptions) {
    super(PacketErrorCode, code, details, options);
    this.name = 'PacketError';
  }
}
