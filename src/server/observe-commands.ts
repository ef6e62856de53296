// SLOWLOG, LATENCY and MONITOR: what Observer (observer.ts) collects, as Redis 7.0 answers.

import type { CommandSpec, Ctx } from "../commands/index.ts";
import { replyHelp } from "../commands/index.ts";
import {
  commandSample, type CommandSample, LATENCY_BUCKETS, latencyBucketLowerNs, latencyHistogram,
} from "../metrics/index.ts";
import { latin1 } from "../stdx/index.ts";
import type { LatencyEvent } from "./latency.ts";
import type { Session } from "./session.ts";

const base = { firstKey: 0, lastKey: 0, step: 0, group: "server" } as const;
const adminFlags: CommandSpec["flags"] = ["admin", "loading", "stale"];
const adminAcl = ["admin", "slow", "dangerous"];
const latencyFlags: CommandSpec["flags"] = ["admin", "noscript", "loading", "stale"];

function text(c: Ctx, i: number): string {
  const a = c.argv;
  return latin1(a.buf, a.off[i], a.len[i]);
}

function observer(c: Ctx) {
  return (c as Session).host.observer;
}

// ---- SLOWLOG ----------------------------------------------------------------------------

function slowlogGet(c: Ctx): void {
  const log = observer(c).slowlog;
  let count = 10;
  if (c.argv.argc > 3) return c.reply.error(`ERR unknown subcommand or wrong number of arguments for '${text(c, 1)}'. Try SLOWLOG HELP.`);
  if (c.argv.argc === 3) {
    const t = text(c, 2);
    count = /^-?\d+$/.test(t) ? Number(t) : Number.NaN;
    if (!(count >= -1)) return c.reply.error("ERR count should be greater than or equal to -1");
    if (count === -1) count = log.length;
  }
  const entries = log.newest(count);
  const r = c.reply;
  r.arrayHeader(entries.length);
  for (const e of entries) {
    r.arrayHeader(6);
    r.integer(e.id);
    r.integer(e.time);
    r.integer(e.durationUs);
    r.arrayHeader(e.args.length);
    for (const a of e.args) r.bulkLatin1(a);
    r.bulkString(e.addr);
    r.bulkString(e.name);
  }
}

const slowlog: CommandSpec = {
  ...base, name: "slowlog", arity: -2, flags: [], acl: ["slow"], since: "2.2.12", summary: "A container for slow log commands",
  complexity: "Depends on subcommand.",
  subcommands: [
    {
      ...base, name: "slowlog|get", arity: -2, flags: adminFlags, acl: adminAcl, since: "2.2.12", summary: "Get the slow log's entries",
      complexity: "O(N) where N is the number of entries returned", args: [{ name: "count", type: "integer", optional: true }], handler: slowlogGet,
    },
    {
      ...base, name: "slowlog|len", arity: 2, flags: adminFlags, acl: adminAcl, since: "2.2.12", summary: "Get the slow log's length", complexity: "O(1)",
      handler: (c) => c.reply.integer(observer(c).slowlog.length),
    },
    {
      ...base, name: "slowlog|reset", arity: 2, flags: adminFlags, acl: adminAcl, since: "2.2.12", summary: "Clear all entries from the slow log",
      complexity: "O(N) where N is the number of entries in the slowlog",
      handler(c) {
        observer(c).slowlog.reset();
        c.reply.ok();
      },
    },
    {
      ...base, name: "slowlog|help", arity: 2, flags: ["loading", "stale"], acl: ["slow"], since: "6.2.0",
      summary: "Show helpful text about the different subcommands", complexity: "O(1)",
      handler: (c) =>
        replyHelp(c, "SLOWLOG", [
          "GET [<count>]", "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
          "    Entries are made of:", "    id, timestamp, time in microseconds, arguments array, client IP and port,", "    client name",
          "LEN", "    Return the length of the slowlog.", "RESET", "    Reset the slowlog.",
        ]),
    },
  ],
};

// ---- LATENCY ----------------------------------------------------------------------------

function latencyLatest(c: Ctx): void {
  const events = observer(c).latency.events;
  const r = c.reply;
  r.arrayHeader(events.size);
  for (const [name, e] of events) {
    const last = e.samples[e.samples.length - 1];
    r.arrayHeader(4);
    r.bulkString(name);
    r.integer(last.time);
    r.integer(last.ms);
    r.integer(e.maxMs);
  }
}

