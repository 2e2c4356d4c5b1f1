import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import { CaptureError } from './errors.js';

/** Options the native open() reads (validated and defaulted in options.ts). */
export interface NativeOpenOptions {
  snaplen: number;
  filter: string;
  bufferSize: number;
  timeoutMs: number;
  immediate: boolean;
  promisc: boolean;
  nano: boolean;
  flushMs: number;
}

export interface NativeInfo {
  linkType: number;
  /** true when libpcap delivers nanosecond timestamps (false: microseconds × 1000). */
  nano: boolean;
  snaplen: number;
  /** Largest record in a batch: 16-byte header + snaplen rounded up to 4. */
  maxRecord: number;
  /** pcap_activate warning, '' if none. */
  warning: string;
}

export interface NativeStats {
  received: number;
  dropped: number;
  ifDropped: number;
}

/** Item kinds the capture thread queues (capture.h cap_item_kind). */
export const NativeItem = { BATCH: 0, ERROR: 1, END: 2 } as const;

export type NativeCallback = (kind: number, slot: number, count: number, used: number, message: string) => void;

declare const handleBrand: unique symbol;
export type NativeHandle = { readonly [handleBrand]: true };

export interface NativeBinding {
  open(iface: string, options: NativeOpenOptions): NativeHandle;
  info(h: NativeHandle): NativeInfo;
  start(h: NativeHandle, slots: Buffer[], cb: NativeCallback): void;
  stop(h: NativeHandle): void;
  stats(h: NativeHandle): NativeStats;
  dropPrivileges(user: string): { uid: number; gid: number };
  libVersion(): string;
}

let binding: NativeBinding | undefined;

/** Loads build/Release/tcplens_capture.node once (built by `npm run build:native`). */
export function loadBinding(): NativeBinding {
  if (binding !== undefined) return binding;
  // The batch header is read as little-endian u32s; the C side writes host order.
  if (endianness() !== 'LE') {
    throw new CaptureError('TCPLENS_ERR_CAPTURE_BINDING_MISSING', { reason: 'big-endian hosts are not supported' });
  }
  const require = createRequire(import.meta.url);
  try {
    binding = require('../build/Release/tcplens_capture.node') as NativeBinding;
  } catch (err) {
    throw new CaptureError('TCPLENS_ERR_CAPTURE_BINDING_MISSING', { reason: (err as Error).message }, { cause: err });
  }
  return binding;
}
