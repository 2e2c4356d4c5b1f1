import type { CaptureBatch } from './batch.js';
import { CaptureError, fromNativeOpenError } from './errors.js';
import { loadBinding, NativeItem, type NativeBinding, type NativeHandle, type NativeStats } from './native.js';
import { resolveCaptureOptions, toNativeOptions, type CaptureOptions } from './options.js';

export type CaptureState = 'created' | 'open' | 'running' | 'stopping' | 'stopped';

export interface CaptureInfo {
  readonly iface: string;
  readonly linkType: number;
  /** Timestamp precision libpcap granted (nano was asked for unless options said micro). */
  readonly precision: 'nano' | 'micro';
  readonly snaplen: number;
  /** pcap_activate warning, '' if none. */
  readonly warning: string;
}

/**
 * libpcap's counters. On Linux `received` counts every packet that passed the filter, including
 * the ones dropped; on loopback it also counts each packet's outgoing copy, which libpcap discards
 * in user space, so there it is about twice what is delivered.
 */
export interface CaptureStats {
  /** Packets delivered to onBatch so far. */
  readonly delivered: number;
  readonly received: number;
  /** ps_drop: no room in the kernel ring. */
  readonly dropped: number;
  /** ps_ifdrop: dropped by the interface or its driver. */
  readonly ifDropped: number;
}

export type OnBatch = (batch: CaptureBatch) => void;
export type OnCaptureError = (err: CaptureError) => void;

/**
 * Live capture on one interface. The constructor only validates options; open() activates the
 * libpcap handle (as root, before dropPrivileges), start() begins delivering batches from a
 * capture thread, stop() drains what the kernel holds and resolves once the last batch has been
 * delivered and the handle is closed; nothing then keeps the process alive.
 */
export class LiveCapture {
  readonly iface: string;
  readonly options: CaptureOptions;
  private native: NativeBinding | undefined;
  private handle: NativeHandle | undefined;
  private info: CaptureInfo | undefined;
  private current: CaptureState = 'created';
  private delivered = 0;
  private finalStats: NativeStats | undefined;
  private ended: Promise<CaptureStats> | undefined;

  constructor(iface: string, options: Partial<CaptureOptions> = {}) {
    this.iface = iface;
    this.options = resolveCaptureOptions(options);
  }

  get state(): CaptureState {
    return this.current;
  }

  /** Opens and activates the capture (needs CAP_NET_RAW); idempotent. */
  open(): CaptureInfo {
    if (this.info !== undefined) return this.info;
    this.expect('created', 'open');
    const native = loadBinding();
    let handle: NativeHandle;
    try {
      handle = native.open(this.iface, toNativeOptions(this.options));
    } catch (err) {
      throw fromNativeOpenError(err, this.iface);
    }
    const i = native.info(handle);
    this.native = native;
    this.handle = handle;
    this.current = 'open';
    this.info = Object.freeze({
      iface: this.iface, linkType: i.linkType, precision: i.nano ? 'nano' : 'micro', snaplen: i.snaplen, warning: i.warning,
    });
    return this.info;
  }

  /**
   * Opens if needed and starts delivering batches. Without onError a read error is thrown from the
   * callback (an uncaught exception): a capture that silently stops is worse.
   */
  start(onBatch: OnBatch, onError?: OnCaptureError): CaptureInfo {
    const info = this.open();
    this.expect('open', 'start');
    const native = this.native!;
    const handle = this.handle!;
    const o = this.options;
    const slots = Array.from({ length: o.batchSlots }, () => Buffer.allocUnsafeSlow(o.batchBytes));
    const batch = { iface: this.iface, linkType: info.linkType, buffer: slots[0]!, count: 0, bytes: 0 };
    let resolveEnd!: (s: CaptureStats) => void;
    this.ended = new Promise((resolve) => (resolveEnd = resolve));
    native.start(handle, slots, (kind, slot, count, used, message) => {
      if (kind === NativeItem.BATCH) {
        batch.buffer = slots[slot]!;
        batch.count = count;
        batch.bytes = used;
        this.delivered += count;
        onBatch(batch);
      } else if (kind === NativeItem.ERROR) {
        const err = new CaptureError('TCPLENS_ERR_CAPTURE_READ_FAILED', { iface: this.iface, reason: message });
        if (onError === undefined) throw err;
        onError(err);
      } else {
        // END: the native side has joined the thread and closed the handle.
        this.finalStats = native.stats(handle);
        this.current = 'stopped';
        resolveEnd(this.stats());
      }
    });
    this.current = 'running';
    return info;
  }

  stats(): CaptureStats {
    const s = this.finalStats ?? (this.handle !== undefined ? this.native!.stats(this.handle) : undefined);
    return { delivered: this.delivered, received: s?.received ?? 0, dropped: s?.dropped ?? 0, ifDropped: s?.ifDropped ?? 0 };
  }

  /** Stops, drains, closes. Resolves with the final counters after the last batch was delivered. */
  stop(): Promise<CaptureStats> {
    if (this.current === 'running') {
      this.current = 'stopping';
      this.native!.stop(this.handle!);
    } else if (this.current === 'open' || this.current === 'created') {
      if (this.handle !== undefined) {
        this.finalStats = this.native!.stats(this.handle);
        this.native!.stop(this.handle);
      }
      this.current = 'stopped';
    }
    return this.ended ?? Promise.resolve(this.stats());
  }

  private expect(state: CaptureState, action: string): void {
    if (this.current !== state) {
      throw new CaptureError('TCPLENS_ERR_CAPTURE_STATE', { iface: this.iface, state: this.current, action });
    }
  }
}
