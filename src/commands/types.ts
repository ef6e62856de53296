import type { Argv, Reply } from "../protocol/resp/index.ts";
import type { StoreApi } from "../store/index.ts";
import type { CommandTable } from "./table.ts";
import type { MemcacheHooks } from "./memcache/types.ts";

/**
 * Redis's command flags, lower-case as its COMMAND INFO reports them. Redis 7.0 keeps
 * "may_replicate" (PUBLISH, PFCOUNT, EVAL: commands that may propagate though not "write")
 * out of COMMAND INFO on purpose; the specs carry it for CLIENT PAUSE WRITE (CommandBits).
 */
export type CommandFlag =
  | "write" | "readonly" | "denyoom" | "admin" | "pubsub" | "noscript" | "blocking"
  | "loading" | "stale" | "skip_monitor" | "skip_slowlog" | "fast" | "no_auth"
  | "may_replicate" | "no_multi" | "allow_busy";

/** Argument documentation for COMMAND DOCS (redis-cli builds its hints from it). */
export interface ArgDoc {
  name: string;
  type: "string" | "integer" | "double" | "key" | "pattern" | "unix-time" | "pure-token" | "oneof" | "block";
  token?: string;
  optional?: boolean;
  multiple?: boolean;
  arguments?: ArgDoc[];
}

export interface CommandSpec {
  /** Lower-case name; a subcommand is "container|sub" as in Redis, e.g. "client|list". */
  name: string;
  /** Redis arity: N means exactly N words (name included), -N means at least N. */
  arity: number;
  flags: CommandFlag[];
  firstKey: number;
  lastKey: number;
  step: number;
  /**
   * Where a numkeys argument sits when the keys follow it (Redis's keynum key spec): COMMAND
   * INFO then adds the "movablekeys" flag, and COMMAND GETKEYS counts those keys too.
   */
  numKeysArg?: number;
  /**
   * The argument indexes of the keys, for a command whose keys move with its options (SORT's
   * STORE): COMMAND GETKEYS asks it, and COMMAND INFO adds the "movablekeys" flag.
   */
  keysIn?: (words: readonly string[]) => number[];
  /** ACL categories without the '@', e.g. ["string", "write", "slow"]. */
  acl: string[];
  /** Redis's group: "string", "generic", "connection", "server", ... */
  group: string;
  summary: string;
  since: string;
  complexity?: string;
  args?: ArgDoc[];
  subcommands?: CommandSpec[];
  /** Absent on a container whose work is all in its subcommands. */
  handler?: (c: Ctx) => void;
}

/** Client facts a handler may read or change (SELECT, HELLO, CLIENT SETNAME, QUIT). */
export interface ClientState {
  readonly id: number;
  db: number;
  proto: 2 | 3;
  name: string;
  libName: string;
  libVersion: string;
  /** Set by QUIT (and protocol errors): the connection closes once its replies are written. */
  closeAfterReply: boolean;
  /** Subscribed to a channel or pattern (a RESP2 client is then in subscriber mode). */
  readonly subscribed?: boolean;
  /** CLIENT NO-EVICT: flag `e` in CLIENT LIST. */
  noEvict: boolean;
  /** CLIENT REPLY state, ReplyFlag bits (0: every reply is sent). */
  replyFlags: number;
}

/**
 * CLIENT REPLY's state (Redis's CLIENT_REPLY_OFF, _SKIP_NEXT, _SKIP): after each command the
 * server drops its reply while `off` or `skip` is set, then `skipNext` (set by CLIENT REPLY
 * SKIP) becomes `skip` for the next command and `skip` is cleared.
 */
export const ReplyFlag = { off: 1, skipNext: 2, skip: 4 } as const;

/** A client's class for CLIENT LIST TYPE and CLIENT KILL TYPE (Redis's getClientTypeByName). */
export type ClientType = "normal" | "master" | "replica" | "pubsub";

/** CLIENT KILL's filters: every one given must match (Redis's new form; the old form is `addr`). */
export interface ClientKillFilter {
  id?: number;
  type?: ClientType;
  addr?: string;
  laddr?: string;
  user?: string;
  /** Only clients connected for more than this many seconds. */
  maxAgeSecs?: number;
  /** Leave the calling client alone. */
  skipMe: boolean;
}

