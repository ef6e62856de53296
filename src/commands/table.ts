import { lowerAscii, utf8 } from "../stdx/index.ts";
import type { CommandSpec } from "./types.ts";

/** Per-command facts the dispatcher checks on every call, as bits (CommandTable.bits). */
export const CommandBits = {
  /** "denyoom": refused with -OOM while the store is over its limit. */
  denyOom: 1,
  /** Runs at once inside MULTI instead of being queued (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET). */
  txControl: 2,
  /** Allowed for a RESP2 client in subscriber mode. */
  subscriberOk: 4,
  /** "no_multi": refused inside MULTI. */
  noMulti: 8,
  /**
   * "write" or "may_replicate" (Redis's CMD_WRITE | CMD_MAY_REPLICATE): CLIENT PAUSE WRITE
   * holds it, and an EXEC whose queue holds one.
   */
  mayReplicate: 16,
} as const;

const TX_CONTROL = new Set(["exec", "discard", "multi", "watch", "quit", "reset"]);
const SUBSCRIBER_OK = new Set(["subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe", "ping", "quit", "reset"]);

function bitsOf(spec: CommandSpec): number {
  let bits = 0;
  if (spec.flags.includes("denyoom")) bits |= CommandBits.denyOom;
  if (spec.flags.includes("no_multi")) bits |= CommandBits.noMulti;
  if (TX_CONTROL.has(spec.name)) bits |= CommandBits.txControl;
  if (SUBSCRIBER_OK.has(spec.name)) bits |= CommandBits.subscriberOk;
  if (spec.flags.includes("write") || spec.flags.includes("may_replicate")) bits |= CommandBits.mayReplicate;
  return bits;
}

/**
 * Command lookup on bytes: an open-addressed table keyed by the lower-cased name, so the
 * dispatcher never makes a string from the command word.
 */
export class CommandTable {
  readonly specs: CommandSpec[] = [];
  private names: Uint8Array[] = [];
  private slots: Int32Array;
  private mask: number;
  /** Subcommand tables by container index (undefined for plain commands). */
  private subtables: (CommandTable | undefined)[] = [];
  /** CommandBits per command index. */
  readonly bits: Uint8Array;
  /**
   * The statistics slot (metrics' recordCall) per command index. Slots number every command
   * and subcommand of the root table in order, so two tables built from the same specs (a
   * Worker's and the main thread's) agree on them.
   */
  readonly statSlot: Uint16Array;
  /** The name of each statistics slot ("get", "client|list"), shared by the root and its subtables. */
  readonly slotNames: string[];

  constructor(specs: CommandSpec[], slotNames: string[] = []) {
    let size = 16;
    while (size < specs.length * 4) size <<= 1;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    this.slotNames = slotNames;
    this.statSlot = new Uint16Array(specs.length);
    for (const spec of specs) this.add(spec);
    this.bits = Uint8Array.from(this.specs, bitsOf);
  }

  private add(spec: CommandSpec): void {
    const short = spec.name.includes("|") ? spec.name.slice(spec.name.indexOf("|") + 1) : spec.name;
    const name = utf8(short.toLowerCase());
    if (this.find(name, 0, name.length) !== undefined) throw new Error(`duplicate command ${spec.name}`);
    const index = this.specs.length;
    this.specs.push(spec);
    this.names.push(name);
    let slot = hashName(name, 0, name.length) & this.mask;
    while (this.slots[slot] !== -1) slot = (slot + 1) & this.mask;
    this.slots[slot] = index;
    this.statSlot[index] = this.slotNames.length;
    this.slotNames.push(spec.name);
    this.subtables[index] = spec.subcommands?.length ? new CommandTable(spec.subcommands, this.slotNames) : undefined;
  }

  indexOf(buf: Uint8Array, off: number, len: number): number {
    let slot = hashName(buf, off, len) & this.mask;
    for (;;) {
      const index = this.slots[slot];
      if (index === -1) return -1;
      const name = this.names[index];
      if (name.length === len) {
        let i = 0;
        while (i < len && lowerAscii(buf[off + i]) === name[i]) i++;
        if (i === len) return index;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  find(buf: Uint8Array, off: number, len: number): CommandSpec | undefined {
    const index = this.indexOf(buf, off, len);
    return index === -1 ? undefined : this.specs[index];
  }

  /** The subcommand table of a container command, if it has one. */
  subtable(index: number): CommandTable | undefined {
    return this.subtables[index];
  }

  byName(name: string): CommandSpec | undefined {
    const bytes = utf8(name.toLowerCase());
    return this.find(bytes, 0, bytes.length);
  }
}

function hashName(buf: Uint8Array, off: number, len: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ lowerAscii(buf[off + i]), 0x01000193);
  return h >>> 0;
}
