// The network engines: which one io_engine picks, its fallbacks, and the io_uring engine's
// own paths (buffers split across receive buffers, big sends, peers that vanish).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadShim, probeUring } from "../../ffi/index.ts";
import { RawClient, resp } from "../helpers/raw.ts";
import { ROOT, startServer, type TestServer } from "../helpers/server.ts";

const shim = await loadShim();
const uringWhyNot = shim.loaded ? probeUring(shim.shim) : shim.why;
const uringAvailable = uringWhyNot === null;
const bunPass = process.env.CRUCIBLE_TEST_ENGINE === "bun";

describe("io_engine selection", () => {
  test.skipIf(!uringAvailable || bunPass)("auto runs the io_uring engine where the kernel offers it", async () => {
    const server = await startServer();
    try {
      expect(server.logs()).toContain("network engine: io_uring");
      const c = await RawClient.connect(server.port);
      expect(await c.call("PING")).toBe("PONG");
      c.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  test("auto falls back to Bun's sockets without the shim, and says why", async () => {
    const server = await startServer({ env: { CRUCIBLE_SHIM: "off" }, set: ["io_engine=auto"] });
    try {
      expect(server.logs()).toContain("io_engine auto: using Bun's socket layer");
      expect(server.logs()).toContain("CRUCIBLE_SHIM=off");
      expect(server.logs()).not.toContain("network engine: io_uring");
      const c = await RawClient.connect(server.port);
      expect(await c.call("SET", "k", "v")).toBe("OK");
      expect(await c.call("GET", "k")).toBe("v");
      c.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  // kernel.io_uring_disabled = 2 turns io_uring off for every process; root may flip it for a
  // moment (and must put it back).
  const DISABLED = "/proc/sys/kernel/io_uring_disabled";
  const canDisable = existsSync(DISABLED) && process.getuid?.() === 0;
  test.skipIf(!canDisable || !uringAvailable)("with kernel.io_uring_disabled = 2, auto falls back and says why; uring refuses to start", async () => {
    const old = readFileSync(DISABLED, "utf8").trim();
    writeFileSync(DISABLED, "2");
    try {
      const server = await startServer({ set: ["io_engine=auto"] });
      try {
        expect(server.logs()).toContain("io_engine auto: using Bun's socket layer");
        expect(server.logs()).toMatch(/io_uring_setup failed[^"]*EPERM/);
        const c = await RawClient.connect(server.port);
        expect(await c.call("PING")).toBe("PONG");
        c.close();
      } finally {
        expect(await server.stop()).toBe(0);
      }
      await expect(startServer({ set: ["io_engine=uring"] })).rejects.toThrow(/exited with 2[\s\S]*io_uring not supported on this system[\s\S]*io_uring_disabled/);
    } finally {
      writeFileSync(DISABLED, old);
    }
  });

  test("bun never tries io_uring", async () => {
    const server = await startServer({ set: ["io_engine=bun"] });
    try {
      expect(server.logs()).not.toContain("io_uring");
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});

describe.skipIf(!uringAvailable || bunPass)("io_uring engine", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ set: ["io_engine=auto", "cache.max_value_size=8MB", "cache.heap_size=256MB"] });
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
  });

  test("a value larger than many receive buffers arrives whole, and its reply leaves in several sends", async () => {
    const c = await RawClient.connect(server.port);
    const value = new Uint8Array(5 * 1024 * 1024);
    for (let i = 0; i < value.length; i++) value[i] = (i * 31 + 7) & 0xff;
    c.write(resp("SET", "big", value));
    expect(await c.expect("+OK\r\n")).toBe("+OK\r\n");
    c.write(resp("GET", "big"));
    const header = `$${value.length}\r\n`;
    const got = await c.readBytes(header.length + value.length + 2, 20000);
    expect(new TextDecoder().decode(got.subarray(0, header.length))).toBe(header);
    expect(Buffer.compare(got.subarray(header.length, header.length + value.length), value)).toBe(0);
    c.close();
  });

  test("pipelines from many clients at once all get their replies, in order", async () => {
    const clients = await Promise.all(Array.from({ length: 40 }, () => RawClient.connect(server.port)));
    const depth = 200;
    await Promise.all(
      clients.map(async (c, ci) => {
        const frames: Uint8Array[] = [];
        for (let i = 0; i < depth; i++) frames.push(resp("SET", `c${ci}:${i}`, `v${i}`), resp("GET", `c${ci}:${i}`));
        c.write(Buffer.concat(frames));
        let expected = "";
        for (let i = 0; i < depth; i++) expected += `+OK\r\n$${String(`v${i}`).length}\r\nv${i}\r\n`;
        expect(await c.expect(expected, 20000)).toBe(expected);
      }),
    );
    for (const c of clients) c.close();
  });

  test("a client that vanishes with a big reply on its way leaves the server serving", async () => {
    const c = await RawClient.connect(server.port);
    c.write(resp("SET", "blob", new Uint8Array(4 * 1024 * 1024)));
    expect(await c.expect("+OK\r\n")).toBe("+OK\r\n");
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 8; i++) frames.push(resp("GET", "blob"));
    c.write(Buffer.concat(frames));
    c.close();
    const d = await RawClient.connect(server.port);
    expect(await d.call("PING")).toBe("PONG");
    expect(await d.call("STRLEN", "blob")).toBe(4 * 1024 * 1024);
    d.close();
  });

  test("with few receive buffers (ENOBUFS), receives are re-armed and every reply still comes", async () => {
    const small = await startServer({ set: ["io_engine=uring", "uring.buffer_count=8", "uring.buffer_size=1KB"] });
    try {
      expect(small.logs()).toContain('"buffer_count":8');
      const clients = await Promise.all(Array.from({ length: 24 }, () => RawClient.connect(small.port)));
      await Promise.all(
        clients.map(async (c, ci) => {
          const frames: Uint8Array[] = [];
          for (let i = 0; i < 300; i++) frames.push(resp("SET", `k${ci}:${i}`, "x".repeat(100)), resp("STRLEN", `k${ci}:${i}`));
          c.write(Buffer.concat(frames));
          const expected = "+OK\r\n:100\r\n".repeat(300);
          expect(await c.expect(expected, 20000)).toBe(expected);
        }),
      );
      for (const c of clients) c.close();
    } finally {
      expect(await small.stop()).toBe(0);
    }
  });

  test("io_engine = uring without the shim refuses to start, with exit code 2 and the reason", async () => {
    await expect(startServer({ env: { CRUCIBLE_SHIM: "off" }, set: ["io_engine=uring"] })).rejects.toThrow(/exited with 2[\s\S]*io_uring not supported on this system: the native shim is not loaded \(CRUCIBLE_SHIM=off\)/);
  });

  test.skipIf(Bun.which("prlimit") === null)("out of descriptors, it keeps serving, retries accepting at a pace, and recovers", async () => {
    const main = join(ROOT, "src", "cli", "main.ts");
    const limited = await startServer({ command: ["prlimit", "--nofile=96:96", process.execPath, main], set: ["io_engine=uring"] });
    const clients: RawClient[] = [];
    try {
      const first = await RawClient.connect(limited.port);
      clients.push(first);
      // More connections than descriptors left: the kernel queues them, accept fails with EMFILE.
      for (let i = 0; i < 120; i++) clients.push(await RawClient.connect(limited.port));
      const deadline = Date.now() + 5000;
      while (!limited.logs().includes("EMFILE") && Date.now() < deadline) await Bun.sleep(20);
      expect(limited.logs()).toContain("accept failed; retrying shortly");
      expect(await first.call("PING")).toBe("PONG");
      // Logged at most once a second, not once per attempt.
      await Bun.sleep(1200);
      expect(limited.logs().split("accept failed").length - 1).toBeLessThanOrEqual(3);
      // Clients that leave free descriptors, and the queued connections get served.
      for (const c of clients.splice(1, 80)) c.close();
      const late = clients[clients.length - 1]!;
      expect(await late.call("PING", "late")).toBe("late");
    } finally {
      for (const c of clients) c.close();
      expect(await limited.stop()).toBe(0);
    }
  });

  test("CLIENT LIST shows each client's own address and the listener's", async () => {
    const a = await RawClient.connect(server.port);
    const b = await RawClient.connect(server.port);
    const infoA = String(await a.call("CLIENT", "INFO"));
    const infoB = String(await b.call("CLIENT", "INFO"));
    expect(infoA).toContain(`laddr=127.0.0.1:${server.port} `);
    expect(infoB).toContain(`laddr=127.0.0.1:${server.port} `);
    const addrA = /addr=(\S+)/.exec(infoA)![1];
    const addrB = /addr=(\S+)/.exec(infoB)![1];
    expect(addrA).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(addrA).not.toBe(addrB);
    a.close();
    b.close();
  });
});
