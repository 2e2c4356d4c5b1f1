/** Every error the alerter throws, by stable code (docs/errors.md lists them). */
import { TcplensError, type ErrorDetails } from '@tcplens/errors';

export const ALERTER_ERRORS = {
  TCPLENS_ERR_ALERTER_BAD_CONFIG: {
    message: 'invalid alerter configuration{file}: {problems}',
    retriable: false,
  },
  TCPLENS_ERR_ALERTER_BAD_OPTION: {
    message: 'invalid alerter option: {problems}',
    retriable: false,
  },
  TCPLENS_ERR_ALERTER_RULE_FAILED: {
    message: 'rule(s) {rules} could not be evaluated: {reason}',
    retriable: true,
  },
  TCPLENS_ERR_ALERTER_WEBHOOK: {
    message: 'webhook {url} failed after {attempts} attempt(s): {reason}',
    retriable: true,
  },
} as const;
export type AlerterErrorCode = keyof typeof ALERTER_ERRORS;

export class AlerterError extends TcplensError<AlerterErrorCode> {
  constructor(code: AlerterErrorCode, details: ErrorDetails = {}, options?: ErrorOptions) {
    super(ALERTER_ERRORS, code, details, options);
    this.name = 'AlerterError';
  }
}
