// INFO's commandstats, errorstats and latencystats sections: Redis 7.0's lines from the
// per-command statistics (metrics/commands.ts) and the error codes seen (ErrorStats).

import { commandSample, type CommandSample, latencyHistogram, latencyPercentileNs } from "../metrics/index.ts";
import type { Server } from "./server.ts";

export type Field = [string, string | number];

export function commandStats(server: Server): Field[] {
  const out: Field[] = [];
  const sample: CommandSample = { calls: 0, nanos: 0, rejected: 0, failed: 0 };
  const names = server.table.slotNames;
  for (let slot = 0; slot < names.length; slot++) {
    const s = commandSample(slot, sample);
    if (s.calls === 0 && s.rejected === 0 && s.failed === 0) continue;
    const usec = Math.floor(s.nanos / 1000);
    const perCall = s.calls > 0 ? s.nanos / 1000 / s.calls : 0;
    out.push([
      `cmdstat_${names[slot]}`,
      `calls=${s.calls},usec=${usec},usec_per_call=${perCall.toFixed(2)},rejected_calls=${s.rejected},failed_calls=${s.failed}`,
    ]);
  }
  return out;
}

export function errorStats(server: Server): Field[] {
  const out: Field[] = [];
  // In code order, as Redis walks its radix tree of codes.
  const codes = [...server.errorStats.byCode].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [code, n] of codes) out.push([`errorstat_${code}`, `count=${n}`]);
  return out;
}

/** "p99.9": a percentile as Redis's %f with the trailing zeros trimmed. */
function percentileName(p: number): string {
  return `p${Number(p.toFixed(6))}`;
}

export function latencyStats(server: Server): Field[] {
  if (!server.options.server.latency_tracking) return [];
  const out: Field[] = [];
  const sample: CommandSample = { calls: 0, nanos: 0, rejected: 0, failed: 0 };
  const names = server.table.slotNames;
  const ps = server.observer.infoPercentiles;
  for (let slot = 0; slot < names.length; slot++) {
    if (commandSample(slot, sample).calls === 0) continue;
    const hist = latencyHistogram(slot);
    // Redis's histograms start at 1 µs: faster calls read as 1.
    const values = ps.map((p) => `${percentileName(p)}=${(Math.max(1024, latencyPercentileNs(hist, p)) / 1000).toFixed(3)}`);
    out.push([`latency_percentiles_usec_${names[slot]}`, values.join(",")]);
  }
  return out;
}
