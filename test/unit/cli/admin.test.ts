// The admin HTTP endpoint and the metrics registry the CLI wires together.
import { afterEach, describe, expect, test } from "bun:test";
import { startAdmin } from "../../../src/admin/index.ts";
import { Counter, counters, metricsText, registerCounter, registerGauge, registry, unregisterMetric } from "../../../src/metrics/index.ts";

const stops: (() => void)[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s();
});

function admin(ready: () => boolean | string = () => true) {
  const a = startAdmin("127.0.0.1:0", { ready });
  stops.push(a.stop);
  return a;
}

/** The value of an unlabelled sample in Prometheus text. */
function sample(text: string, name: string): number {
  const m = new RegExp(`^${name} (\\S+)$`, "m").exec(text);
  if (!m) throw new Error(`no sample ${name} in:\n${text}`);
  return Number(m[1]);
}

describe("admin endpoint", () => {
  test("/health answers 200 OK", async () => {
    const a = admin();
    expect(a.port).toBeGreaterThan(0);
    expect(a.address).toBe(`127.0.0.1:${a.port}`);
    const r = await fetch(`http://127.0.0.1:${a.port}/health`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe("OK");
  });

  test("/ready follows ready()", async () => {
    let ready = false;
    const a = admin(() => ready);
    expect((await fetch(`http://127.0.0.1:${a.port}/ready`)).status).toBe(503);
    ready = true;
    const r = await fetch(`http://127.0.0.1:${a.port}/ready`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe("OK");
  });

  test("/ready answers 503 with the reason ready() gives", async () => {
    let state: boolean | string = "starting";
    const a = admin(() => state);
    const get = async () => {
      const r = await fetch(`http://127.0.0.1:${a.port}/ready`);
      return [r.status, await r.text()];
    };
    expect(await get()).toEqual([503, "not ready: starting\n"]);
    state = true;
    expect(await get()).toEqual([200, "OK"]);
    state = "shutting down";
    expect(await get()).toEqual([503, "not ready: shutting down\n"]);
    state = false;
    expect(await get()).toEqual([503, "not ready: not accepting connections\n"]);
    // Liveness does not follow readiness.
    expect((await fetch(`http://127.0.0.1:${a.port}/health`)).status).toBe(200);
  });

  test("/metrics serves Prometheus text read from the hot-path counters", async () => {
    const a = admin();
    const before = sample(await (await fetch(`http://127.0.0.1:${a.port}/metrics`)).text(), "cache_hits_total");
    counters[Counter.cacheHits]! += 5;
    counters[Counter.connectionsActive] = 3;
    const r = await fetch(`http://127.0.0.1:${a.port}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/plain");
    const text = await r.text();
    expect(sample(text, "cache_hits_total")).toBe(before + 5);
    expect(sample(text, "connections_active")).toBe(3);
    expect(text).toContain("# TYPE cache_hits_total counter");
    expect(text).toContain("# TYPE connections_active gauge");
    for (const name of [
      "cache_hits_total", "cache_misses_total", "cache_sets_total", "cache_deletes_total", "connections_active",
      "bytes_received_total", "bytes_sent_total", "connections_accepted_total", "connections_rejected_total",
      "commands_processed_total", "errors_total", "process_resident_memory_bytes",
    ]) {
      expect(text).toMatch(new RegExp(`^${name} \\d`, "m"));
    }
    counters[Counter.connectionsActive] = 0;
  });

  test("unknown paths are 404, other methods 405", async () => {
    const a = admin();
    expect((await fetch(`http://127.0.0.1:${a.port}/nope`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${a.port}/health`, { method: "POST" })).status).toBe(405);
  });

  test("address in use: code EADDRINUSE, exit code 2 and the operator message", () => {
    const a = admin();
    let err: (Error & { code?: string; exitCode?: number }) | undefined;
    try {
      startAdmin(`127.0.0.1:${a.port}`, { ready: () => true }).stop();
    } catch (e) {
      err = e as Error;
    }
    expect(err?.code).toBe("EADDRINUSE");
    expect(err?.exitCode).toBe(2);
    expect(err?.message).toBe(
      `Address already in use: 127.0.0.1:${a.port} (another process is listening there; find it with: ss -ltnp 'sport = :${a.port}')`,
    );
  });

  test("stop releases the port", async () => {
    const a = startAdmin("127.0.0.1:0", { ready: () => true });
    a.stop();
    const again = startAdmin(`127.0.0.1:${a.port}`, { ready: () => true });
    again.stop();
  });
});

describe("metrics registry", () => {
  test("registerGauge / registerCounter read at scrape time, replace on re-register", async () => {
    let v = 1;
    registerGauge("test_store_bytes", "test gauge", () => v);
    expect(sample(await metricsText(), "test_store_bytes")).toBe(1);
    v = 42;
    expect(sample(await metricsText(), "test_store_bytes")).toBe(42);
    registerGauge("test_store_bytes", "test gauge", () => 7);
    expect(sample(await metricsText(), "test_store_bytes")).toBe(7);
    registerCounter("test_things_total", "test counter", () => 9);
    const text = await metricsText();
    expect(sample(text, "test_things_total")).toBe(9);
    expect(text).toContain("# TYPE test_things_total counter");
    unregisterMetric("test_store_bytes");
    unregisterMetric("test_things_total");
    expect(registry.getSingleMetric("test_store_bytes")).toBeUndefined();
  });

  test("a reader returning NaN reads as 0", async () => {
    registerGauge("test_nan", "nan", () => NaN);
    expect(sample(await metricsText(), "test_nan")).toBe(0);
    unregisterMetric("test_nan");
  });
});
