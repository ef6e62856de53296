import { describe, expect, test } from "bun:test";
import net from "node:net";
import { RawClient } from "../helpers/raw.ts";
import { startServer, waitFor } from "../helpers/server.ts";

describe("client limits", () => {
  test("maxclients refuses the extra client with Redis's error", async () => {
    const server = await startServer({ set: ["server.maxclients=2"] });
    try {
      const a = await RawClient.connect(server.port);
      const b = await RawClient.connect(server.port);
      expect(await a.call("PING")).toBe("PONG");
      expect(await b.call("PING")).toBe("PONG");
      const c = await RawClient.connect(server.port);
      const refusal = "-ERR max number of clients reached\r\n";
      expect(await c.expect(refusal)).toBe(refusal);
      expect(await c.waitClosed()).toBe(true);
      b.close();
      await waitFor(async () => {
        const d = await RawClient.connect(server.port);
        const r = await d.call("PING").catch(() => null);
        d.close();
        return r === "PONG";
      }, 5000, "a slot to free up");
      const info = (await a.call("INFO", "stats")) as string;
      expect(info).toMatch(/rejected_connections:[1-9]/);
      a.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  test("idle clients are closed after `timeout` seconds; busy ones are not", async () => {
    const server = await startServer({ set: ["server.timeout=1"] });
    try {
      const idle = await RawClient.connect(server.port);
      const busy = await RawClient.connect(server.port);
      expect(await idle.call("PING")).toBe("PONG");
      const started = Date.now();
      let busyAlive = true;
      while (!idle.closed && Date.now() - started < 5000) {
        busyAlive = (await busy.call("PING")) === "PONG";
        await Bun.sleep(200);
      }
      expect(idle.closed).toBe(true);
      expect(busyAlive).toBe(true);
      expect(await busy.call("PING")).toBe("PONG");
      busy.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  test("tcp_keepalive arms the kernel's keepalive timer on client sockets", async () => {
    const server = await startServer({ set: ["server.tcp_keepalive=120"] });
    try {
      const c = await RawClient.connect(server.port);
      expect(await c.call("PING")).toBe("PONG");
      const ss = Bun.spawnSync(["ss", "-tno", "state", "established", `( sport = :${server.port} )`], { stdout: "pipe" });
      const timer = /timer:\(keepalive,(\d+)min/.exec(ss.stdout.toString());
      expect(timer).not.toBeNull();
      expect(Number(timer![1])).toBeLessThanOrEqual(2);
      c.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  test("a client that stops reading is cut off at its output buffer limit", async () => {
    const server = await startServer({ set: ["server.client_output_buffer_limit=1MB", "cache.max_value_size=1MB"] });
    try {
      const setter = await RawClient.connect(server.port);
      expect(await setter.call("SET", "blob", "x".repeat(512 * 1024))).toBe("OK");
      // A node:net socket that never reads: the kernel buffers fill and the server must queue.
      const slow = net.createConnection({ host: "127.0.0.1", port: server.port });
      await new Promise<void>((resolve) => slow.once("connect", () => resolve()));
      slow.pause();
      let closed = false;
      slow.on("close", () => (closed = true));
      slow.on("error", () => (closed = true));
      slow.write("GET blob\r\n".repeat(400));
      await waitFor(async () => {
        const info = (await setter.call("INFO", "stats")) as string;
        return /client_output_buffer_limit_disconnections:[1-9]/.test(info);
      }, 10000, "the slow client to be disconnected");
      slow.destroy();
      expect(closed || slow.destroyed).toBe(true);
      expect(await setter.call("STRLEN", "blob")).toBe(512 * 1024);
      setter.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
