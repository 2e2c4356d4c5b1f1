import { WireError } from './errors.js';
import { SENSOR_ID_MAX_BYTES } from './layout.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes of a sensor id, checked once when a builder is made (not per batch). */
export function encodeSensorId(id: string): Uint8Array {
  const bytes = encoder.encode(id);
  if (bytes.length === 0) {
    throw new WireError('TCPLENS_ERR_WIRE_SENSOR_ID', 'sensor id is empty; every batch names its sensor');
  }
  if (bytes.length > SENSOR_ID_MAX_BYTES) {
    throw new WireError(
      'TCPLENS_ERR_WIRE_SENSOR_ID',
      `sensor id "${id}" is ${bytes.length} UTF-8 bytes; the wire format allows at most ${SENSOR_ID_MAX_BYTES}`,
    );
  }
  return bytes;
}

export function decodeSensorId(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new WireError('TCPLENS_ERR_WIRE_SENSOR_ID', 'sensor id in the batch header is not valid UTF-8');
  }
}
