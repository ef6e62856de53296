import type { Socket, SocketHandler, SocketListener } from "bun";
import { lstatSync, unlinkSync } from "node:fs";
import { allCommands, type CommandSpec, CommandTable } from "../commands/index.ts";
import { COMMAND_SLOTS, Counter, counters, ErrorStats, publishStoreStats } from "../metrics/index.ts";
import { BinaryParser, TextParser } from "../protocol/memcache/index.ts";
import { ReplyWriter, RespParser } from "../protocol/resp/index.ts";
import { Store } from "../store/index.ts";
import { adviseHugePages, loadedShim, tickClock, type TickClock } from "../../ffi/index.ts";
import type { Logger } from "../stdx/index.ts";
import { onData, onDrain, PendingWrites } from "./connection.ts";
import { Blocking } from "./blocking.ts";
import { ClientPause } from "./pause.ts";
import { blockingCommands } from "./blocking-commands.ts";
import { transactionCommands } from "./multi.ts";
import { Notifier } from "./notify.ts";
import { PubSub, pubsubCommands } from "./pubsub.ts";
import { Observer } from "./observer.ts";
import { observeCommands } from "./observe-commands.ts";
import { Pushes } from "./push.ts";
import { ServerSignals } from "./signals.ts";
import { Watches } from "./watch.ts";
import { setHandlerErrorReporter } from "./dispatch.ts";
import { createHooks } from "./hooks.ts";
import { applyStartupParams } from "./params.ts";
import { OpsSampler, usedMemory } from "./info.ts";
import { type ConfigRewriter, splitAddress, type ServerOptions, type ServerPlacement, type ValueValidator } from "./options.ts";
import { Session, type Shared, Wire } from "./session.ts";
import type { Listening, Transport } from "./transport.ts";
import type { UringEngine } from "./uring/index.ts";

const STORE_TICK_MS = 100;
const MAXCLIENTS_REPLY = new TextEncoder().encode("-ERR max number of clients reached\r\n");
const CLIENT_CRON_MS = 1000;
const EMPTY_CHUNK = new Uint8Array(0);

/**
 * Every command a RESP listener serves, in the order that numbers their statistics slots
 * (the main thread builds the same table to name a Worker's per-command metrics).
 */
export function serverCommandSpecs(): CommandSpec[] {
  return [...allCommands, ...transactionCommands, ...pubsubCommands, ...blockingCommands, ...observeCommands];
}

export class Server {
  readonly parser: RespParser;
  readonly reply: ReplyWriter;
  readonly table: CommandTable;
  /** The clock that times every command (the shim's time-stamp counter, or Bun.nanoseconds). */
  readonly ticks: TickClock = tickClock(loadedShim());
  /**
   * When the running command began, in ticks: the end of the one before it, or when its
   * connection's input started to be parsed (connection.ts onData).
   */
  commandStartTicks = 0;
  /** SLOWLOG, LATENCY and MONITOR's view of executed commands. */
  readonly observer: Observer;
  /** Error replies by code (INFO errorstats). */
  readonly errorStats = new ErrorStats();
  readonly store: Store;
  /** The time commands and the store see; refreshed per data callback (Redis caches it per command). */
  readonly clock: { ms: number };
  readonly sessions = new Map<number, Session>();
  readonly startedMs = Date.now();
  /** INFO's run_id (and master_replid): 40 random hex digits per start. */
  readonly runId = Array.from(crypto.getRandomValues(new Uint8Array(20)), (b) => b.toString(16).padStart(2, "0")).join("");
  /** used_memory at start-up and its peak, kept by INFO memory and the cron. */
  readonly memoryMarks = { startup: 0, peak: 0 };
  readonly listeners: Listening[] = [];
  /** Called as a shutdown begins, whatever started it (signal, SHUTDOWN, stop()). */
  onStopping: (() => void) | null = null;
  /** The network engine carrying the clients: "bun" (Bun.listen) or "uring". */
  engineName = "bun";
  private uring: UringEngine | null = null;
  shuttingDown = false;
  readonly ops = new OpsSampler();
  readonly writes = new PendingWrites(this);
  readonly watches = new Watches();
  readonly pubsub = new PubSub(this);
  readonly pushes = new Pushes();
  readonly blocking = new Blocking(this);
  /** CLIENT PAUSE: held clients and the pause's end. */
  readonly pause = new ClientPause(this);
  readonly signals = new ServerSignals(this);
  readonly notify = new Notifier(this);
  /** Sessions woken from a blocking command, to go on with their pipelined input. */
  private resuming: Session[] = [];
  private resumeScheduled = false;
  /** memcache framing, shared by every memcache connection (one request runs at a time). */
  readonly mcText: TextParser;
  readonly mcBinary: BinaryParser;
  private nextClientId = 1;
  private timers: ReturnType<typeof setInterval>[] = [];
  private shared: Shared;
  private stopping: Promise<void> | null = null;
  /** Transparent hugepage advice for the store's big arrays: bytes advised, or why none were. */
  readonly hugePages = { advisedBytes: 0, mode: "", why: "" };

