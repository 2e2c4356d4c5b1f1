/**
 * The command's own error codes. Every package has its own table; the CLI prints any error that
 * carries a `TCPLENS_ERR_*` code as one line (no stack trace), because those are user errors.
 */
export const CLI_ERRORS = {
  TCPLENS_ERR_USAGE: { retriable: false, doc: 'bad command line: unknown command, option or value' },
  TCPLENS_ERR_INPUT: { retriable: false, doc: 'an input file cannot be opened or read' },
  TCPLENS_ERR_CONFIG: { retriable: false, doc: 'an option value is invalid (reported all at once)' },
} as const;
export type CliErrorCode = keyof typeof CLI_ERRORS;

export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly retriable: boolean;
  constructor(code: CliErrorCode, message: string) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    this.retriable = CLI_ERRORS[code].retriable;
  }
}

/** An error whose message is meant for the user: it has a stable TCPLENS_ERR_* code. */
export function isUserError(err: unknown): err is Error & { code: string } {
  if (!(err instanceof Error)) return false;
  const code = (err as Error & { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('TCPLENS_ERR_');
}
