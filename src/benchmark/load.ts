// One Worker's share of the load: its connections, the requests it keeps in flight on each,
// and what it measured, second by second.
//
// Each connection has a FIFO of the requests in flight (kind and send time, in typed arrays
// of pipeline_depth slots) and one reused output buffer; replies are parsed in place from
// the receive chunk (only a partial reply at its end is copied) and matched to the FIFO's
// head. Closed loop: the pipeline is refilled as replies come in. Open loop (rate_limit):
// every connection has a timeline of intended send times, and a request's latency runs from
// its intended time, so a stalled server shows in the percentiles even though the pipeline
// is full and the requests wait (no coordinated omission).
//
// Every second the Worker posts its counters and its second's histogram (hdr-histogram-js,
// microseconds, 3 significant digits, compressed) to the main thread, which merges them.
import { build, encodeIntoCompressedBase64, type Histogram } from "hdr-histogram-js";
import type { Socket, SocketHandler } from "bun";
import type { BenchConfig } from "./config.ts";
import { KeyChooser, Rng } from "./keys.ts";
import { INCOMPLETE, Kind, MALFORMED, ReplyReader, RequestWriter, Status, ValuePool } from "./wire.ts";

/** Latencies above this (one hour) are recorded as this. */
export const MAX_LATENCY_US = 3_600_000_000;

