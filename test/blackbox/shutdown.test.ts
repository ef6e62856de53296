import { describe, expect, test } from "bun:test";
import { RawClient, resp } from "../helpers/raw.ts";
import { startServer } from "../helpers/server.ts";

describe("graceful shutdown", () => {
  test("SIGTERM with clients connected finishes in-flight replies and exits 0", async () => {
    const server = await startServer();
    const idle = await RawClient.connect(server.port);
    const busy = await RawClient.connect(server.port);
    expect(await busy.call("SET", "k", "v")).toBe("OK");
    // The signal arrives while the server is busy; the replies already asked for still come.
    busy.write(Buffer.concat([resp("DEBUG", "SLEEP", "0.3"), resp("GET", "k")]));
    await Bun.sleep(50);
    server.proc.kill("SIGTERM");
    expect(await busy.expect("+OK\r\n$1\r\nv\r\n")).toBe("+OK\r\n$1\r\nv\r\n");
    expect(await server.proc.exited).toBe(0);
    expect(await idle.waitClosed()).toBe(true);
    expect(await busy.waitClosed()).toBe(true);
    expect(server.logs()).toContain("shutdown: stop accepting connections");
    expect(server.logs()).toContain("shutdown: complete");
  });

  test("SIGINT exits 0", async () => {
    const server = await startServer();
    const c = await RawClient.connect(server.port);
    expect(await c.call("PING")).toBe("PONG");
    server.proc.kill("SIGINT");
    expect(await server.proc.exited).toBe(0);
  });

  test("SHUTDOWN closes the connection without a reply and exits 0", async () => {
    const server = await startServer();
    const c = await RawClient.connect(server.port);
    expect(await c.call("SHUTDOWN", "BOGUS")).toEqual({ error: "ERR syntax error" });
    expect(await c.call("SHUTDOWN", "ABORT")).toEqual({ error: "ERR No shutdown in progress." });
    c.write(resp("SHUTDOWN", "NOSAVE"));
    expect(await c.waitClosed()).toBe(true);
    expect(c.pending()).toBe("");
    expect(await server.proc.exited).toBe(0);
  });

  test("a client that never reads is cut after drain_timeout_secs", async () => {
    const server = await startServer({ set: ["shutdown.drain_timeout_secs=1", "cache.max_value_size=1MB"] });
    const net = await import("node:net");
    const setter = await RawClient.connect(server.port);
    expect(await setter.call("SET", "blob", "x".repeat(1024 * 1024))).toBe("OK");
    const slow = net.createConnection({ host: "127.0.0.1", port: server.port });
    await new Promise<void>((resolve) => slow.once("connect", () => resolve()));
    slow.pause();
    slow.on("error", () => {});
    slow.write("GET blob\r\n".repeat(50));
    await Bun.sleep(200);
    const started = Date.now();
    server.proc.kill("SIGTERM");
    expect(await server.proc.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(server.logs()).toContain("drain timeout");
    slow.destroy();
  });

  test("/ready answers 503 while a SHUTDOWN drains clients", async () => {
    const server = await startServer({ set: ["shutdown.drain_timeout_secs=2", "cache.max_value_size=1MB"] });
    const net = await import("node:net");
    const setter = await RawClient.connect(server.port);
    expect(await setter.call("SET", "blob", "x".repeat(1024 * 1024))).toBe("OK");
    const ready = () => fetch(`http://127.0.0.1:${server.metricsPort}/ready`).then((r) => r.status);
    expect(await ready()).toBe(200);
    // A client that never reads keeps the drain going until the timeout.
    const slow = net.createConnection({ host: "127.0.0.1", port: server.port });
    await new Promise<void>((resolve) => slow.once("connect", () => resolve()));
    slow.pause();
    slow.on("error", () => {});
    slow.write("GET blob\r\n".repeat(50));
    await Bun.sleep(200);
    setter.write(resp("SHUTDOWN"));
    const deadline = Date.now() + 1500;
    let status = 200;
    while (Date.now() < deadline && status === 200) {
      status = await ready();
      if (status === 200) await Bun.sleep(20);
    }
    expect(status).toBe(503);
    expect(await server.proc.exited).toBe(0);
    slow.destroy();
  });

  test("SIGTERM right as the server starts listening still exits 0 (no window without a handler)", async () => {
    for (let i = 0; i < 5; i++) {
      const server = await startServer();
      server.proc.kill("SIGTERM");
      expect(await server.proc.exited).toBe(0);
    }
  });
});
