// What the dispatcher reports after each executed command, beyond the per-command counts:
// the slow log (SLOWLOG), the latency monitor's "command" and "fast-command" events
// (LATENCY), and the MONITOR feed. dispatch() calls executed() only when the call was at
// least `thresholdNs` long or someone is monitoring, so the common path pays two compares.

import type { CommandTable } from "../commands/index.ts";
import { latin1 } from "../stdx/index.ts";
import type { Server } from "./server.ts";
import type { Session } from "./session.ts";
import { LatencyMonitor } from "./latency.ts";
import { SlowLog } from "./slowlog.ts";

/** Per-slot facts the observer checks, as bits. */
const SKIP_SLOWLOG = 1;
const SKIP_MONITOR = 2;
const FAST = 4;

export class Observer {
  /** Calls at least this long (ns) are reported; Infinity when neither log wants any. */
  thresholdNs = Number.POSITIVE_INFINITY;
  /** Sessions in MONITOR mode, and how many (checked on every call). */
  readonly monitors = new Set<Session>();
  monitoring = 0;
  readonly slowlog: SlowLog;
  readonly latency = new LatencyMonitor();
  /** latency-tracking-info-percentiles: what INFO latencystats prints per command. */
  infoPercentiles = [50, 99, 99.9];
  private readonly slotBits: Uint8Array;
  /** Statistics slots of AUTH and HELLO, whose passwords are shown as "(redacted)". */
  private readonly authSlot: number;
  private readonly helloSlot: number;
  /** The arguments [redactFrom, redactTo) of the call being reported. */
  private redactFrom = 0;
  private redactTo = 0;

  constructor(private readonly server: Server, table: CommandTable) {
    this.slotBits = new Uint8Array(table.slotNames.length);
    this.describe(table);
    this.authSlot = table.slotNames.indexOf("auth");
    this.helloSlot = table.slotNames.indexOf("hello");
    this.slowlog = new SlowLog(server.options.server.slowlog_max_len);
    this.configure();
  }

  private describe(table: CommandTable): void {
    for (let i = 0; i < table.specs.length; i++) {
      const f = table.specs[i].flags;
      let bits = 0;
      if (f.includes("skip_slowlog")) bits |= SKIP_SLOWLOG;
      if (f.includes("skip_monitor") || f.includes("admin")) bits |= SKIP_MONITOR;
      if (f.includes("fast")) bits |= FAST;
      this.slotBits[table.statSlot[i]] = bits;
      const sub = table.subtable(i);
      if (sub !== undefined) this.describe(sub);
    }
  }

  /** Re-read the thresholds after a CONFIG SET. */
  configure(): void {
    const o = this.server.options.server;
    this.slowlog.maxLen = o.slowlog_max_len;
    this.slowlog.trim();
    let ns = Number.POSITIVE_INFINITY;
    if (o.slowlog_log_slower_than >= 0) ns = o.slowlog_log_slower_than * 1000;
    if (o.latency_monitor_threshold > 0) ns = Math.min(ns, o.latency_monitor_threshold * 1e6);
    this.thresholdNs = ns;
  }

  monitor(s: Session): void {
    this.monitors.add(s);
    this.monitoring = this.monitors.size;
  }

  /** A closing or RESET session stops monitoring. */
  forget(s: Session): void {
    if (this.monitors.delete(s)) this.monitoring = this.monitors.size;
  }

  /** A command of `slot` ran on `s` for `ns` nanoseconds (its arguments still in s.argv). */
  executed(s: Session, slot: number, ns: number): void {
    const o = this.server.options.server;
    const bits = this.slotBits[slot];
    this.redactions(slot, s);
    if (ns >= this.thresholdNs && s.blocked === null) {
      const us = Math.floor(ns / 1000);
      if (o.slowlog_log_slower_than >= 0 && us >= o.slowlog_log_slower_than && (bits & SKIP_SLOWLOG) === 0) {
        this.slowlog.push(s.argv, us, s.addr, s.name, this.redactFrom, this.redactTo);
      }
      const ms = Math.floor(us / 1000);
      if (o.latency_monitor_threshold > 0 && ms >= o.latency_monitor_threshold) {
        this.latency.add((bits & FAST) !== 0 ? "fast-command" : "command", ms);
      }
    }
    if (this.monitoring > 0 && (bits & SKIP_MONITOR) === 0) this.feedMonitors(s);
  }

  /** Which arguments hide a password (Redis's redactClientCommandArgument): AUTH's, HELLO's AUTH pair. */
  private redactions(slot: number, s: Session): void {
    const a = s.argv;
    this.redactFrom = this.redactTo = 0;
    if (slot === this.authSlot) {
      this.redactFrom = 1;
      this.redactTo = a.argc;
    } else if (slot === this.helloSlot) {
      for (let i = 2; i < a.argc; i++) {
        if (a.len[i] === 4 && latin1(a.buf, a.off[i], 4).toLowerCase() === "auth") {
          this.redactFrom = i + 1;
          this.redactTo = i + 3;
          break;
        }
      }
    }
  }

  /** MONITOR's line for the command in s.argv, to every monitoring session. */
  private feedMonitors(s: Session): void {
    const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    let line = `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, "0")} [${s.db} ${s.addr}]`;
    const a = s.argv;
    for (let i = 0; i < a.argc; i++) {
      line += i >= this.redactFrom && i < this.redactTo ? ' "(redacted)"' : ` ${quote(a.buf, a.off[i], a.len[i])}`;
    }
    const server = this.server;
    for (const m of this.monitors) {
      if (m.closed) continue;
      const w = server.pushes.writer(m, s, server.reply);
      w.simple(line);
      server.pushes.done(m, w, s);
    }
  }
}

/** Redis's sdscatrepr: a double-quoted string with \n, \r, \t, \a, \b, \\, \" and \xHH escapes. */
export function quote(buf: Uint8Array, off: number, len: number): string {
  let out = '"';
  for (let i = off; i < off + len; i++) {
    const b = buf[i];
    if (b === 0x5c) out += "\\\\";
    else if (b === 0x22) out += '\\"';
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x0d) out += "\\r";
    else if (b === 0x09) out += "\\t";
    else if (b === 0x07) out += "\\a";
    else if (b === 0x08) out += "\\b";
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return `${out}"`;
}
