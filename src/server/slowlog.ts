// SLOWLOG (Redis's slowlog.c): the most recent commands that ran at least
// slowlog-log-slower-than microseconds, newest first, at most slowlog-max-len of them.

import type { Argv } from "../protocol/resp/index.ts";
import { latin1 } from "../stdx/index.ts";

/** Arguments kept per entry; the last slot then says how many more there were. */
const MAX_ARGS = 32;
/** Bytes kept per argument; the rest is summarised. */
const MAX_ARG_BYTES = 128;

export interface SlowLogEntry {
  id: number;
  /** Unix seconds when it was logged. */
  time: number;
  durationUs: number;
  /** latin1 strings (one char per byte). */
  args: string[];
  addr: string;
  name: string;
}

export class SlowLog {
  /** Oldest first from `start`; slots before it are dropped entries awaiting compaction. */
  private entries: SlowLogEntry[] = [];
  private start = 0;
  private nextId = 0;

  constructor(public maxLen: number) {}

  get length(): number {
    return this.entries.length - this.start;
  }

  /** Up to `count` entries, newest first. */
  newest(count: number): SlowLogEntry[] {
    const out: SlowLogEntry[] = [];
    for (let i = this.entries.length - 1; i >= this.start && out.length < count; i--) out.push(this.entries[i]);
    return out;
  }

  /** Log a call; arguments [redactFrom, redactTo) are shown as "(redacted)". */
  push(argv: Argv, durationUs: number, addr: string, name: string, redactFrom = 0, redactTo = 0): void {
    const n = Math.min(argv.argc, MAX_ARGS);
    const args: string[] = [];
    for (let i = 0; i < n; i++) {
      if (i === MAX_ARGS - 1 && argv.argc > MAX_ARGS) {
        args.push(`... (${argv.argc - MAX_ARGS + 1} more arguments)`);
        break;
      }
      if (i >= redactFrom && i < redactTo) {
        args.push("(redacted)");
        continue;
      }
      const len = argv.len[i];
      const kept = latin1(argv.buf, argv.off[i], Math.min(len, MAX_ARG_BYTES));
      args.push(len > MAX_ARG_BYTES ? `${kept}... (${len - MAX_ARG_BYTES} more bytes)` : kept);
    }
    this.entries.push({ id: this.nextId++, time: Math.floor(Date.now() / 1000), durationUs, args, addr, name });
    this.trim();
  }

  /** Drop the oldest past maxLen, in O(1) per entry: the array is compacted once half is dropped. */
  trim(): void {
    const excess = this.length - this.maxLen;
    if (excess > 0) this.start += excess;
    if (this.start > 64 && this.start * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.start);
      this.start = 0;
    }
  }

  reset(): void {
    this.entries = [];
    this.start = 0;
  }
}
