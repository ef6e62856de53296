// The Prometheus endpoint of a real server: per-command counts and latency histograms,
// errors by type, evictions, expirations and memory, the exposition's validity, /health and
// /ready through a graceful shutdown, and the Grafana dashboard's queries against what
// /metrics exports. test/run.ts runs this file on both network engines.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RawClient, resp } from "../helpers/raw.ts";
import { type Exposition, parseExposition, promqlMetricNames } from "../helpers/prometheus.ts";
import { ROOT, startServer, type TestServer, waitFor } from "../helpers/server.ts";

async function scrape(server: TestServer): Promise<Exposition> {
  const res = await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return parseExposition(await res.text());
}

/** The metric names the operations guide documents and the ones issue 6 adds. */
const EXPORTED = [
  "cache_hits_total", "cache_misses_total", "cache_sets_total", "cache_deletes_total", "connections_active", "bytes_received_total", "bytes_sent_total",
  "connections_accepted_total", "connections_rejected_total", "cache_evictions_total", "cache_expirations_total",
  "memory_arena_used_bytes", "memory_arena_free_bytes", "memory_object_store_bytes", "process_resident_memory_bytes",
  "errors_by_type_total", "commands_total", "command_failed_total", "command_rejected_total",
  "command_duration_seconds_bucket", "command_duration_seconds_sum", "command_duration_seconds_count",
];

describe("/metrics on a running server", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
  });

  test("per-command calls and the latency histogram move as requests are served", async () => {
    const c = await RawClient.connect(server.port);
    expect(await c.call("SET", "p:k", "v")).toBe("OK");
    const before = await scrape(server);
    const get = { command: "get" };
    for (let i = 0; i < 5; i++) expect(await c.call("GET", "p:k")).toBe("v");
    expect(await c.call("GET", "p:missing")).toBeNull();
    const after = await scrape(server);
    const delta = (name: string, labels?: Record<string, string>) => after.value(name, labels)! - (before.value(name, labels) ?? 0);
    expect(delta("commands_total", get)).toBe(6);
    expect(delta("command_duration_seconds_count", get)).toBe(6);
    expect(delta("command_duration_seconds_bucket", { command: "get", le: "+Inf" })).toBe(6);
    expect(delta("command_duration_seconds_sum", get)).toBeGreaterThan(0);
    expect(delta("command_failed_total", get)).toBe(0);
    expect(delta("cache_hits_total")).toBe(5);
    expect(delta("cache_misses_total")).toBe(1);
    expect(after.value("commands_total", { command: "set" })).toBeGreaterThanOrEqual(1);
    // Each call sits in one bucket: the finite buckets below +Inf account for all of them.
    const buckets = after.samples.filter((s) => s.name === "command_duration_seconds_bucket" && s.labels.command === "get");
    expect(buckets.length).toBeGreaterThan(20);
    expect(buckets.at(-2)!.value).toBe(buckets.at(-1)!.value);
    c.close();
  });

  test("errors by type, failed and rejected calls", async () => {
    const c = await RawClient.connect(server.port);
    expect(await c.call("LPUSH", "p:list", "x")).toBe(1);
    const before = await scrape(server);
    expect((await c.call("GET", "p:list")) as { error: string }).toEqual({ error: expect.stringMatching(/^WRONGTYPE/) });
    expect((await c.call("GET")) as { error: string }).toEqual({ error: expect.stringMatching(/^ERR wrong number of arguments/) });
    expect((await c.call("NOSUCHCOMMAND")) as { error: string }).toEqual({ error: expect.stringMatching(/^ERR unknown command/) });
    const after = await scrape(server);
    const delta = (name: string, labels?: Record<string, string>) => after.value(name, labels)! - (before.value(name, labels) ?? 0);
    expect(delta("errors_by_type_total", { type: "WRONGTYPE" })).toBe(1);
    expect(delta("errors_by_type_total", { type: "ERR" })).toBe(2);
    expect(delta("errors_by_type_total", { type: "OOM" })).toBe(0);
    expect(delta("command_failed_total", { command: "get" })).toBe(1);
    expect(delta("command_rejected_total", { command: "get" })).toBe(1);
    expect(delta("errors_total")).toBe(3);
    c.close();
  });

  test("expirations are counted", async () => {
    const c = await RawClient.connect(server.port);
    const before = (await scrape(server)).value("cache_expirations_total")!;
    for (let i = 0; i < 10; i++) expect(await c.call("SET", `p:ttl:${i}`, "v", "PX", "20")).toBe("OK");
    await Bun.sleep(60);
    // Reading them expires them on access, whether or not the sweep got there first.
    for (let i = 0; i < 10; i++) expect(await c.call("GET", `p:ttl:${i}`)).toBeNull();
    // The store's figures reach /metrics with the 1-second cron.
    await waitFor(async () => (await scrape(server)).value("cache_expirations_total")! - before >= 10, 5000, "cache_expirations_total to rise by 10");
    c.close();
  });

  test("the exposition is valid text format and has every documented family", async () => {
    const e = await scrape(server);
    for (const name of EXPORTED) expect({ name, present: e.names.has(name) }).toEqual({ name, present: true });
    expect(e.types.get("command_duration_seconds")).toBe("histogram");
    expect(e.types.get("errors_by_type_total")).toBe("counter");
    expect(e.types.get("memory_arena_used_bytes")).toBe("gauge");
    expect(e.value("memory_arena_used_bytes")).toBeGreaterThan(0);
    expect(e.value("memory_arena_free_bytes")).toBeGreaterThan(0);
    expect(e.value("process_resident_memory_bytes")).toBeGreaterThan(1 << 20);
    expect(e.value("connections_accepted_total")).toBeGreaterThanOrEqual(1);
    // Per-command series are named after commands, never after unnamed slots.
    const commands = new Set(e.samples.filter((s) => s.name === "commands_total").map((s) => s.labels.command!));
    expect([...commands].filter((n) => n.startsWith("slot_"))).toEqual([]);
    expect(commands.has("lpush")).toBe(true);
  });

  test("every query of the Grafana dashboard reads metrics /metrics exports", async () => {
    const dashboard = JSON.parse(readFileSync(join(ROOT, "deploy", "grafana", "crucible.json"), "utf8"));
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.title).toBe("Crucible");
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: "DS_PROMETHEUS", type: "datasource", pluginId: "prometheus" })]);
    const panels: any[] = dashboard.panels.flatMap((p: any) => [p, ...(p.panels ?? [])]).filter((p: any) => p.type !== "row");
    const exprs: string[] = [];
    for (const p of panels) {
      expect({ panel: p.title, datasource: p.datasource?.uid }).toEqual({ panel: p.title, datasource: "${DS_PROMETHEUS}" });
      expect({ panel: p.title, targets: p.targets.length > 0 }).toEqual({ panel: p.title, targets: true });
      for (const t of p.targets) exprs.push(t.expr);
    }
    for (const v of dashboard.templating.list) if (v.type === "query") exprs.push(String(v.definition).replace(/^label_values\((.*),\s*\w+\)$/, "$1"));
    // Every panel id is unique; the guide's three queries and the latency percentiles are there.
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const all = exprs.join("\n");
    for (const q of ["histogram_quantile(0.5,", "histogram_quantile(0.99,", "histogram_quantile(0.999,", "command_duration_seconds_bucket"]) expect(all).toContain(q);
    const titles = panels.map((p) => p.title);
    for (const t of ["Hit rate", "Request rate", "Throughput", "Evictions and expirations", "Memory", "Connections", "Errors by type"]) expect(titles).toContain(t);

    const names = new Set(exprs.flatMap(promqlMetricNames));
    expect(names.size).toBeGreaterThan(10);
    const e = await scrape(server);
    const missing = [...names].filter((n) => !e.names.has(n));
    expect(missing).toEqual([]);
  });
});

