export { LiveCapture, type CaptureInfo, type CaptureState, type CaptureStats, type OnBatch, type OnCaptureError } from './live-capture.js';
export { CAPTURE_DEFAULTS, resolveCaptureOptions, type CaptureOptions } from './options.js';
export { decodeBatch, nextRecord, RECORD_HEADER_BYTES, type CaptureBatch } from './batch.js';
export { captureTcp, type TcpCapture } from './tcp-capture.js';
export { becomeUser, dropPrivileges, type BecomeUserResult, type DropPrivilegesResult } from './drop-privileges.js';
export { CaptureError, CaptureErrorCode, type CaptureErrorCodeName, type CaptureErrorDetails } from './errors.js';
export { loadBinding } from './native.js';
