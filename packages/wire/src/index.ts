export { WIRE_ERRORS, WireError, type WireErrorCode } from './errors.js';
export {
  WIRE_VERSION,
  WIRE_TOPIC,
  RECORD_SIZE,
  HEADER_SIZE,
  WATERMARK_SIZE,
  SENSOR_ID_MAX_BYTES,
  BatchKind,
  type BatchKindName,
} from './layout.js';
export { BatchBuilder, MAX_CAPACITY } from './batch-builder.js';
export { BatchReader, openBatch } from './batch-reader.js';
export { RecordCursor } from './record-cursor.js';
export {
  encodeWatermark,
  emptyWatermark,
  WatermarkReason,
  type WatermarkReasonName,
  type Watermark,
  type SensorCounters,
} from './watermark.js';
