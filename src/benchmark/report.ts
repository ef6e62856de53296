// What a run prints: one line per second (rewritten in place on a terminal), and the final
// summary for people; `--format json` prints the RunSummary instead.
import type { BenchConfig } from "./config.ts";
import type { RunSummary, SecondRecord } from "./record.ts";
import { endpointText } from "./runner.ts";

function rate(hits: number, misses: number): string {
  return hits + misses > 0 ? (hits / (hits + misses)).toFixed(3) : "-";
}

/** `second=3 rps=512034 p50=123us p90=... p99=456us p999=... max=2100us errors=0 hit_rate=0.952 conns=50` */
export function secondLine(r: SecondRecord): string {
  return (
    `second=${r.second}${r.warmup ? " warmup=true" : ""} rps=${Math.round(r.throughputRps)} ` +
    `p50=${r.p50Us}us p90=${r.p90Us}us p99=${r.p99Us}us p999=${r.p999Us}us max=${r.maxUs}us ` +
    `errors=${r.errors} hit_rate=${rate(r.hits, r.misses)} conns=${r.connectionsOpen}`
  );
}

/** The line that says what is about to run (stderr). */
export function planLine(cfg: BenchConfig): string {
  const c = cfg.connection;
  const w = cfg.workload;
  const loop = w.rateLimit > 0 ? `open loop at ${w.rateLimit} req/s` : "closed loop";
  const warm = cfg.general.warmupSecs > 0 ? ` after ${cfg.general.warmupSecs}s of warm-up` : "";
  return (
    `crucible-benchmark: ${cfg.target.protocol} to ${cfg.target.endpoints.map(endpointText).join(", ")}, ` +
    `${c.connections} connection${c.connections === 1 ? "" : "s"} x pipeline ${c.pipelineDepth} on ${cfg.general.threads} thread${cfg.general.threads === 1 ? "" : "s"}, ` +
    `${loop}, ${cfg.general.durationSecs}s measured${warm}`
  );
}

function us(v: number): string {
  if (v >= 1_000_000) return `${(v / 1_000_000).toFixed(2)} s`;
  if (v >= 10_000) return `${(v / 1000).toFixed(1)} ms`;
  if (v >= 1000) return `${(v / 1000).toFixed(2)} ms`;
  return `${v} us`;
}

function group(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** The summary for people. */
export function summaryText(s: RunSummary, extra: { timeouts: number; firstError: string | null }): string {
  const lines = [
    `duration     ${s.durationSecs.toFixed(1)} s measured`,
    `requests     ${group(s.requests)}`,
    `throughput   ${group(s.throughput_rps)} req/s`,
    `latency      p50 ${us(s.latency_us.p50)}  p90 ${us(s.latency_us.p90)}  p99 ${us(s.latency_us.p99)}  p99.9 ${us(s.latency_us.p999)}  max ${us(s.latency_us.max)}`,
    `errors       ${group(s.errors)}${s.requests > 0 && s.errors > 0 ? ` (${((100 * s.errors) / s.requests).toFixed(2)}%)` : ""}`,
    `hit rate     ${s.hit_rate === null ? "- (no reads)" : `${(100 * s.hit_rate).toFixed(1)}%`}`,
  ];
  if ((s.disconnects ?? 0) > 0 || extra.timeouts > 0) lines.push(`connections  ${s.disconnects ?? 0} lost and reconnected (${extra.timeouts} on request_timeout)`);
  if (extra.firstError !== null && (s.errors > 0 || (s.disconnects ?? 0) > 0)) lines.push(`first error  ${extra.firstError}`);
  return lines.join("\n") + "\n";
}