  constructor(
    readonly options: ServerOptions,
    readonly log: Logger,
    readonly configSource: string,
    readonly validate: ValueValidator | null,
    readonly onStopped: () => void,
    /** The arena memory and its placement from the composition root; null: the store allocates. */
    readonly placement: ServerPlacement | null = null,
    /** CONFIG REWRITE's writer from the composition root; without it no config file was read to write. */
    readonly rewriteConfig: ConfigRewriter = () => "ERR The server is running without a config file",
  ) {
    const o = options;
    const clock = { ms: Date.now() };
    this.clock = clock;
    if (placement !== null) Object.assign(this.hugePages, { advisedBytes: placement.thpAdvisedBytes, mode: placement.thpMode, why: placement.thpWhy });
    this.store = new Store({
      nowMs: () => clock.ms,
      heapSizeBytes: o.cache.heap_size,
      segmentSizeBytes: o.cache.segment_size,
      hashtablePower: o.cache.hashtable_power,
      maxValueSizeBytes: o.cache.max_value_size,
      eviction: o.cache.eviction,
      databases: o.server.databases,
      memory: placement?.chunks,
      onLargeAllocation: (view) => this.adviseHugePages(view),
    });
    this.parser = new RespParser({ maxBulkBytes: o.server.proto_max_bulk_len });
    this.reply = new ReplyWriter();
    const limits = { get maxDataBytes() { return o.cache.max_value_size; } };
    this.mcText = new TextParser(limits);
    this.mcBinary = new BinaryParser(limits);
    this.table = new CommandTable(serverCommandSpecs());
    if (this.table.slotNames.length > COMMAND_SLOTS) throw new Error(`${this.table.slotNames.length} commands: raise COMMAND_SLOTS`);
    this.observer = new Observer(this, this.table);
    this.reply.onError = (text) => this.errorStats.record(text);
    this.shared = {
      argv: this.parser,
      reply: this.reply,
      store: this.store,
      hooks: createHooks(this),
      scratch: { buf: new Uint8Array(64 * 1024) },
      clock,
      host: this,
    };
    // The configured LFU tuning and notify-keyspace-events; remember the start-up values
    // CONFIG REWRITE compares with.
    applyStartupParams(this);
  }

  private adviseHugePages(view: ArrayBufferView): void {
    const advice = adviseHugePages([view]);
    if (advice.advised) {
      this.hugePages.advisedBytes += advice.bytes;
      this.hugePages.mode = advice.mode;
    } else if (this.hugePages.why === "") {
      this.hugePages.why = advice.why;
    }
  }

  start(): void {
    const huge = this.hugePages;
    const arenaPages = this.placement?.pageSize ?? "4k";
    if (arenaPages !== "4k") {
      this.log.info(`store memory: arena on ${arenaPages} hugepages`, { thp_advised_bytes: huge.advisedBytes });
    } else if (huge.advisedBytes > 0) {
      this.log.info("store memory: transparent hugepages advised", { bytes: huge.advisedBytes, thp: huge.mode });
    } else {
      this.log.info("store memory: 4 KiB pages", { why: huge.why });
    }
    this.log.info(`command clock: ${this.ticks.source}`, { clock: this.ticks.source });
    setHandlerErrorReporter((command, error) =>
      this.log.error("command handler failed", { command, error: (error as Error)?.stack ?? String(error) }),
    );
    for (const l of this.options.listener) this.listen(l.protocol, l.address, l.path);
    this.timers.push(
      setInterval(() => {
        this.clock.ms = Date.now();
        // Active expiry waits while clients are paused, as in Redis.
        if (this.pause.mode === 0) this.store.tick();
        this.deliverPushes();
      }, STORE_TICK_MS),
    );
    this.timers.push(setInterval(() => this.clientCron(), CLIENT_CRON_MS));
    for (const t of this.timers) t.unref();
  }

  /** Carry clients on the io_uring engine instead of Bun.listen (before start()). */
  useUring(engine: UringEngine): void {
    this.uring = engine;
    this.engineName = "uring";
    this.writes.autoFlush = false;
  }

