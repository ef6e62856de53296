// Drives command handlers directly: a real Store on a manual clock, the real RESP parser and
// reply writer, and a Ctx shaped like the server's session. Each call encodes a command as
// a RESP multibulk frame, parses it, checks arity as the dispatcher does, runs the handler
// and returns the exact reply bytes (latin1, so binary bytes survive one to one).

import { keyspaceCommands } from "../../../src/commands/keyspace/index.ts";
import { stringCommands } from "../../../src/commands/string/index.ts";
import type { ClientState, CommandSpec, Ctx, ServerHooks } from "../../../src/commands/types.ts";
import { ReplyWriter, RespParser } from "../../../src/protocol/resp/index.ts";
import { Store, type StoreOptions } from "../../../src/store/index.ts";
import { manualClock } from "../../../src/stdx/index.ts";

export type Arg = string | Uint8Array;

const encoder = new TextEncoder();

function toBytes(a: Arg): Uint8Array {
  return typeof a === "string" ? encoder.encode(a) : a;
}

/** A RESP multibulk frame for the arguments. */
export function frame(args: Arg[]): Uint8Array {
  const parts: Uint8Array[] = [encoder.encode(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = toBytes(a);
    parts.push(encoder.encode(`$${b.length}\r\n`), b, encoder.encode("\r\n"));
  }
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const specsByName = new Map<string, CommandSpec>();
for (const spec of [...stringCommands, ...keyspaceCommands]) specsByName.set(spec.name, spec);

export interface HarnessOptions extends Partial<StoreOptions> {
  proto?: 2 | 3;
  hooks?: Record<string, unknown>;
}

export class Harness {
  readonly clock = manualClock(1_700_000_000_000);
  readonly store: Store;
  readonly parser = new RespParser();
  readonly reply = new ReplyWriter(256);
  readonly client: ClientState = { id: 1, db: 0, proto: 2, name: "", libName: "", libVersion: "", closeAfterReply: false, noEvict: false, replyFlags: 0 };
  readonly hooks: ServerHooks;
  private scratchBuf = new Uint8Array(16);
  readonly ctx: Ctx;

  constructor(opts: HarnessOptions = {}) {
    this.store = new Store({
      heapSizeBytes: opts.heapSizeBytes ?? 32 * 1024 * 1024,
      segmentSizeBytes: opts.segmentSizeBytes ?? 1024 * 1024,
      hashtablePower: opts.hashtablePower ?? 12,
      maxValueSizeBytes: opts.maxValueSizeBytes ?? 1024 * 1024,
      eviction: opts.eviction ?? "noeviction",
      databases: opts.databases ?? 16,
      nowMs: this.clock,
    });
    // Only what string and keyspace commands read; lfuEnabled is left out unless a test sets
    // it, so OBJECT FREQ/IDLETIME are tested both with and without the hook.
    this.hooks = {
      maxValueSizeBytes: opts.maxValueSizeBytes ?? 1024 * 1024,
      signals: { active: 0, keyModified() {}, dbChanging() {} },
      ...opts.hooks,
    } as unknown as ServerHooks;
    this.reply.proto = opts.proto ?? 2;
    this.client.proto = this.reply.proto;
    const self = this;
    this.ctx = {
      argv: this.parser,
      reply: this.reply,
      store: this.store,
      client: this.client,
      server: this.hooks,
      nowMs: () => self.clock(),
      scratch(bytes: number): Uint8Array {
        // Deliberately dirty on growth and reuse, so handlers that forget to clear it fail.
        if (self.scratchBuf.length < bytes) self.scratchBuf = new Uint8Array(Math.max(bytes, self.scratchBuf.length * 2)).fill(0xee);
        return self.scratchBuf;
      },
    };
  }

  /** Run a command; returns the reply bytes as a latin1 string. */
  cmd(...args: Arg[]): string {
    return Buffer.from(this.raw(...args)).toString("latin1");
  }

  /** Run a command; returns a copy of the reply bytes. */
  raw(...args: Arg[]): Uint8Array {
    const bytes = frame(args);
    const used = this.parser.parse(bytes, 0, bytes.length);
    if (used !== bytes.length) throw new Error(`parser took ${used} of ${bytes.length} bytes`);
    this.reply.reset();
    const argv = this.parser;
    const name = Buffer.from(argv.buf.subarray(argv.off[0], argv.off[0] + argv.len[0])).toString("latin1").toLowerCase();
    let spec = specsByName.get(name);
    if (!spec) throw new Error(`no spec for ${name}`);
    if (spec.subcommands) {
      if (argv.argc < 2) throw new Error(`${name} needs a subcommand`);
      const sub = Buffer.from(argv.buf.subarray(argv.off[1], argv.off[1] + argv.len[1])).toString("latin1").toLowerCase();
      spec = spec.subcommands.find((s) => s.name === `${name}|${sub}`);
      if (!spec) return encoder.encode(`-ERR unknown subcommand '${sub}'. Try ${name.toUpperCase()} HELP.\r\n`);
    }
    const arity = spec.arity;
    if ((arity > 0 && argv.argc !== arity) || argv.argc < -arity) {
      return encoder.encode(`-ERR wrong number of arguments for '${spec.name}' command\r\n`);
    }
    spec.handler!(this.ctx);
    return this.reply.bytes().slice();
  }

  /** Store a value of another type directly (the object store's commands do not exist yet). */
  setTyped(key: string, type: number, value = "x"): void {
    const k = encoder.encode(key);
    const v = encoder.encode(value);
    this.store.set(this.client.db, k, 0, k.length, v, 0, v.length, 0, 0, 0, type as never);
  }

  select(db: number): void {
    this.client.db = db;
  }
}

// ---- expected reply bytes -------------------------------------------------------------------

export const OK = "+OK\r\n";
export const NULL = "$-1\r\n";
export const NULL_ARRAY = "*-1\r\n";
export const EMPTY_BULK = "$0\r\n\r\n";
export const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
export const SYNTAX = "-ERR syntax error\r\n";
export const NOT_INTEGER = "-ERR value is not an integer or out of range\r\n";
export const NOT_FLOAT = "-ERR value is not a valid float\r\n";

export function bulk(s: string): string {
  return `$${Buffer.byteLength(s, "latin1")}\r\n${s}\r\n`;
}

export function int(n: number | bigint): string {
  return `:${n}\r\n`;
}

export function err(text: string): string {
  return `-${text}\r\n`;
}

export function arr(...items: string[]): string {
  return `*${items.length}\r\n${items.join("")}`;
}

export function simple(s: string): string {
  return `+${s}\r\n`;
}

export function bulks(...items: string[]): string {
  return arr(...items.map(bulk));
}