/**
 * What the server does when keys change: WATCH, clients blocked on a key, keyspace
 * notifications. Commands report through src/commands/keyspace/signal.ts, which skips the
 * call while `active` is 0 (nobody watching, waiting or listening).
 */
export interface KeySignals {
  active: number;
  keyModified(c: Ctx, db: number, key: Uint8Array, keyOff: number, keyLen: number, event: string): void;
  /** Before FLUSHDB (db), FLUSHALL (-1) or SWAPDB (each of the two dbs): every key of the db may change. */
  dbChanging(c: Ctx, db: number): void;
}

/** One MEMORY STATS field: an integer, a ratio (a double), or a nested map (db.N). */
export type MemoryStat = [name: string, value: number | { ratio: number } | MemoryStat[]];

/** Server facilities below the commands layer's reach, implemented by src/server. */
export interface ServerHooks {
  readonly maxValueSizeBytes: number;
  /** An LFU eviction policy is in effect (OBJECT FREQ is allowed). */
  readonly lfuEnabled: boolean;
  readonly commands: CommandTable;
  /** INFO text for the given lower-case section names ([] = default sections). */
  info(sections: string[]): string;
  /** CLIENT LIST lines: every client, those of one type, or those of the given ids (in that order). */
  clientList(caller: ClientState, ids?: number[], type?: ClientType): string;
  clientInfo(client: ClientState): string;
  /**
   * CLIENT KILL: closes every other matching client once what is queued for it is written;
   * `self` when the caller matched too (it closes after this command's reply).
   */
  clientKill(caller: ClientState, filter: ClientKillFilter): { killed: number; self: boolean };
  /** CLIENT PAUSE: hold every command (all) or those that write, for ms from now. */
  clientPause(ms: number, all: boolean): void;
  /** CLIENT UNPAUSE: end the pause; held clients go on in the order they were held. */
  clientUnpause(): void;
  /** CLIENT UNBLOCK: 1 when the client was in a blocking command and is now woken, else 0. */
  clientUnblock(caller: ClientState, id: number, withError: boolean): number;
  /** A user of that name exists (CLIENT KILL USER). */
  userExists(name: string): boolean;
  /** CONFIG GET: name/value pairs of the parameters matching any of the glob patterns. */
  configGet(patterns: string[]): [string, string][];
  /** CONFIG SET of several parameters, all or nothing; returns an error reply text or null. */
  configSet(pairs: [string, string][]): string | null;
  /** CONFIG REWRITE: save the running configuration to the config file; an error reply text, or null when done. */
  configRewrite(): string | null;
  /** MEMORY STATS: Redis 7.0's fields (and Crucible's own), in order. */
  memoryStats(): MemoryStat[];
  /** MEMORY DOCTOR's report. */
  memoryDoctor(): string;
  /** MEMORY MALLOC-STATS's report. */
  mallocStats(): string;
  /** MEMORY PURGE: give memory that holds nothing back to the OS. */
  memoryPurge(): void;
  resetStats(): void;
  /** SHUTDOWN: begins a graceful shutdown; returns an error text when refused. */
  shutdown(client: ClientState, reason: string): string | null;
  /** RESET: back to a fresh connection's state. */
  resetClient(client: ClientState): void;
  /** DEBUG SLEEP: block the server for ms. */
  sleep(ms: number): void;
  readonly memcache: MemcacheHooks;
  readonly signals: KeySignals;
}

/**
 * What a handler sees. It is the connection's session object, reused for every request,
 * so handlers allocate nothing to receive their arguments.
 */
export interface Ctx {
  readonly argv: Argv;
  readonly reply: Reply;
  readonly store: StoreApi;
  readonly client: ClientState;
  readonly server: ServerHooks;
  nowMs(): number;
  /** A reusable scratch buffer of at least `bytes`; contents are clobbered by the next call. */
  scratch(bytes: number): Uint8Array;
}
