import { EV_ACCEPT, EV_RECV, EV_SEND, EVENT_WORDS, EVF_MORE, UringRing, errnoName, type RingSettings, type Shim } from "../../../ffi/index.ts";
import { onData, onDrain } from "../connection.ts";
import type { Server } from "../server.ts";
import type { Listening } from "../transport.ts";
import { UringConn } from "./conn.ts";

const MAX_EVENTS = 512;
/** Longest wait for completions before the event loop gets a turn (timers, signals, /metrics). */
const IDLE_WAIT_MS = 25;
const YIELD_EVERY_MS = 2;
const ACCEPT_RETRY_MS = 100;
const ETIME = 62;
const ENOBUFS = 105;
const EAGAIN = 11;
const EINTR = 4;

/**
 * The io_uring network engine: one ring, multishot accept and recv into a provided-buffer
 * ring, sends from each connection's buffer. Each loop turn is one FFI call that submits
 * everything queued and waits for completions; then every completion is handled, replies
 * are flushed (queued as sends for the next call), and the event loop gets a turn before
 * the next wait so timers, signals and the metrics endpoint keep running.
 */
export class UringEngine {
  readonly ring: UringRing;
  private readonly conns: (UringConn | undefined)[] = [];
  /** Closed connections whose last send has not completed: their buffer must stay alive. */
  private readonly zombies = new Set<UringConn>();
  private readonly listenFds = new Map<number, { protocol: string; open: boolean; path: string }>();
  private nextGen = 1;
  private acceptErrors = 0;
  private acceptErrorLoggedMs = 0;
  private running = false;
  private destroyed = false;
  private readonly turn = () => this.loop();

  constructor(
    private readonly server: Server,
    shim: Shim,
    readonly settings: RingSettings,
  ) {
    this.ring = new UringRing(shim, settings, MAX_EVENTS);
  }

  /** Bind host:port (or the Unix socket `path`) and start accepting; the port comes back resolved. */
  listen(protocol: string, host: string, port: number, path = ""): Listening {
    const fd = path === "" ? this.ring.listen(host, port, 511) : this.ring.listenUnix(path, 511);
    if (fd < 0) throw Object.assign(new Error(errnoName(-fd)), { code: -fd === 98 ? "EADDRINUSE" : `errno ${-fd}` });
    this.listenFds.set(fd, { protocol, open: true, path });
    this.ring.accept(fd);
    this.start();
    return {
      protocol,
      address: path === "" ? `${host}:${this.ring.localPort(fd)}` : path,
      stop: () => {
        const l = this.listenFds.get(fd);
        if (l === undefined || !l.open) return;
        l.open = false;
        this.ring.close(fd);
      },
    };
  }

  private start(): void {
    if (this.running) return;
    this.running = true;
    setImmediate(this.turn);
  }

  /** Queue a send; submitted by the next loop turn. */
  send(conn: UringConn, from: number, length: number): void {
    this.ring.send(conn.fd, conn.gen, from, length);
  }

  /** Close now (end() waits for the send in flight first); the session is forgotten here. */
  closeConn(conn: UringConn): void {
    if (conn.closed) return;
    conn.closed = true;
    if (this.conns[conn.fd] === conn) this.conns[conn.fd] = undefined;
    if (conn.inFlight) this.zombies.add(conn);
    this.ring.close(conn.fd);
    if (conn.session !== null) this.server.forget(conn.session);
  }