describe("evictions and memory under a tiny heap", () => {
  test("writing past heap_size evicts, and /metrics counts it", async () => {
    const server = await startServer({ set: ["cache.heap_size=4MB", "cache.segment_size=256KB", "cache.eviction=fifo", "cache.hashtable_power=12"] });
    try {
      const c = await RawClient.connect(server.port);
      const value = "x".repeat(4000);
      // 12 MB into a 4 MB heap, pipelined in batches.
      for (let batch = 0; batch < 30; batch++) {
        const frames = [];
        for (let i = 0; i < 100; i++) frames.push(resp("SET", `e:${batch}:${i}`, value));
        c.write(Buffer.concat(frames));
        await c.expect("+OK\r\n".repeat(100), 10000);
      }
      await waitFor(async () => ((await scrape(server)).value("cache_evictions_total") ?? 0) > 0, 5000, "cache_evictions_total > 0");
      const e = await scrape(server);
      expect(e.value("memory_arena_used_bytes")).toBeGreaterThan(1 << 20);
      expect(e.value("memory_arena_used_bytes")! + e.value("memory_arena_free_bytes")! + e.value("memory_object_store_bytes")!).toBeLessThanOrEqual(4 << 20);
      expect(e.value("errors_by_type_total", { type: "OOM" })).toBe(0);
      c.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});

describe("/health and /ready", () => {
  test("/ready turns 503 as soon as SIGTERM starts the drain; /health stays 200", async () => {
    const server = await startServer({ set: ["shutdown.drain_timeout_secs=2", "cache.max_value_size=1MB"] });
    const url = (path: string) => `http://127.0.0.1:${server.metricsPort}${path}`;
    const get = async (path: string) => {
      const r = await fetch(url(path));
      return { status: r.status, body: await r.text() };
    };
    expect(await get("/health")).toEqual({ status: 200, body: "OK" });
    expect(await get("/ready")).toEqual({ status: 200, body: "OK" });
    const setter = await RawClient.connect(server.port);
    expect(await setter.call("SET", "blob", "x".repeat(1024 * 1024))).toBe("OK");
    // A client that never reads its replies keeps the drain going until drain_timeout_secs.
    const net = await import("node:net");
    const slow = net.createConnection({ host: "127.0.0.1", port: server.port });
    await new Promise<void>((resolve) => slow.once("connect", () => resolve()));
    slow.pause();
    slow.on("error", () => {});
    slow.write("GET blob\r\n".repeat(50));
    await Bun.sleep(200);
    server.proc.kill("SIGTERM");
    let ready = await get("/ready");
    const deadline = Date.now() + 1500;
    while (ready.status === 200 && Date.now() < deadline) {
      await Bun.sleep(10);
      ready = await get("/ready");
    }
    expect(ready).toEqual({ status: 503, body: "not ready: shutting down\n" });
    // Still draining: the process is alive, so liveness holds.
    expect(server.proc.exitCode).toBeNull();
    expect((await get("/health")).status).toBe(200);
    expect(await server.proc.exited).toBe(0);
    expect(server.logs()).toContain("shutdown: draining clients");
    slow.destroy();
    setter.close();
  });
});
