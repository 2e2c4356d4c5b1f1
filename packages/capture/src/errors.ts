/**
 * Every error the live capture raises, by stable code. Messages are templates: `{name}` is replaced
 * from the details. `retriable` says whether trying again later can help (an interface that is
 * down may come up; a bad filter never parses).
 */
import { TcplensError, type ErrorDetails } from '@tcplens/errors';

export const CaptureErrorCode = {
  TCPLENS_ERR_CAPTURE_PERMISSION: {
    message: 'no permission to capture on {iface} ({reason}); run as root or grant CAP_NET_RAW',
    retriable: false,
  },
  TCPLENS_ERR_CAPTURE_NO_SUCH_DEVICE: { message: 'no such capture interface ({reason})', retriable: false },
  TCPLENS_ERR_CAPTURE_IFACE_NOT_UP: { message: 'interface is down ({reason})', retriable: true },
  TCPLENS_ERR_CAPTURE_BAD_FILTER: { message: 'bad capture filter on {iface}: {reason}', retriable: false },
  TCPLENS_ERR_CAPTURE_OPEN_FAILED: { message: 'cannot open capture on {iface}: {reason}', retriable: false },
  TCPLENS_ERR_CAPTURE_READ_FAILED: { message: 'capture on {iface} stopped: {reason}', retriable: true },
  TCPLENS_ERR_CAPTURE_BAD_OPTIONS: { message: 'invalid capture options: {problems}', retriable: false },
  TCPLENS_ERR_CAPTURE_STATE: { message: 'capture on {iface} is {state}; cannot {action}', retriable: false },
  TCPLENS_ERR_CAPTURE_BINDING_MISSING: {
    message: 'native capture binding not built ({reason}); run `npm run build:native -w @tcplens/capture`',
    retriable: false,
  },
  TCPLENS_ERR_CAPTURE_PRIVILEGE_DROP: { message: 'cannot drop privileges to {user}: {reason}', retriable: false },
} as const;
export type CaptureErrorCodeName = keyof typeof CaptureErrorCode;

export type CaptureErrorDetails = ErrorDetails;

export class CaptureError extends TcplensError<CaptureErrorCodeName> {
  constructor(code: CaptureErrorCodeName, details: ErrorDetails = {}, options?: ErrorOptions) {
    super(CaptureErrorCode, code, details, options);
    this.name = 'CaptureError';
  }
}

/** What the native layer reports in err.kind → our code. */
const KIND_TO_CODE = {
  permission: 'TCPLENS_ERR_CAPTURE_PERMISSION',
  no_such_device: 'TCPLENS_ERR_CAPTURE_NO_SUCH_DEVICE',
  iface_not_up: 'TCPLENS_ERR_CAPTURE_IFACE_NOT_UP',
  bad_filter: 'TCPLENS_ERR_CAPTURE_BAD_FILTER',
  other: 'TCPLENS_ERR_CAPTURE_OPEN_FAILED',
} as const satisfies Record<string, CaptureErrorCodeName>;

/** Wraps an error thrown by the native open() into a CaptureError. */
export function fromNativeOpenError(err: unknown, iface: string): CaptureError {
  const e = err as { kind?: string; message?: string; pcapStatus?: number };
  const code = KIND_TO_CODE[(e.kind ?? 'other') as keyof typeof KIND_TO_CODE] ?? KIND_TO_CODE.other;
  return new CaptureError(code, { iface, reason: e.message ?? String(err), pcapStatus: e.pcapStatus ?? 0 }, { cause: err });
}
