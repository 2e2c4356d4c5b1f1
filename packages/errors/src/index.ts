/**
 * The one error shape every tcplens package throws: a stable `TCPLENS_ERR_*` code from the package's
 * own `as const` table, whether retrying can help, and the details the message template was filled
 * from. Each package keeps its table (docs/errors.md lists them all); this is only the mechanism.
 */
export type ErrorDetails = Readonly<Record<string, string | number>>;

export interface ErrorSpec {
  /** Template: `{name}` is replaced from the details; unknown names stay as written. */
  readonly message: string;
  readonly retriable: boolean;
}

export function formatMessage(template: string, details: ErrorDetails): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) => (key in details ? String(details[key]) : m));
}

export class TcplensError<C extends string> extends Error {
  readonly code: C;
  readonly retriable: boolean;
  readonly details: ErrorDetails;

  constructor(table: Readonly<Record<C, ErrorSpec>>, code: C, details: ErrorDetails = {}, options?: ErrorOptions) {
    super(formatMessage(table[code].message, details), options);
    this.code = code;
    this.retriable = table[code].retriable;
    this.details = details;
  }
}
