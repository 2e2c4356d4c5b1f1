import { createDecodeStats, MutableTcpPacket, type DecodeStats, type OnTcp } from '@tcplens/packet';
import { decodeBatch } from './batch.js';
import { LiveCapture, type OnCaptureError } from './live-capture.js';
import type { CaptureOptions } from './options.js';

export interface TcpCapture {
  readonly capture: LiveCapture;
  /** Decoder counters (packets, tcpPackets, reasons for the frames that were not TCP). */
  readonly decodeStats: DecodeStats;
}

/**
 * Captures on one interface and calls onTcp with a reused TcpPacket cursor for every TCP segment
 * (copy what you keep). Opens immediately, so open errors throw here; stop with capture.stop().
 */
export function captureTcp(
  iface: string, options: Partial<CaptureOptions>, onTcp: OnTcp, onError?: OnCaptureError,
): TcpCapture {
  const capture = new LiveCapture(iface, options);
  const decodeStats = createDecodeStats();
  const out = new MutableTcpPacket();
  capture.start((batch) => decodeBatch(batch, out, decodeStats, onTcp), onError);
  return { capture, decodeStats };
}
