import { type ClientState, type Ctx, ReplyFlag, type ServerHooks } from "../commands/index.ts";
import type { Argv, Reply } from "../protocol/resp/index.ts";
import type { StoreApi } from "../store/index.ts";
import type { Transport } from "./transport.ts";
import type { QueuedCommand } from "./multi.ts";
import type { Server } from "./server.ts";
import type { WatchedKey } from "./watch.ts";
import type { BlockedOn } from "./blocking.ts";

/** Per-server objects every session shares; one thread runs every request to completion. */
export interface Shared {
  argv: Argv;
  reply: Reply;
  store: StoreApi;
  hooks: ServerHooks;
  scratch: { buf: Uint8Array };
  /** Wall clock read once per data callback (and before each store tick), not per command. */
  clock: { ms: number };
  host: Server;
}

/** The wire protocol of a connection: RESP, or memcache text or binary (told by its first byte). */
export const Wire = { Resp: 0, Memcache: 1, MemcacheText: 2, MemcacheBinary: 3 } as const;
export type Wire = (typeof Wire)[keyof typeof Wire];

/**
 * One client connection. It is also the command context (Ctx): handlers receive the session
 * itself, so a request allocates nothing to reach its arguments or reply buffer.
 */
export class Session implements Ctx, ClientState {
  db = 0;
  proto: 2 | 3 = 2;
  name = "";
  libName = "";
  libVersion = "";
  closeAfterReply = false;
  closed = false;
  /** CLIENT NO-EVICT (flag `e`). */
  noEvict = false;
  /** CLIENT REPLY OFF/SKIP state (ReplyFlag bits); 0 on the common path. */
  replyFlags = 0;
  /** Held by CLIENT PAUSE (dispatch.ts, pause.ts): its input waits, unparsed, until the pause ends. */
  paused = false;
  wire: Wire = Wire.Resp;
  /** Bytes of an oversized memcache value still to be dropped from the stream. */
  swallow = 0;

  /** Unparsed input: a partial frame kept between data callbacks. */
  inBuf: Uint8Array | null = null;
  inLen = 0;
  /** Bytes the partial frame needs before parsing is worth retrying (0: unknown). */
  needBytes = 0;
  /** Output the socket has not taken yet; flushed on drain. */
  outBuf: Uint8Array | null = null;
  outStart = 0;
  outLen = 0;
  /** The most output held back at once since outBuf was allocated (CLIENT LIST rbp). */
  outPeak = 0;

  readonly createdMs: number;
  lastInteractionMs: number;
  /** Command-table index of the last command, -1 before any. */
  lastCommand = -1;
  lastSubcommand = -1;

  // ---- transactions (multi.ts, watch.ts) ----
  /** Commands queued since MULTI; null outside a transaction. */
  multi: QueuedCommand[] | null = null;
  /** A command was refused while queuing: EXEC answers EXECABORT. */
  multiDirty = false;
  /** A queued command is "write" or "may_replicate": CLIENT PAUSE WRITE holds the EXEC. */
  multiMayReplicate = false;
  /** Running EXEC's queue: blocking commands do not block. */
  inExec = false;
  readonly watching: WatchedKey[] = [];
  watchDirty = false;

  // ---- pub/sub (pubsub.ts) ----
  /** Channels and patterns subscribed to (latin1 strings), in subscription order. */
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();

  // ---- blocking (blocking.ts) ----
  /** What the client waits for while a blocking command holds it; null when not blocked. */
  blocked: BlockedOn | null = null;

  /** The command's arguments: the parser's, or a queued command's while EXEC runs it. */
  argv: Argv;
  readonly reply: Reply;
  readonly store: StoreApi;
  readonly server: ServerHooks;
  readonly client: ClientState = this;

  constructor(
    readonly id: number,
    readonly socket: Transport,
    readonly addr: string,
    readonly laddr: string,
    private readonly shared: Shared,
  ) {
    this.argv = shared.argv;
    this.reply = shared.reply;
    this.store = shared.store;
    this.server = shared.hooks;
    this.createdMs = Date.now();
    this.lastInteractionMs = this.createdMs;
  }

  get host(): Server {
    return this.shared.host;
  }

  /** Subscribed to any channel or pattern. */
  get subscribed(): boolean {
    return this.channels.size + this.patterns.size > 0;
  }

  nowMs(): number {
    return this.shared.clock.ms;
  }

  scratch(bytes: number): Uint8Array {
    const s = this.shared.scratch;
    if (s.buf.length < bytes) s.buf = new Uint8Array(Math.max(bytes, s.buf.length * 2));
    return s.buf;
  }
}

/**
 * After a command's reply, written to `reply` from `from`: CLIENT REPLY OFF or SKIP drop it,
 * and a SKIP lasts one command (Redis's resetClient). Called only when s.replyFlags is set.
 */
export function settleReplyFlags(s: Session, reply: Reply, from: number): void {
  const f = s.replyFlags;
  if ((f & (ReplyFlag.off | ReplyFlag.skip)) !== 0) reply.pos = from;
  s.replyFlags = (f & ReplyFlag.skipNext) !== 0 ? (f & ReplyFlag.off) | ReplyFlag.skip : f & ReplyFlag.off;
}