function latencyHistory(c: Ctx): void {
  const e = observer(c).latency.events.get(text(c, 2));
  const samples = e?.samples ?? [];
  c.reply.arrayHeader(samples.length);
  for (const s of samples) {
    c.reply.arrayHeader(2);
    c.reply.integer(s.time);
    c.reply.integer(s.ms);
  }
}

/** Average, mean absolute deviation and mean period of an event's samples (latency.c). */
function analyze(e: LatencyEvent): { avg: number; mad: number; period: number } {
  const n = e.samples.length;
  const avg = e.samples.reduce((sum, s) => sum + s.ms, 0) / n;
  const mad = e.samples.reduce((sum, s) => sum + Math.abs(s.ms - avg), 0) / n;
  const period = (Math.floor(Date.now() / 1000) - e.samples[0].time) / n;
  return { avg: Math.floor(avg), mad: Math.floor(mad), period: Math.floor(period) };
}

function latencyDoctor(c: Ctx): void {
  const obs = observer(c);
  const events = obs.latency.events;
  const threshold = (c as Session).host.options.server.latency_monitor_threshold;
  let report: string;
  if (events.size === 0 && threshold === 0) {
    report =
      "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Crucible instance. You may use " +
      '"CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it.';
  } else if (events.size === 0) {
    report = "Dave, no latency spike was observed during the lifetime of this Crucible instance, not in the slightest bit.";
  } else {
    report = "Dave, I have observed latency spikes in this Crucible instance. You don't mind talking about it, do you Dave?\n\n";
    let i = 0;
    let slowCommands = false;
    for (const [name, e] of events) {
      const a = analyze(e);
      report +=
        `${++i}. ${name}: ${e.samples.length} latency spikes (average ${a.avg}ms, mean deviation ${a.mad}ms, ` +
        `period ${a.period} sec). Worst all time event ${e.maxMs}ms.\n`;
      if (name === "command" || name === "fast-command") slowCommands = true;
    }
    report += "\nI have a few advices for you:\n\n";
    if (slowCommands) {
      report +=
        "- Check your Slow Log to understand what are the commands you are running which are too slow to execute. " +
        "Please check SLOWLOG GET for more information.\n" +
        "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. " +
        "If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n";
    }
    report += `- The latency monitor threshold is ${threshold}ms: CONFIG SET latency-monitor-threshold <milliseconds> changes it.\n`;
  }
  c.reply.verbatim("txt", report);
}

/** LATENCY GRAPH: an ASCII chart of the event's samples, oldest left, as latency.c draws it. */
function latencyGraph(c: Ctx): void {
  const name = text(c, 2);
  const e = observer(c).latency.events.get(name);
  if (e === undefined) return c.reply.error(`ERR No samples available for event '${name}'`);
  const rows = 4;
  const max = Math.max(...e.samples.map((s) => s.ms));
  const min = Math.min(...e.samples.map((s) => s.ms));
  const lines: string[] = [];
  lines.push(`${name} - high ${max} ms, low ${min} ms (all time high ${e.maxMs} ms)`);
  lines.push("-".repeat(80));
  for (let row = rows; row >= 1; row--) {
    let line = "";
    for (const s of e.samples) line += max > 0 && s.ms >= (max * row) / rows ? "#" : row === 1 ? "_" : " ";
    lines.push(line);
  }
  const now = Math.floor(Date.now() / 1000);
  lines.push(e.samples.map((s) => String(Math.min(9, Math.floor((now - s.time) / 60)))).join(""));
  lines.push("(minutes ago, each column one sample)");
  c.reply.verbatim("txt", `${lines.join("\n")}\n`);
}