  /** Stop the loop and release the ring (after every client is gone). */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const [fd, l] of this.listenFds) if (l.open) this.ring.close(fd);
    for (const c of this.conns) if (c !== undefined) this.closeConn(c);
  }

  private loop(): void {
    if (this.destroyed) {
      this.running = false;
      this.ring.destroy();
      return;
    }
    // Stay in the ring while completions keep coming; give the event loop a turn when the
    // wait times out idle or every YIELD_EVERY_MS, rather than after every batch: each turn
    // of Bun's loop costs a poll of its own.
    const started = Date.now();
    let n = 0;
    do {
      // Replies queued outside a batch (timers, other clients' commands) go out with it.
      this.server.writes.flush();
      n = this.ring.run(IDLE_WAIT_MS);
      if (n > 0) this.handle(n);
    } while (n > 0 && !this.destroyed && this.server.clock.ms - started < YIELD_EVERY_MS);
    this.server.writes.flush();
    if (n < 0 && -n !== EINTR && -n !== EAGAIN && -n !== ETIME) this.server.log.error("io_uring wait failed", { error: errnoName(-n) });
    setImmediate(this.turn);
  }

  private handle(n: number): void {
    const ev = this.ring.events;
    const server = this.server;
    const now = Date.now();
    server.clock.ms = now;
    for (let i = 0; i < n; i++) {
      const base = i * EVENT_WORDS;
      const kind = ev[base];
      const fd = ev[base + 1];
      const gen = ev[base + 2];
      const res = ev[base + 3];
      const bid = ev[base + 4];
      const more = (ev[base + 5] & EVF_MORE) !== 0;
      if (kind === EV_RECV) {
        this.recv(fd, gen, res, bid, more);
      } else if (kind === EV_SEND) {
        this.sent(fd, gen, res);
      } else if (kind === EV_ACCEPT) {
        this.accepted(fd, res, more);
      }
    }
  }

  private recv(fd: number, gen: number, res: number, bid: number, more: boolean): void {
    const conn = this.conns[fd];
    const live = conn !== undefined && conn.gen === gen && !conn.closed;
    if (res > 0 && bid >= 0) {
      if (live && conn.session !== null) {
        const size = this.settings.bufferSize;
        onData(this.server, conn.session, this.ring.buffers, bid * size, bid * size + res);
      }
      this.ring.recycle(bid);
    } else if (bid >= 0) {
      this.ring.recycle(bid);
    }
    if (!live) return;
    if (res === 0 || (res < 0 && -res !== ENOBUFS)) {
      // The peer closed (or reset) the connection.
      this.closeConn(conn);
    } else if (!more) {
      // Out of receive buffers (ENOBUFS) or the kernel ended the multishot: arm it again.
      this.ring.recv(fd, gen);
    }
  }

  private sent(fd: number, gen: number, res: number): void {
    let conn = this.conns[fd];
    if (conn === undefined || conn.gen !== gen) {
      for (const z of this.zombies) {
        if (z.fd === fd && z.gen === gen) {
          this.zombies.delete(z);
          z.inFlight = false;
          return;
        }
      }
      return;
    }
    if (!conn.sent(res)) return;
    const s = conn.session;
    if (s !== null && s.outLen > 0) onDrain(this.server, s);
  }

  private accepted(listenFd: number, res: number, more: boolean): void {
    const l = this.listenFds.get(listenFd);
    if (res >= 0) {
      if (l === undefined || !l.open) {
        this.ring.close(res);
      } else {
        this.openConn(res, l.protocol, l.path);
      }
    } else if (l?.open) {
      this.acceptFailed(listenFd, res, more);
      return;
    }
    if (!more && l?.open) this.ring.accept(listenFd);
  }

  /**
   * Out of descriptors (EMFILE) and the like: a pending connection would fail again at once,
   * so wait before accepting again, and log once a second rather than per attempt.
   */
  private acceptFailed(listenFd: number, res: number, more: boolean): void {
    const now = Date.now();
    this.acceptErrors++;
    if (now - this.acceptErrorLoggedMs >= 1000) {
      this.server.log.warn("accept failed; retrying shortly", { error: errnoName(-res), failures: this.acceptErrors });
      this.acceptErrorLoggedMs = now;
      this.acceptErrors = 0;
    }
    // A failed multishot accept has ended: arm it again after a pause.
    if (more) return;
    setTimeout(() => {
      if (this.listenFds.get(listenFd)?.open && !this.destroyed) this.ring.accept(listenFd);
    }, ACCEPT_RETRY_MS);
  }

  private openConn(fd: number, protocol: string, path: string): void {
    if (path === "") this.ring.sockSetup(fd, this.server.options.server.tcp_keepalive);
    const gen = this.nextGen;
    this.nextGen = (this.nextGen + 1) & 0xffffff || 1;
    const conn = new UringConn(this, fd, gen);
    this.conns[fd] = conn;
    // Unix clients are named after the socket, as Redis does ("/path:0").
    const addr = path === "" ? this.ring.sockName(fd, true) : `${path}:0`;
    const laddr = path === "" ? this.ring.sockName(fd, false) : `${path}:0`;
    const s = this.server.openSession(conn, addr, laddr, protocol);
    if (s === null) return;
    conn.session = s;
    this.ring.recv(fd, gen);
  }
}

