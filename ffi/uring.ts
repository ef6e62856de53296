import { ptr, toArrayBuffer, type Pointer } from "bun:ffi";
import { errnoName } from "./errno.ts";
import { loadShim, type Shim } from "./shim.ts";

// The event layout liburing-shim/shim.h writes.
export const EV_ACCEPT = 1;
export const EV_RECV = 2;
export const EV_SEND = 3;
export const EV_WAKE = 4;
export const EVENT_WORDS = 6;
export const EVF_MORE = 1;

export interface RingSettings {
  sqDepth: number;
  bufferCount: number;
  bufferSize: number;
  sqpoll: boolean;
}

/** Why the kernel can't run the engine, from crucible_uring_probe's step number. */
const PROBE_STEPS: Record<number, string> = {
  1: "io_uring_setup failed (kernel without io_uring, kernel.io_uring_disabled set, or a seccomp filter)",
  2: "the kernel lacks IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN (Linux 6.1+)",
  3: "the kernel lacks provided-buffer rings (Linux 5.19+)",
  4: "the kernel lacks the accept/recv/send opcodes",
};

/** null when the kernel offers everything the engine needs, else why not. */
export function probeUring(shim: Shim): string | null {
  const what = new Int32Array(1);
  const rc = shim.crucible_uring_probe(ptr(what));
  if (rc === 0) return null;
  return `${PROBE_STEPS[what[0]] ?? "io_uring probe failed"}: ${errnoName(-rc)}`;
}

/**
 * null when the io_uring engine can run here, else why not: not Linux, the shim not
 * loaded, or the kernel's probe failing.
 */
export async function uringUnavailable(env: Record<string, string | undefined> = process.env): Promise<string | null> {
  if (process.platform !== "linux") return `not on Linux (${process.platform})`;
  const load = await loadShim(env);
  if (!load.loaded) return `the native shim is not loaded (${load.why})`;
  return probeUring(load.shim);
}

/**
 * The address of a typed array's bytes, stable for the array's life: for memory the kernel
 * reads or writes after the call returns. JSC keeps small typed arrays (up to 1000 elements)
 * inline and moves their bytes to a fresh ArrayBuffer the first time anything asks for
 * `.buffer` (subarray does): asking first makes the address we hand out the final one.
 */
export function addressOf(view: ArrayBufferView): number {
  void view.buffer;
  return ptr(view as Uint8Array) as number;
}

/**
 * One io_uring ring with its receive buffers, as typed wrappers over the shim. Events of the
 * last run() are in `events` (EVENT_WORDS int32 each: kind, fd, generation, res, buffer id,
 * flags); buffer i's bytes are `buffers` at i * bufferSize.
 */
export class UringRing {
  readonly buffers: Uint8Array;
  readonly events: Int32Array;
  private readonly eventsPtr: Pointer;
  private readonly ring: Pointer;
  private readonly nameBuf = new Uint8Array(80);
  private readonly namePtr: Pointer;
  private destroyed = false;

  constructor(
    private readonly shim: Shim,
    readonly settings: RingSettings,
    maxEvents: number,
  ) {
    const err = new Int32Array(1);
    const ring = shim.crucible_uring_create(settings.sqDepth, settings.bufferCount, settings.bufferSize, settings.sqpoll ? 1 : 0, ptr(err));
    if (ring === null) throw Object.assign(new Error(`io_uring setup failed: ${errnoName(err[0])}`), { errno: err[0] });
    this.ring = ring as Pointer;
    this.buffers = new Uint8Array(toArrayBuffer(shim.crucible_uring_buffers(ring) as Pointer, 0, settings.bufferCount * settings.bufferSize));
    this.events = new Int32Array(maxEvents * EVENT_WORDS);
    this.eventsPtr = addressOf(this.events) as Pointer;
    this.namePtr = addressOf(this.nameBuf) as Pointer;
  }

  /** A listening TCP socket: its fd, or -errno. */
  listen(host: string, port: number, backlog: number): number {
    return this.shim.crucible_listen_tcp(ptr(new TextEncoder().encode(host + "\0")), port, backlog);
  }

  /** A listening Unix socket at path: its fd, or -errno. */
  listenUnix(path: string, backlog: number): number {
    return this.shim.crucible_listen_unix(ptr(new TextEncoder().encode(path + "\0")), backlog);
  }

  localPort(fd: number): number {
    return this.shim.crucible_local_port(fd);
  }

  /** "ip:port" of the peer (or the local end). */
  sockName(fd: number, peer: boolean): string {
    const n = this.shim.crucible_sock_name(fd, peer ? 1 : 0, this.namePtr, this.nameBuf.length);
    return n > 0 ? new TextDecoder().decode(this.nameBuf.subarray(0, n)) : "?:0";
  }

  sockSetup(fd: number, keepaliveSecs: number): number {
    return this.shim.crucible_sock_setup(fd, keepaliveSecs);
  }

  accept(listenFd: number): number {
    return this.shim.crucible_uring_accept(this.ring, listenFd);
  }

  recv(fd: number, gen: number): number {
    return this.shim.crucible_uring_recv(this.ring, fd, gen);
  }

  /** Queue a send of `length` bytes at `address` (see addressOf); they must stay alive until its event. */
  send(fd: number, gen: number, address: number, length: number): number {
    return this.shim.crucible_uring_send(this.ring, fd, gen, address as Pointer, length);
  }

  recycle(bufferId: number): void {
    this.shim.crucible_uring_recycle(this.ring, bufferId);
  }

  close(fd: number): number {
    return this.shim.crucible_close(fd);
  }

  /** Submit, wait up to timeoutMs for completions, fill `events`; returns the count or -errno. */
  run(timeoutMs: number): number {
    return this.shim.crucible_uring_run(this.ring, timeoutMs, this.eventsPtr, this.events.length / EVENT_WORDS);
  }

  /** Wake a run() blocked in another thread. */
  wake(): number {
    return this.shim.crucible_uring_wake(this.ring);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.shim.crucible_uring_destroy(this.ring);
  }
}
