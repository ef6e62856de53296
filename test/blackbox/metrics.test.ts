import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RawClient } from "../helpers/raw.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

async function scrape(): Promise<Map<string, number>> {
  const res = await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`);
  expect(res.status).toBe(200);
  const values = new Map<string, number>();
  for (const line of (await res.text()).split("\n")) {
    const m = /^([a-z_]+)(?:\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (m) values.set(m[1], Number(m[2]));
  }
  return values;
}

describe("metrics endpoint", () => {
  test("the guide's metrics move as requests are served", async () => {
    const before = await scrape();
    for (const name of ["cache_hits_total", "cache_misses_total", "cache_sets_total", "cache_deletes_total", "connections_active", "bytes_received_total", "bytes_sent_total"]) {
      expect(before.has(name)).toBe(true);
    }
    const c = await RawClient.connect(server.port);
    expect(await c.call("SET", "m:k", "v")).toBe("OK");
    expect(await c.call("GET", "m:k")).toBe("v");
    expect(await c.call("GET", "m:k")).toBe("v");
    expect(await c.call("GET", "m:none")).toBeNull();
    expect(await c.call("DEL", "m:k")).toBe(1);
    const after = await scrape();
    expect(after.get("cache_sets_total")! - before.get("cache_sets_total")!).toBe(1);
    expect(after.get("cache_hits_total")! - before.get("cache_hits_total")!).toBe(2);
    expect(after.get("cache_misses_total")! - before.get("cache_misses_total")!).toBe(1);
    expect(after.get("cache_deletes_total")! - before.get("cache_deletes_total")!).toBe(1);
    expect(after.get("connections_active")!).toBeGreaterThanOrEqual(1);
    expect(after.get("bytes_received_total")!).toBeGreaterThan(before.get("bytes_received_total")!);
    expect(after.get("bytes_sent_total")!).toBeGreaterThan(before.get("bytes_sent_total")!);
    c.close();
  });

  test("/health and /ready", async () => {
    expect((await fetch(`http://127.0.0.1:${server.metricsPort}/health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${server.metricsPort}/ready`)).status).toBe(200);
  });
});