export function newHistogram(): Histogram {
  return build({ bitBucketSize: 32, autoResize: false, lowestDiscernibleValue: 1, highestTrackableValue: MAX_LATENCY_US, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

export interface ConnSpec {
  host: string;
  port: number;
  /** Index over all threads' connections (spreads the open-loop schedules' phases). */
  id: number;
}

export interface WorkerSetup {
  config: BenchConfig;
  index: number;
  conns: ConnSpec[];
  seed: number;
  /** Keys [from, to) this Worker writes in the prefill. */
  prefillFrom: number;
  prefillTo: number;
}

/** What a Worker posts to the main thread. */
export type WorkerMessage =
  | { type: "ready"; prefillErrors: number; firstError: string | null }
  | { type: "second"; second: number; elapsedMs: number; requests: number; errors: number; hits: number; misses: number; bytesSent: number; bytesReceived: number; connectionsOpen: number; connectFailures: number; disconnects: number; timeouts: number; histogram: string }
  | { type: "done"; firstError: string | null }
  | { type: "fatal"; message: string };

/** What the main thread posts to a Worker. */
export type MainMessage = { type: "start"; startWallMs: number } | { type: "stop" };

const PHASE_CONNECT = 0;
const PHASE_PREFILL = 1;
const PHASE_WAIT = 2;
const PHASE_RUN = 3;
const PHASE_DONE = 4;

const RECONNECT_MIN_MS = 50;
const RECONNECT_MAX_MS = 1000;
const HOUSEKEEPING_MS = 50;
/**
 * Output buffers are sized for a full pipeline, up to this (or two of the largest requests):
 * they hold only what the socket has not taken yet, and fill() writes and goes on when full.
 */
const MAX_OUT_BYTES = 256 * 1024;

export class Conn {
  socket: Socket<Conn> | null = null;
  /** Requests queued for the socket: out[outStart, outEnd). */
  readonly out: Uint8Array;
  outStart = 0;
  outEnd = 0;
  /** A partial write is waiting for drain. */
  blocked = false;
  /** A partial reply kept from the last chunk: rbuf[0, rlen). */
  rbuf: Uint8Array = new Uint8Array(4096);
  rlen = 0;
  // The FIFO of requests in flight.
  readonly kinds: Uint8Array;
  readonly sentAt: Float64Array;
  head = 0;
  count = 0;
  readonly cap: number;
  /** Open loop: the intended send time of the next request (performance.now() ms). */
  nextDue = 0;
  /** When the FIFO last moved (a reply, or a first request after idle), for request_timeout. */
  lastProgress = 0;
  reconnectDelayMs = RECONNECT_MIN_MS;
  reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  /** Resolved when RESP3's HELLO has been answered (connect phase). */
  handshake: ((error: string | null) => void) | null = null;

  constructor(
    readonly driver: Driver,
    readonly spec: ConnSpec,
    depth: number,
    outBytes: number,
  ) {
    this.cap = depth + 1;
    this.kinds = new Uint8Array(this.cap);
    this.sentAt = new Float64Array(this.cap);
    this.out = new Uint8Array(outBytes);
  }
}

const handlers: SocketHandler<Conn> = {
  data(socket, chunk) {
    const conn = socket.data;
    if (conn.socket === socket) conn.driver.onData(conn, chunk);
  },
  drain(socket) {
    const conn = socket.data;
    if (conn.socket === socket) conn.driver.onDrain(conn);
  },
  close(socket) {
    const conn = socket.data;
    if (conn.socket === socket) conn.driver.onLost(conn, "closed by the server");
  },
  end(socket) {
    socket.end();
  },
  error(socket, error) {
    const conn = socket.data;
    if (conn.socket === socket) conn.driver.onLost(conn, error.message);
  },
};

/** Drives one Worker's connections. `post` sends a message to the main thread. */
export class Driver {
  readonly conns: Conn[];
  private readonly cfg: BenchConfig;
  private readonly writer: RequestWriter;
  private readonly reader: ReplyReader;
  private readonly rng: Rng;
  private readonly depth: number;
  private readonly openLoop: boolean;
  /** Open loop: ms between a connection's requests. */
  private readonly intervalMs: number;
  private readonly requestTimeoutMs: number;
  private readonly mgetBatch: number;
  // Command choice: cumulative weights.
  private readonly cumulative: Uint32Array;
  private readonly cumulativeKinds: Uint8Array;
  private readonly totalWeight: number;

  private phase = PHASE_CONNECT;
  // This second's counters.
  private hist: Histogram = newHistogram();
  private requests = 0;
  private errors = 0;
  private hits = 0;
  private misses = 0;
  private bytesSent = 0;
  private bytesReceived = 0;
  private connectFailures = 0;
  private disconnects = 0;
  private timeouts = 0;
  private firstError: string | null = null;
  // The timeline (performance.now() ms).
  private startAt = 0;
  private second = 0;
  private secondStartAt = 0;
  private secondEndAt = Infinity;
  private totalSeconds = 0;
  private secondTimer: ReturnType<typeof setTimeout> | null = null;
  private housekeeping: ReturnType<typeof setInterval> | null = null;
  private pumpTimer: ReturnType<typeof setTimeout> | null = null;
  private pumpAt = Infinity;
  // Prefill.
  private prefillNext = 0;
  private prefillTo = 0;
  private prefillErrors = 0;
  private prefillDone: (() => void) | null = null;

  constructor(
    private readonly setup: WorkerSetup,
    private readonly post: (msg: WorkerMessage) => void,
  ) {
    const cfg = setup.config;
    this.cfg = cfg;
    this.rng = new Rng(setup.seed);
    const ks = cfg.workload.keyspace;
    const keys = new KeyChooser(ks.count, ks.distribution, ks.exponent, this.rng);
    const values = new ValuePool(cfg.workload.values.minLength, cfg.workload.values.maxLength, this.rng);
    this.mgetBatch = cfg.workload.commands.mgetBatch;
    this.writer = new RequestWriter(cfg.target.protocol, ks.length, this.mgetBatch, keys, values);
    this.reader = new ReplyReader(cfg.target.protocol);
    this.depth = cfg.connection.pipelineDepth;
    this.requestTimeoutMs = cfg.connection.requestTimeoutMs;
    this.openLoop = cfg.workload.rateLimit > 0;
    this.intervalMs = this.openLoop ? (cfg.connection.connections * 1000) / cfg.workload.rateLimit : 0;
    const c = cfg.workload.commands;
    const weights: [number, number][] = [
      [Kind.Get, c.get],
      [Kind.Set, c.set],
      [Kind.Delete, c.delete],
      [Kind.Incr, c.incr],
      [Kind.Mget, c.mget],
    ];
    const used = weights.filter(([, w]) => w > 0);
    this.cumulative = new Uint32Array(used.length);
    this.cumulativeKinds = new Uint8Array(used.length);
    let sum = 0;
    used.forEach(([k, w], i) => {
      sum += w;
      this.cumulative[i] = sum;
      this.cumulativeKinds[i] = k;
    });
    this.totalWeight = sum;
    const maxReq = this.writer.maxRequestBytes;
    const outBytes = Math.min(Math.max((this.depth + 2) * maxReq, 16 * 1024), Math.max(MAX_OUT_BYTES, 2 * maxReq));
    this.conns = setup.conns.map((spec) => new Conn(this, spec, this.depth, outBytes));
  }

  // ---- phases -------------------------------------------------------------------------------

  /** Open every connection (and say HELLO 3 on resp3); rejects with a message when one cannot. */
  async connectAll(): Promise<void> {
    await Promise.all(
      this.conns.map(async (conn) => {
        const error = await this.connect(conn);
        if (error !== null) throw new Error(`cannot connect to ${endpointText(conn.spec)}: ${error}`);
      }),
    );
  }

  /** Write every key of this Worker's prefill range once (SET), as fast as the pipelines allow. */
  async prefill(): Promise<void> {
    this.prefillNext = this.setup.prefillFrom;
    this.prefillTo = this.setup.prefillTo;
    if (this.prefillNext >= this.prefillTo) return;
    this.phase = PHASE_PREFILL;
    const done = new Promise<void>((resolve) => (this.prefillDone = resolve));
    const now = performance.now();
    for (const conn of this.conns) this.fill(conn, now);
    await done;
    this.phase = PHASE_WAIT;
  }

  ready(): void {
    this.phase = PHASE_WAIT;
    this.post({ type: "ready", prefillErrors: this.prefillErrors, firstError: this.firstError });
  }

  /** Start the measured run at `startWallMs` (Date.now() time, shared by every Worker). */
  start(startWallMs: number): void {
    const g = this.cfg.general;
    this.totalSeconds = g.warmupSecs + g.durationSecs;
    const startAt = performance.now() + (startWallMs - Date.now());
    this.startAt = startAt;
    const begin = () => {
      const now = performance.now();
      if (now < startAt) {
        setTimeout(begin, Math.max(0, startAt - now));
        return;
      }
      this.phase = PHASE_RUN;
      this.second = 0;
      this.secondStartAt = startAt;
      this.secondEndAt = startAt + 1000;
      this.resetCounters();
      this.armSecondTimer();
      this.housekeeping = setInterval(() => this.housekeep(), HOUSEKEEPING_MS);
      const n = this.conns.length;
      for (let i = 0; i < n; i++) {
        const conn = this.conns[i]!;
        // Spread the connections' timelines over one interval.
        conn.nextDue = startAt + ((conn.spec.id % this.cfg.connection.connections) / this.cfg.connection.connections) * this.intervalMs;
        this.fill(conn, now);
      }
      if (this.openLoop) this.pump();
    };
    begin();
  }

  /** Stop early (SIGINT in the main thread): report the second so far and finish. */
  stop(): void {
    if (this.phase !== PHASE_RUN) {
      this.finish();
      return;
    }
    const now = performance.now();
    this.roll(now);
    if (this.phase === PHASE_RUN) {
      this.emitSecond(now);
      this.finish();
    }
  }

  private finish(): void {
    if (this.phase === PHASE_DONE) return;
    this.phase = PHASE_DONE;
    if (this.secondTimer) clearTimeout(this.secondTimer);
    if (this.housekeeping) clearInterval(this.housekeeping);
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    for (const conn of this.conns) {
      if (conn.reconnectTimer) clearTimeout(conn.reconnectTimer);
      const s = conn.socket;
      conn.socket = null;
      s?.terminate();
    }
    this.post({ type: "done", firstError: this.firstError });
  }

  // ---- connections --------------------------------------------------------------------------

  /** Connect (with connect_timeout); null when open, else why not. */
  private async connect(conn: Conn): Promise<string | null> {
    const { host, port } = conn.spec;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeoutMs = this.cfg.connection.connectTimeoutMs;
    const connecting = Bun.connect<Conn>({ hostname: host, port, socket: handlers, data: conn });
    const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    let socket: Socket<Conn>;
    try {
      const won = await Promise.race([connecting, timedOut]);
      if (won === "timeout") {
        connecting.then((s) => s.terminate(), () => {});
        return `no connection within connect_timeout (${timeoutMs} ms)`;
      }
      socket = won;
    } catch (e) {
      return describeConnectError(e);
    } finally {
      clearTimeout(timer);
    }
    if (this.phase === PHASE_DONE) {
      socket.terminate();
      return "stopped";
    }
    socket.setNoDelay(true);
    conn.outStart = conn.outEnd = 0;
    conn.blocked = false;
    conn.rlen = 0;
    conn.head = conn.count = 0;
    conn.socket = socket;
    conn.lastProgress = performance.now();
    if (this.cfg.target.protocol === "resp3") {
      const answered = new Promise<string | null>((resolve) => (conn.handshake = resolve));
      conn.outEnd = this.writer.writeHello(conn.out, 0);
      this.push(conn, Kind.Hello, performance.now());
      this.flush(conn);
      const error = await answered;
      if (error !== null) {
        conn.socket = null;
        socket.terminate();
        return `HELLO 3 failed: ${error} (the server does not speak RESP3; use protocol = "resp")`;
      }
    }
    return null;
  }

  /** A connection failed (closed, reset, timed out, bad bytes): count it and reconnect. */
  onLost(conn: Conn, why: string): void {
    const s = conn.socket;
    conn.socket = null;
    s?.terminate();
    if (conn.handshake) {
      const h = conn.handshake;
      conn.handshake = null;
      h(why);
    }
    if (this.phase === PHASE_DONE) return;
    const lost = this.countLost(conn);
    if (this.phase === PHASE_RUN) {
      this.disconnects++;
      if (lost > 0) this.noteError(`connection lost with ${lost} requests in flight: ${why}`);
    }
    conn.head = conn.count = 0;
    conn.outStart = conn.outEnd = 0;
    conn.blocked = false;
    conn.rlen = 0;
    this.scheduleReconnect(conn);
    this.checkPrefillDone();
  }

  /** The requests in flight on a lost connection are errors (prefill ones, prefill errors). */
  private countLost(conn: Conn): number {
    let lost = 0;
    for (let i = 0, slot = conn.head; i < conn.count; i++) {
      const kind = conn.kinds[slot]!;
      if (kind === Kind.Prefill) this.prefillErrors++;
      else if (kind !== Kind.Hello) lost++;
      if (++slot === conn.cap) slot = 0;
    }
    if (this.phase === PHASE_RUN) {
      this.requests += lost;
      this.errors += lost;
    }
    return lost;
  }

  private scheduleReconnect(conn: Conn): void {
    if (conn.reconnectTimer) return;
    const delay = conn.reconnectDelayMs;
    conn.reconnectDelayMs = Math.min(RECONNECT_MAX_MS, delay * 2);
    conn.reconnectTimer = setTimeout(async () => {
      conn.reconnectTimer = null;
      if (this.phase === PHASE_DONE) return;
      const error = await this.connect(conn);
      if (this.phase === PHASE_DONE) return;
      if (error !== null) {
        if (this.phase === PHASE_RUN) this.connectFailures++;
        this.noteError(`reconnect to ${endpointText(conn.spec)} failed: ${error}`);
        this.scheduleReconnect(conn);
        return;
      }
      conn.reconnectDelayMs = RECONNECT_MIN_MS;
      this.fill(conn, performance.now());
      if (this.openLoop) this.armFor(conn);
    }, delay);
  }

  // ---- the hot path ---------------------------------------------------------------------------

  onData(conn: Conn, chunk: Uint8Array): void {
    const t = performance.now();
    const n = chunk.length;
    this.bytesReceived += n;
    if (t >= this.secondEndAt) this.roll(t);
    let buf: Uint8Array;
    let end: number;
    if (conn.rlen === 0) {
      buf = chunk;
      end = n;
    } else {
      const need = conn.rlen + n;
      if (need > conn.rbuf.length) {
        const bigger = new Uint8Array(Math.max(need, conn.rbuf.length * 2));
        bigger.set(conn.rbuf.subarray(0, conn.rlen));
        conn.rbuf = bigger;
      }
      copyBytes(chunk, 0, n, conn.rbuf, conn.rlen);
      buf = conn.rbuf;
      end = need;
    }
    const reader = this.reader;
    const kinds = conn.kinds;
    const sentAt = conn.sentAt;
    const cap = conn.cap;
    const measuring = this.phase === PHASE_RUN;
    let off = 0;
    let head = conn.head;
    let count = conn.count;
    while (count > 0) {
      const kind = kinds[head]!;
      const next = reader.parse(buf, off, end, kind, this.mgetBatch);
      if (next < 0) {
        if (next === INCOMPLETE) break;
        conn.head = head;
        conn.count = count;
        this.onLost(conn, `malformed reply (${JSON.stringify(errorText(buf, off, Math.min(end, off + 40)))}); is protocol right for this server?`);
        return;
      }
      if (kind <= Kind.Mget) {
        if (measuring) this.record(kind, t - sentAt[head]!, buf);
      } else this.special(conn, kind, buf);
      off = next;
      if (++head === cap) head = 0;
      count--;
    }
    if (count !== conn.count) conn.lastProgress = t;
    conn.head = head;
    conn.count = count;
    if (off < end) {
      if (count === 0) {
        this.onLost(conn, `a reply nothing was asked for (${JSON.stringify(errorText(buf, off, Math.min(end, off + 40)))})`);
        return;
      }
      const rest = end - off;
      if (buf === conn.rbuf) {
        if (off > 0) buf.copyWithin(0, off, end);
      } else {
        if (rest > conn.rbuf.length) conn.rbuf = new Uint8Array(Math.max(rest, conn.rbuf.length * 2));
        copyBytes(chunk, off, end, conn.rbuf, 0);
      }
      conn.rlen = rest;
    } else conn.rlen = 0;
    if (conn.handshake !== null) return;
    this.fill(conn, t);
    if (this.openLoop) this.armFor(conn);
    if (count === 0 && this.phase === PHASE_PREFILL) this.checkPrefillDone();
  }

  /** Count one measured reply. */
  private record(kind: number, ms: number, buf: Uint8Array): void {
    this.requests++;
    let us = Math.round(ms * 1000);
    if (us < 0) us = 0;
    else if (us > MAX_LATENCY_US) us = MAX_LATENCY_US;
    this.hist.recordValue(us);
    const reader = this.reader;
    const status = reader.status;
    if (status === Status.Error) {
      this.errors++;
      if (this.firstError === null) this.firstError = errorText(buf, reader.errorStart, reader.errorEnd);
    } else if (kind === Kind.Get) {
      if (status === Status.Hit) this.hits++;
      else if (status === Status.Miss) this.misses++;
    } else if (kind === Kind.Mget) {
      this.hits += reader.hits;
      this.misses += reader.misses;
    }
  }

  /** A reply that is not measured: the prefill's SETs and RESP3's HELLO. */
  private special(conn: Conn, kind: number, buf: Uint8Array): void {
    const reader = this.reader;
    const error = reader.status === Status.Error ? errorText(buf, reader.errorStart, reader.errorEnd) : null;
    if (kind === Kind.Hello) {
      const h = conn.handshake;
      conn.handshake = null;
      h?.(error);
      return;
    }
    if (error !== null) {
      this.prefillErrors++;
      if (this.firstError === null) this.firstError = error;
    }
  }

  onDrain(conn: Conn): void {
    conn.blocked = false;
    this.flush(conn);
    if (!conn.blocked && conn.handshake === null) {
      this.fill(conn, performance.now());
      if (this.openLoop) this.armFor(conn);
    }
  }

  /** Open loop: make sure the pump wakes up for this connection's next due request. */
  private armFor(conn: Conn): void {
    if (this.phase === PHASE_RUN && conn.count < this.depth && conn.socket !== null && conn.nextDue < this.pumpAt) this.armPump(conn.nextDue);
  }

  private pickKind(): number {
    const cumulative = this.cumulative;
    const n = cumulative.length;
    if (n === 1) return this.cumulativeKinds[0]!;
    const r = this.rng.u32() % this.totalWeight;
    for (let i = 0; i < n - 1; i++) if (r < cumulative[i]!) return this.cumulativeKinds[i]!;
    return this.cumulativeKinds[n - 1]!;
  }

  private push(conn: Conn, kind: number, at: number): void {
    let slot = conn.head + conn.count;
    if (slot >= conn.cap) slot -= conn.cap;
    conn.kinds[slot] = kind;
    conn.sentAt[slot] = at;
    if (conn.count === 0) conn.lastProgress = performance.now();
    conn.count++;
  }

  /** Room for one more request in the output buffer (compacting it if that helps). */
  private room(conn: Conn): boolean {
    const max = this.writer.maxRequestBytes;
    if (conn.outEnd + max <= conn.out.length) return true;
    if (conn.outStart === 0) return false;
    conn.out.copyWithin(0, conn.outStart, conn.outEnd);
    conn.outEnd -= conn.outStart;
    conn.outStart = 0;
    return conn.outEnd + max <= conn.out.length;
  }

  /**
   * Queue as many requests as the pipeline (and, open loop, the timeline) allows and write
   * them; when the output buffer fills first, write what it holds and go on.
   */
  private fill(conn: Conn, t: number): void {
    const depth = this.depth;
    for (;;) {
      if (conn.socket === null || conn.blocked) return;
      let full = false;
      if (this.phase === PHASE_RUN) {
        if (this.openLoop) {
          while (conn.count < depth && conn.nextDue <= t) {
            if (!this.room(conn)) {
              full = true;
              break;
            }
            const kind = this.pickKind();
            conn.outEnd = this.writer.write(kind, conn.out, conn.outEnd);
            this.push(conn, kind, conn.nextDue);
            conn.nextDue += this.intervalMs;
          }
        } else {
          while (conn.count < depth) {
            if (!this.room(conn)) {
              full = true;
              break;
            }
            const kind = this.pickKind();
            conn.outEnd = this.writer.write(kind, conn.out, conn.outEnd);
            this.push(conn, kind, t);
          }
        }
      } else if (this.phase === PHASE_PREFILL) {
        while (conn.count < depth && this.prefillNext < this.prefillTo) {
          if (!this.room(conn)) {
            full = true;
            break;
          }
          conn.outEnd = this.writer.set(conn.out, conn.outEnd, this.prefillNext++);
          this.push(conn, Kind.Prefill, t);
        }
      }
      this.flush(conn);
      if (!full) return;
    }
  }

  private flush(conn: Conn): void {
    const len = conn.outEnd - conn.outStart;
    if (len === 0 || conn.socket === null || conn.blocked) return;
    const n = conn.socket.write(conn.out, conn.outStart, len);
    if (n < 0) return; // closed: the close handler counts it
    this.bytesSent += n;
    if (n === len) {
      conn.outStart = conn.outEnd = 0;
    } else {
      conn.outStart += n;
      conn.blocked = true;
    }
  }

  // ---- prefill ------------------------------------------------------------------------------

  private checkPrefillDone(): void {
    if (this.phase !== PHASE_PREFILL || this.prefillNext < this.prefillTo) return;
    for (const conn of this.conns) if (conn.count > 0) return;
    const done = this.prefillDone;
    this.prefillDone = null;
    done?.();
  }

  // ---- time -----------------------------------------------------------------------------------

  private armSecondTimer(): void {
    if (this.secondTimer) clearTimeout(this.secondTimer);
    const delay = Math.max(0, this.secondEndAt - performance.now());
    this.secondTimer = setTimeout(() => {
      this.secondTimer = null;
      if (this.phase !== PHASE_RUN) return;
      const now = performance.now();
      if (now >= this.secondEndAt) this.roll(now);
      if (this.phase === PHASE_RUN) this.armSecondTimer();
    }, delay);
  }

  /** Close every second that ended by `t`; after the last one, finish. */
  private roll(t: number): void {
    while (this.phase === PHASE_RUN && t >= this.secondEndAt) {
      this.emitSecond(this.secondEndAt);
      this.second++;
      this.secondStartAt = this.secondEndAt;
      this.secondEndAt += 1000;
      if (this.second >= this.totalSeconds) this.finish();
    }
  }

  private emitSecond(endAt: number): void {
    let open = 0;
    for (const conn of this.conns) if (conn.socket !== null) open++;
    const histogram = this.hist.totalCount > 0 ? encodeIntoCompressedBase64(this.hist) : "";
    this.post({
      type: "second",
      second: this.second,
      elapsedMs: endAt - this.secondStartAt,
      requests: this.requests,
      errors: this.errors,
      hits: this.hits,
      misses: this.misses,
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      connectionsOpen: open,
      connectFailures: this.connectFailures,
      disconnects: this.disconnects,
      timeouts: this.timeouts,
      histogram,
    });
    this.resetCounters();
  }

  private resetCounters(): void {
    this.hist.reset();
    this.requests = this.errors = this.hits = this.misses = 0;
    this.bytesSent = this.bytesReceived = 0;
    this.connectFailures = this.disconnects = this.timeouts = 0;
  }

  /** Open loop: send what is due on connections with room, then sleep until the next due time. */
  private armPump(at: number): void {
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpAt = at;
    this.pumpTimer = setTimeout(() => this.pump(), Math.max(0, at - performance.now()));
  }

  private pump(): void {
    this.pumpTimer = null;
    this.pumpAt = Infinity;
    if (this.phase !== PHASE_RUN) return;
    const t = performance.now();
    if (t >= this.secondEndAt) this.roll(t);
    if (this.phase !== PHASE_RUN) return;
    let next = Infinity;
    for (const conn of this.conns) {
      if (conn.handshake !== null || conn.socket === null) continue;
      this.fill(conn, t);
      if (conn.count < this.depth && conn.nextDue < next) next = conn.nextDue;
    }
    if (next < Infinity) this.armPump(next);
  }

  private housekeep(): void {
    if (this.phase !== PHASE_RUN) return;
    const t = performance.now();
    if (t >= this.secondEndAt) this.roll(t);
    if (this.phase !== PHASE_RUN || this.requestTimeoutMs === 0) return;
    for (const conn of this.conns) {
      if (conn.socket !== null && conn.count > 0 && t - conn.lastProgress > this.requestTimeoutMs) {
        this.timeouts++;
        this.onLost(conn, `no reply within request_timeout (${this.requestTimeoutMs} ms)`);
      }
    }
  }

  private noteError(message: string): void {
    if (this.firstError === null) this.firstError = message;
  }
}

const bufferCopy = Buffer.prototype.copy as unknown as (this: Uint8Array, target: Uint8Array, targetStart: number, sourceStart: number, sourceEnd: number) => number;

/** src[from, to) to dst[at]: Buffer#copy, which needs no view of the source (subarray would make one). */
function copyBytes(src: Uint8Array, from: number, to: number, dst: Uint8Array, at: number): void {
  bufferCopy.call(src, dst, at, from, to);
}

function endpointText(e: { host: string; port: number }): string {
  return e.host.includes(":") ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

function errorText(buf: Uint8Array, start: number, end: number): string {
  return new TextDecoder().decode(buf.subarray(start, Math.min(end, start + 200)));
}

/** ECONNREFUSED and friends, in words. */
export function describeConnectError(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const code = err?.code ?? "";
  if (code === "ECONNREFUSED" || /refused/i.test(err?.message ?? "")) return "connection refused (is the server running and listening there?)";
  if (code === "ENOTFOUND" || code === "EAI_NONAME" || /getaddrinfo|not found|DNS/i.test(err?.message ?? "")) return `host not found (${err?.message ?? code})`;
  if (code === "ETIMEDOUT") return "connection timed out";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return "host unreachable";
  return err?.message ?? String(e);
}
