import { describe, expect, test } from "bun:test";
import { RawClient, resp } from "../helpers/raw.ts";
import { startServer, waitFor } from "../helpers/server.ts";

/** The server's JSON log lines. */
function logLines(text: string): { msg: string; level: string; [field: string]: unknown }[] {
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));
}

/** Index of the line with this message, which must be there. */
function indexOf(lines: { msg: string }[], msg: string): number {
  const i = lines.findIndex((l) => l.msg === msg);
  if (i < 0) throw new Error(`no log line "${msg}" in:\n${lines.map((l) => l.msg).join("\n")}`);
  return i;
}

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

  test("SIGTERM with several idle clients exits 0 well within the drain timeout, logging each phase with counts", async () => {
    const server = await startServer({ set: ["shutdown.drain_timeout_secs=5"] });
    const clients = await Promise.all(Array.from({ length: 5 }, () => RawClient.connect(server.port)));
    for (const c of clients) expect(await c.call("PING")).toBe("PONG");
    const started = Date.now();
    server.proc.kill("SIGTERM");
    expect(await server.proc.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    for (const c of clients) expect(await c.waitClosed()).toBe(true);

    const lines = logLines(server.logs());
    const received = indexOf(lines, "received SIGTERM, shutting down");
    const stopAccepting = indexOf(lines, "shutdown: stop accepting connections");
    const drained = indexOf(lines, "shutdown: connections drained 5, cut 0");
    const complete = indexOf(lines, "shutdown: complete");
    const exit = indexOf(lines, "exit: code 0");
    expect([received, stopAccepting, drained, complete, exit]).toEqual([...[received, stopAccepting, drained, complete, exit]].sort((a, b) => a - b));
    expect(lines[received]).toMatchObject({ signal: "SIGTERM", drain_timeout_secs: 5 });
    expect(lines[stopAccepting]).toMatchObject({ reason: "SIGTERM", listeners_closed: 1, listeners: [`resp 127.0.0.1:${server.port}`] });
    expect(lines[drained]).toMatchObject({ clients: 5, drained: 5, cut: 0 });
    expect(lines[exit]).toMatchObject({ code: 0 });
    expect(exit).toBe(lines.length - 1);
  });

  test("during the drain a client mid-reply gets all of it; one that never reads is cut at the timeout; counts logged", async () => {
    const server = await startServer({ set: ["shutdown.drain_timeout_secs=3", "cache.max_value_size=1MB"] });
    const net = await import("node:net");
    const setter = await RawClient.connect(server.port);
    const blob = "x".repeat(1024 * 1024);
    expect(await setter.call("SET", "blob", blob)).toBe("OK");
    const oneReply = `$${blob.length}\r\n${blob}\r\n`.length;
    const connectPaused = async () => {
      const sock = net.createConnection({ host: "127.0.0.1", port: server.port });
      await new Promise<void>((resolve) => sock.once("connect", () => resolve()));
      sock.pause();
      sock.on("error", () => {});
      return sock;
    };
    // Asked for 20 MB and not reading yet: most of it is still in the server when SIGTERM comes.
    const reader = await connectPaused();
    let got = 0;
    const readerDone = new Promise<void>((resolve) => reader.on("close", () => resolve()));
    reader.on("data", (chunk: Buffer) => void (got += chunk.length));
    reader.write("GET blob\r\n".repeat(20));
    // Asked for 50 MB and never reads.
    const stuck = await connectPaused();
    stuck.write("GET blob\r\n".repeat(50));
    await waitFor(async () => String(await setter.call("CLIENT", "LIST")).split("\n").filter((l) => /omem=[1-9]/.test(l)).length >= 2, 5000, "pending output on both");

    const started = Date.now();
    server.proc.kill("SIGTERM");
    await waitFor(() => server.logs().includes("shutdown: draining clients"), 5000, "the drain to start");
    reader.resume();
    await readerDone;
    expect(got).toBe(20 * oneReply);
    expect(await server.proc.exited).toBe(0);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(2500);
    expect(took).toBeLessThan(6000);
    stuck.destroy();

    const lines = logLines(server.logs());
    expect(lines[indexOf(lines, "shutdown: draining clients")]).toMatchObject({ clients: 2, closed_idle: 1, timeout_secs: 3 });
    expect(lines[indexOf(lines, "shutdown: drain timeout, closing remaining clients")]).toMatchObject({ level: "warn", clients: 1, timeout_secs: 3 });
    expect(lines[indexOf(lines, "shutdown: connections drained 2, cut 1")]).toMatchObject({ clients: 3, drained: 2, cut: 1 });
    expect(lines.at(-1)).toMatchObject({ msg: "exit: code 0", code: 0 });
  }, 15000);
});