  private listen(protocol: string, address: string, path: string): void {
    const { host, port } = splitAddress(address);
    if (path !== "") address = path;
    if (this.uring !== null) {
      let l: Listening;
      try {
        l = this.uring.listen(protocol, host, port, path);
      } catch (error) {
        throw listenError(error, address, port);
      }
      this.listeners.push(l);
      this.log.info(`listening for ${protocol} on ${l.address}`, { protocol, address: l.address, engine: "io_uring", ...(path !== "" ? { unix: true } : {}) });
      return;
    }
    const server = this;
    let listener: SocketListener<Session>;
    let boundPort = 0;
    try {
      const socket = {
        binaryType: "uint8array" as const,
        open(socket: Socket<Session>) {
          server.accept(socket, protocol, path);
        },
        data(socket: Socket<Session>, chunk: Uint8Array) {
          // Sockets refused at accept (maxclients, shutdown) have no session.
          if (socket.data) {
            server.clock.ms = Date.now();
            onData(server, socket.data, chunk);
          }
        },
        drain(socket: Socket<Session>) {
          if (socket.data) onDrain(server, socket.data);
        },
        close(socket: Socket<Session>) {
          if (socket.data) server.forget(socket.data);
        },
        error(socket: Socket<Session>, error: Error) {
          server.log.debug("client socket error", { id: socket.data?.id, error: String(error) });
        },
      } satisfies SocketHandler<Session>;
      if (path !== "") removeStaleSocket(path);
      if (path === "") {
        const tcp = Bun.listen<Session>({ hostname: host, port, socket });
        boundPort = tcp.port;
        listener = tcp;
      } else {
        listener = Bun.listen<Session>({ unix: path, socket });
      }
    } catch (error) {
      throw listenError(error, address, port);
    }
    const bound = path === "" ? `${host}:${boundPort}` : path;
    this.listeners.push({ protocol, address: bound, stop: () => listener.stop(false) });
    this.log.info(`listening for ${protocol} on ${bound}`, { protocol, address: bound, engine: "bun", ...(path !== "" ? { unix: true } : {}) });
  }

  private accept(socket: Socket<Session>, protocol: string, path: string): void {
    // Unix clients are named after the socket, as Redis does ("/path:0").
    const addr = path === "" ? `${socket.remoteAddress}:${socket.remotePort}` : `${path}:0`;
    const laddr = path === "" ? `${socket.localAddress}:${socket.localPort}` : `${path}:0`;
    const s = this.openSession(socket, addr, laddr, protocol);
    if (s === null) return;
    socket.data = s;
    if (path !== "") return;
    socket.setNoDelay(true);
    const keepaliveSecs = this.options.server.tcp_keepalive;
    if (keepaliveSecs > 0) socket.setKeepAlive(true, keepaliveSecs * 1000);
  }

  /** A new client on any engine: refused (null) while shutting down or at maxclients. */
  openSession(transport: Transport, addr: string, laddr: string, protocol: string): Session | null {
    if (this.shuttingDown) {
      transport.terminate();
      return null;
    }
    if (this.sessions.size >= this.options.server.maxclients) {
      counters[Counter.connectionsRejected]++;
      const refusal = MAXCLIENTS_REPLY;
      transport.write(refusal, 0, refusal.length);
      transport.end();
      return null;
    }
    const id = this.nextClientId++;
    const s = new Session(id, transport, addr, laddr, this.shared);
    this.sessions.set(id, s);
    counters[Counter.connectionsAccepted]++;
    counters[Counter.connectionsActive] = this.sessions.size;
    if (protocol === "memcache") s.wire = Wire.Memcache;
    if (this.log.enabled("debug")) this.log.debug("client connected", { id, addr, protocol, clients: this.sessions.size });
    return s;
  }

  /** Close a client: after its pending output unless `abort`. */
  close(s: Session, abort = false): void {
    if (s.closed) return;
    if (!abort && s.outLen > 0) {
      s.closeAfterReply = true;
      return;
    }
    s.closed = true;
    if (s.socket.reportsClose !== true) this.forget(s);
    if (abort) s.socket.terminate();
    else s.socket.end();
  }

  forget(s: Session): void {
    s.closed = true;
    this.dropClientState(s);
    if (this.sessions.delete(s.id)) {
      counters[Counter.connectionsActive] = this.sessions.size;
      if (this.log.enabled("debug")) this.log.debug("client closed", { id: s.id, addr: s.addr, clients: this.sessions.size });
    }
    if (this.shuttingDown && this.sessions.size === 0) this.drained?.();
  }

  /** A closing or RESET client: its watches, subscriptions, block and transaction go. */
  dropClientState(s: Session): void {
    if (s.watching.length > 0) this.watches.unwatchAll(s);
    if (s.subscribed) this.pubsub.dropAll(s);
    if (s.blocked !== null) this.blocking.unblock(s);
    if (s.paused) this.pause.drop(s);
    this.observer.forget(s);
    s.multi = null;
    s.multiDirty = false;
    s.multiMayReplicate = false;
    this.signals.update();
  }

