/** Every error the alerter throws, by stable code (docs/errors.md lists them). */
export const ALERTER_ERRORS = {
  TCPLENS_ERR_ALERTER_BAD_CONFIG: {
    message: 'invalid alerter configuration{file}: {problems}',
    retriable: false,
  },
  TCPLENS_ERR_ALERTER_BAD_OPTION: {
    message: 'invalid alerter option: {problems}',
    retriable: false,
  },
  TCPLENS_ERR_ALERTER_WEBHOOK: {
    message: 'webhook {url} failed after {attempts} attempt(s): {reason}',
    retriable: true,
  },
} as const;
export type AlerterErrorCode = keyof typeof ALERTER_ERRORS;

export class AlerterError extends Error {
  readonly code: AlerterErrorCode;
  readonly retriable: boolean;
  constructor(code: AlerterErrorCode, details: Readonly<Record<string, string | number>>, options?: ErrorOptions) {
    super(ALERTER_ERRORS[code].message.replace(/\{(\w+)\}/g, (m, k: string) => (k in details ? String(details[k]) : m)), options);
    this.name = 'AlerterError';
    this.code = code;
    this.retriable = ALERTER_ERRORS[code].retriable;
  }
}
