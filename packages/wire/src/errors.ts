/**
 * Every error the wire package raises, with a stable code. None is retriable: a batch that fails
 * validation will fail the same way on every attempt, so a consumer should count it and move on.
 * docs/wire-format.md lists exactly these codes (a test checks it).
 */
export const WIRE_ERRORS = {
  TCPLENS_ERR_WIRE_TRUNCATED: { retriable: false, summary: 'buffer shorter than its header says' },
  TCPLENS_ERR_WIRE_BAD_MAGIC: { retriable: false, summary: 'buffer does not start with "TCPL"' },
  TCPLENS_ERR_WIRE_VERSION: { retriable: false, summary: 'wire format version this build does not read' },
  TCPLENS_ERR_WIRE_HEADER_LENGTH: { retriable: false, summary: 'header length below the minimum of this version' },
  TCPLENS_ERR_WIRE_RECORD_SIZE: { retriable: false, summary: 'record size does not match the batch kind' },
  TCPLENS_ERR_WIRE_TRAILING_BYTES: { retriable: false, summary: 'bytes after the last record' },
  TCPLENS_ERR_WIRE_CHECKSUM: { retriable: false, summary: 'CRC32 does not match the content' },
  TCPLENS_ERR_WIRE_SENSOR_ID: { retriable: false, summary: 'sensor id empty, longer than 63 UTF-8 bytes, or not UTF-8' },
  TCPLENS_ERR_WIRE_KIND: { retriable: false, summary: 'batch is not of the kind asked for' },
  TCPLENS_ERR_WIRE_FIELD_RANGE: { retriable: false, summary: 'a value does not fit its field' },
  TCPLENS_ERR_WIRE_CAPACITY: { retriable: false, summary: 'batch capacity out of range' },
} as const;

export type WireErrorCode = keyof typeof WIRE_ERRORS;

export class WireError extends Error {
  readonly code: WireErrorCode;
  readonly retriable: boolean;

  constructor(code: WireErrorCode, message: string) {
    super(message);
    this.name = 'WireError';
    this.code = code;
    this.retriable = WIRE_ERRORS[code].retriable;
  }
}
