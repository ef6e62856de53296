import { addressOf } from "../../../ffi/index.ts";
import type { Session } from "../session.ts";
import type { Transport } from "../transport.ts";
import type { UringEngine } from "./engine.ts";

const SEND_BUFFER_START_BYTES = 4 * 1024;
const SMALL_COPY_BYTES = 64;
/** Most bytes one send takes; the rest waits in the session's output buffer (and its limit). */
const SEND_BUFFER_MAX_BYTES = 1024 * 1024;

/**
 * One client connection on the io_uring engine. A send's bytes are copied into the
 * connection's own buffer, because the kernel reads them after write() returns: one send
 * in flight at a time, and while it is, write() takes nothing (the session keeps the bytes,
 * counted against its output limit, and gets a drain when the send completes).
 */
export class UringConn implements Transport {
  readonly reportsClose = true;
  session: Session | null = null;
  /** Bytes [sendStart, sendEnd) of sendBuf are in flight or still to send. */
  private sendBuf = new Uint8Array(0);
  private sendPtr = 0;
  private sendStart = 0;
  private sendEnd = 0;
  inFlight = false;
  /** end() was called: close once the send in flight is done. */
  ending = false;
  closed = false;

  constructor(
    readonly engine: UringEngine,
    readonly fd: number,
    readonly gen: number,
  ) {}

  write(data: Uint8Array, offset: number, length: number): number {
    if (this.closed || this.ending) return 0;
    if (this.inFlight) return 0;
    const n = Math.min(length, SEND_BUFFER_MAX_BYTES);
    if (n === 0) return 0;
    if (this.sendBuf.length < n) {
      let size = Math.max(SEND_BUFFER_START_BYTES, this.sendBuf.length);
      while (size < n) size *= 2;
      this.sendBuf = new Uint8Array(size);
      this.sendPtr = addressOf(this.sendBuf);
    }
    const buf = this.sendBuf;
    if (n <= SMALL_COPY_BYTES) {
      // Most replies are a few bytes: a loop beats allocating a subarray view to copy from.
      for (let i = 0; i < n; i++) buf[i] = data[offset + i]!;
    } else {
      buf.set(data.subarray(offset, offset + n), 0);
    }
    this.sendStart = 0;
    this.sendEnd = n;
    this.submitSend();
    return n;
  }

  private submitSend(): void {
    this.inFlight = true;
    this.engine.send(this, this.sendPtr + this.sendStart, this.sendEnd - this.sendStart);
  }

  /** A send completed with `res` bytes (or -errno); returns true when the connection is idle again. */
  sent(res: number): boolean {
    this.inFlight = false;
    if (this.closed) return false;
    if (res < 0) {
      this.engine.closeConn(this);
      return false;
    }
    this.sendStart += res;
    if (this.sendStart < this.sendEnd) {
      this.submitSend();
      return false;
    }
    this.sendStart = this.sendEnd = 0;
    // A big reply grew the buffer: don't keep it per idle connection.
    if (this.sendBuf.length > 64 * 1024) {
      this.sendBuf = new Uint8Array(0);
      this.sendPtr = 0;
    }
    if (this.ending) {
      this.engine.closeConn(this);
      return false;
    }
    return true;
  }

  end(): void {
    if (this.closed) return;
    this.ending = true;
    if (!this.inFlight) this.engine.closeConn(this);
  }

  terminate(): void {
    if (!this.closed) this.engine.closeConn(this);
  }
}