  /**
   * After each request on a connection (connection.ts settleReply), when pushes or ready
   * keys are pending: close `s`'s reply range at `mark`, serve woken clients, move pushed
   * output into the shared buffer. Returns the new start of `s`'s replies.
   */
  afterCommand(s: Session | null, mark: number): number {
    const reply = this.reply;
    if (s !== null) this.writes.add(s, mark, reply.pos);
    if (this.blocking.readyCount > 0) this.blocking.serveReady();
    if (this.pushes.count > 0) this.pushes.moveTo(reply, this.writes);
    if (s !== null) reply.proto = s.proto;
    return reply.pos;
  }

  /**
   * Send pushes queued outside any request: keyspace events of keys the store tick expired,
   * and any left behind by a request that ended its connection before they were moved.
   */
  private deliverPushes(): void {
    if (this.pushes.count === 0) return;
    this.afterCommand(null, this.reply.pos);
    this.writes.flush();
  }

  /** A client woken from a blocking command goes on with its pipelined input on the next turn. */
  resumeSoon(s: Session): void {
    this.resuming.push(s);
    if (this.resumeScheduled) return;
    this.resumeScheduled = true;
    setImmediate(() => {
      this.resumeScheduled = false;
      const list = this.resuming;
      this.resuming = [];
      this.clock.ms = Date.now();
      for (const r of list) if (!r.closed && r.blocked === null && !r.paused) onData(this, r, EMPTY_CHUNK, 0, 0);
      this.writes.flush();
    });
  }

  /** Redis's clientsCron: idle timeouts. */
  private clientCron(): void {
    this.ops.sample();
    this.ticks.recalibrate();
    usedMemory(this);
    // Evictions, expirations and arena use for /metrics, which may be served from another thread.
    publishStoreStats(this.store.stats());
    const timeoutSecs = this.options.server.timeout;
    if (timeoutSecs <= 0) return;
    const now = Date.now();
    for (const s of this.sessions.values()) {
      if (now - s.lastInteractionMs > timeoutSecs * 1000) {
        this.log.debug("closing idle client", { id: s.id, addr: s.addr });
        counters[Counter.clientsClosedIdle]++;
        this.close(s, true);
      }
    }
  }

  private drained: (() => void) | null = null;

  /**
   * Graceful shutdown, each phase logged: stop accepting (close the listeners), let every
   * client's pending replies go out and close it, cut whoever is still there when
   * drain_timeout_secs runs out, then hand over to onStopped (which exits 0).
   */
  stop(reason: string): Promise<void> {
    if (this.stopping) return this.stopping;
    this.stopping = (async () => {
      this.shuttingDown = true;
      this.onStopping?.();
      this.writes.flush();
      const timeoutSecs = this.options.shutdown.drain_timeout_secs;
      for (const l of this.listeners) l.stop();
      for (const t of this.timers) clearInterval(t);
      this.log.info("shutdown: stop accepting connections", {
        reason,
        listeners_closed: this.listeners.length,
        listeners: this.listeners.map((l) => `${l.protocol} ${l.address}`),
      });
      const clients = this.sessions.size;
      const waiting = new Promise<void>((resolve) => {
        this.drained = resolve;
      });
      for (const s of [...this.sessions.values()]) this.close(s);
      let cut = 0;
      if (this.sessions.size > 0) {
        this.log.info("shutdown: draining clients", { clients: this.sessions.size, closed_idle: clients - this.sessions.size, timeout_secs: timeoutSecs });
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timedOut = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), timeoutSecs * 1000);
        });
        const timeout = await Promise.race([waiting.then(() => false), timedOut]);
        clearTimeout(timer);
        if (timeout) {
          cut = this.sessions.size;
          this.log.warn("shutdown: drain timeout, closing remaining clients", { clients: cut, timeout_secs: timeoutSecs });
          for (const s of [...this.sessions.values()]) this.close(s, true);
        }
      }
      this.log.info(`shutdown: connections drained ${clients - cut}, cut ${cut}`, { clients, drained: clients - cut, cut });
      this.pause.stop();
      this.uring?.destroy();
      this.log.info("shutdown: complete");
      this.onStopped();
    })();
    return this.stopping;
  }
}

/** A socket file left by an earlier run would make bind fail (Redis unlinks it too); other files are kept. */
function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // absent: nothing to remove
  }
}

function listenError(error: unknown, address: string, port: number): Error {
  const e = error as { code?: string; message?: string };
  const inUse = e?.code === "EADDRINUSE" || /in use/i.test(String(e?.message));
  const message = inUse
    ? `Address already in use: ${address} (another process is listening there; find it with: ss -ltnp 'sport = :${port}')`
    : `Failed to listen on ${address}: ${e?.message ?? String(error)}`;
  return Object.assign(new Error(message), { code: inUse ? "EADDRINUSE" : e?.code, exitCode: 2 });
}
