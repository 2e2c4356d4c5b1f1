/**
 * Holds the start of a record that straddles chunk boundaries. It only ever holds one record's
 * bytes (at most the parser's `need`, itself bounded by MAX_RECORD_BYTES), so memory does not
 * grow with the file.
 */
export class CarryBuffer {
  buf = new Uint8Array(64 * 1024);
  len = 0;

  append(src: Uint8Array, from: number, count: number): void {
    if (count <= 0) return;
    if (this.len + count > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.len + count) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(src.subarray(from, from + count), this.len);
    this.len += count;
  }

  /** Drops the first n bytes. */
  consume(n: number): void {
    if (n >= this.len) {
      this.len = 0;
      return;
    }
    this.buf.copyWithin(0, n, this.len);
    this.len -= n;
  }
}
