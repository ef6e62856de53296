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
  /** Newest first. */
  entries: SlowLogEntry[] = [];
  private nextId = 0;

  constructor(public maxLen: number) {}

  push(argv: Argv, durationUs: number, addr: string, name: string): void {
    const n = Math.min(argv.argc, MAX_ARGS);
    const args: string[] = [];
    for (let i = 0; i < n; i++) {
      if (i === MAX_ARGS - 1 && argv.argc > MAX_ARGS) {
        args.push(`... (${argv.argc - MAX_ARGS + 1} more arguments)`);
        break;
      }
      const len = argv.len[i];
      const kept = latin1(argv.buf, argv.off[i], Math.min(len, MAX_ARG_BYTES));
      args.push(len > MAX_ARG_BYTES ? `${kept}... (${len - MAX_ARG_BYTES} more bytes)` : kept);
    }
    this.entries.unshift({ id: this.nextId++, time: Math.floor(Date.now() / 1000), durationUs, args, addr, name });
    this.trim();
  }

  trim(): void {
    if (this.entries.length > this.maxLen) this.entries.length = this.maxLen;
  }

  reset(): void {
    this.entries = [];
  }
}