/** LATENCY HISTOGRAM: per command, its calls and a cumulative count at each power of two microseconds. */
function latencyHistogramCmd(c: Ctx): void {
  const table = (c as Session).host.table;
  const names = table.slotNames;
  const wanted: number[] = [];
  if (c.argv.argc === 2) {
    for (let slot = 0; slot < names.length; slot++) wanted.push(slot);
  } else {
    for (let i = 2; i < c.argv.argc; i++) {
      const slot = names.indexOf(text(c, i).toLowerCase());
      if (slot >= 0 && !wanted.includes(slot)) wanted.push(slot);
    }
  }
  const sample: CommandSample = { calls: 0, nanos: 0, rejected: 0, failed: 0 };
  const found = wanted.filter((slot) => commandSample(slot, sample).calls > 0);
  const r = c.reply;
  r.mapHeader(found.length);
  for (const slot of found) {
    const hist = latencyHistogram(slot);
    r.bulkString(names[slot]);
    r.mapHeader(2);
    r.bulkString("calls");
    r.integer(commandSample(slot, sample).calls);
    r.bulkString("histogram_usec");
    // Redis's histograms start at 1 µs: faster calls count in the first bucket.
    const points: [number, number][] = [];
    let cumulative = 0;
    let previous = 0;
    let b = 0;
    for (let us = 1; b < LATENCY_BUCKETS; us *= 2) {
      const edgeNs = us * 1024;
      while (b < LATENCY_BUCKETS && latencyBucketLowerNs(b + 1) <= edgeNs) cumulative += hist[b++];
      if (cumulative > previous) points.push([us, cumulative]);
      previous = cumulative;
    }
    r.mapHeader(points.length);
    for (const [us, n] of points) {
      r.integer(us);
      r.integer(n);
    }
  }
}

const latency: CommandSpec = {
  ...base, name: "latency", arity: -2, flags: [], acl: ["slow"], since: "2.8.13", summary: "A container for latency diagnostics commands",
  complexity: "Depends on subcommand.",
  subcommands: [
    {
      ...base, name: "latency|latest", arity: 2, flags: latencyFlags, acl: adminAcl, since: "2.8.13",
      summary: "Return the latest latency samples for all events.", complexity: "O(1)", handler: latencyLatest,
    },
    {
      ...base, name: "latency|history", arity: 3, flags: latencyFlags, acl: adminAcl, since: "2.8.13",
      summary: "Return timestamp-latency samples for the event.", complexity: "O(1)", args: [{ name: "event", type: "string" }], handler: latencyHistory,
    },
    {
      ...base, name: "latency|reset", arity: -2, flags: latencyFlags, acl: adminAcl, since: "2.8.13",
      summary: "Reset latency data for one or more events.", complexity: "O(1)", args: [{ name: "event", type: "string", optional: true, multiple: true }],
      handler(c) {
        const names: string[] = [];
        for (let i = 2; i < c.argv.argc; i++) names.push(text(c, i));
        c.reply.integer(observer(c).latency.reset(names));
      },
    },
    {
      ...base, name: "latency|doctor", arity: 2, flags: latencyFlags, acl: adminAcl, since: "2.8.13",
      summary: "Return a human readable latency analysis report.", complexity: "O(1)", handler: latencyDoctor,
    },
    {
      ...base, name: "latency|graph", arity: 3, flags: latencyFlags, acl: adminAcl, since: "2.8.13",
      summary: "Return a latency graph for the event.", complexity: "O(1)", args: [{ name: "event", type: "string" }], handler: latencyGraph,
    },
    {
      ...base, name: "latency|histogram", arity: -2, flags: latencyFlags, acl: adminAcl, since: "7.0.0",
      summary: "Return the cumulative distribution of latencies of a subset of commands or all.",
      complexity: "O(N) where N is the number of commands with latency information being retrieved.",
      args: [{ name: "command", type: "string", optional: true, multiple: true }], handler: latencyHistogramCmd,
    },
    {
      ...base, name: "latency|help", arity: 2, flags: ["loading", "stale"], acl: ["slow"], since: "2.8.13",
      summary: "Show helpful text about the different subcommands.", complexity: "O(1)",
      handler: (c) =>
        replyHelp(c, "LATENCY", [
          "DOCTOR", "    Return a human readable latency analysis report.",
          "GRAPH <event>", "    Return an ASCII latency graph for the <event> class.",
          "HISTORY <event>", "    Return time-latency samples for the <event> class.",
          "LATEST", "    Return the latest latency samples for all events.",
          "RESET [<event> ...]", "    Reset latency data of one or more <event> classes.", "    (default: reset all data for all event classes)",
          "HISTOGRAM [COMMAND ...]",
          "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
          "    If no commands are specified then all histograms are replied.",
        ]),
    },
  ],
};

// ---- MONITOR ----------------------------------------------------------------------------

const monitor: CommandSpec = {
  ...base, name: "monitor", arity: 1, flags: ["admin", "noscript", "loading", "stale"], acl: adminAcl, since: "1.0.0",
  summary: "Listen for all requests received by the server in real time",
  handler(c) {
    const s = c as Session;
    s.host.observer.monitor(s);
    c.reply.ok();
  },
};

export const observeCommands: CommandSpec[] = [slowlog, latency, monitor];
