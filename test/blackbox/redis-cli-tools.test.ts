// redis-cli's diagnostic modes against Crucible: --bigkeys, --memkeys, --hotkeys, --stat,
// --latency, --latency-history and --latency-dist run to completion (or print their data
// lines until stopped) with sensible output. --bigkeys' summary is compared with a real
// redis-server 7.0 holding the same data.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RawClient, resp } from "../helpers/raw.ts";
import { type RedisServer, startRedis } from "../helpers/redis.ts";
import { redisCli, startServer, type TestServer } from "../helpers/server.ts";

let ours: TestServer;
let theirs: RedisServer;

/** The same keyspace on both: every type, with one clear biggest key of each. */
async function populate(port: number): Promise<number> {
  const c = await RawClient.connect(port);
  const cmds: (string | Uint8Array)[][] = [];
  for (let i = 1; i <= 20; i++) {
    cmds.push(["SET", `str:${i}`, "s".repeat(i * 10)]);
    cmds.push(["RPUSH", `list:${i}`, ...Array.from({ length: i }, (_, j) => `e${j}`)]);
    cmds.push(["SADD", `set:${i}`, ...Array.from({ length: i }, (_, j) => `m${j}`)]);
    cmds.push(["HSET", `hash:${i}`, ...Array.from({ length: i }, (_, j) => [`f${j}`, `v${j}`]).flat()]);
    cmds.push(["ZADD", `zset:${i}`, ...Array.from({ length: i }, (_, j) => [String(j), `z${j}`]).flat()]);
  }
  for (const cmd of cmds) c.write(resp(...cmd));
  for (let i = 0; i < cmds.length; i++) await c.reply();
  c.close();
  return cmds.length;
}

beforeAll(async () => {
  [ours, theirs] = await Promise.all([startServer(), startRedis()]);
  await Promise.all([populate(ours.port), populate(theirs.port)]);
});
afterAll(async () => {
  await theirs?.stop();
  expect(await ours?.stop()).toBe(0);
});

/** The lines after redis-cli's "-------- summary -------", sorted (its type table is a dict). */
function summary(out: string): string[] {
  const at = out.indexOf("-------- summary -------");
  expect(at).toBeGreaterThanOrEqual(0);
  return out.slice(at).split("\n").map((l) => l.trim()).filter((l) => l !== "").sort();
}

/**
 * Run redis-cli line-buffered (stdbuf: it buffers a pipe otherwise) until `done` holds for
 * its output or it exits; then stop it. Returns the output and the exit code (null: stopped).
 */
async function runUntil(port: number, args: string[], done: (out: string) => boolean, timeoutMs = 10000): Promise<{ out: string; code: number | null }> {
  const proc = Bun.spawn(["stdbuf", "-oL", "redis-cli", "-h", "127.0.0.1", "-p", String(port), ...args], { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  let out = "";
  const decoder = new TextDecoder();
  const reader = (async () => {
    for await (const chunk of proc.stdout) {
      out += decoder.decode(chunk);
      if (done(out)) break;
    }
  })();
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  await Promise.race([reader, proc.exited]);
  const exited = proc.exitCode;
  if (exited === null) proc.kill("SIGTERM");
  await proc.exited;
  clearTimeout(timer);
  out += await new Response(proc.stderr).text();
  return { out, code: exited };
}

describe("redis-cli --bigkeys and --memkeys", () => {
  test("--bigkeys scans the whole keyspace; its summary is Redis's", async () => {
    const mine = await redisCli(ours.port, ["--bigkeys"]);
    const ref = await redisCli(theirs.port, ["--bigkeys"]);
    expect(mine.code).toBe(0);
    expect(mine.stderr).toBe("");
    expect(summary(mine.stdout)).toEqual(summary(ref.stdout));
    expect(mine.stdout).toContain("Sampled 100 keys in the keyspace!");
    expect(mine.stdout).toContain(`Biggest string found '"str:20"' has 200 bytes`);
    expect(mine.stdout).toContain(`Biggest   list found '"list:20"' has 20 items`);
    expect(mine.stdout).toContain(`Biggest   zset found '"zset:20"' has 20 members`);
    // -i sleeps between SCAN batches; the result is the same.
    const slow = await redisCli(ours.port, ["--bigkeys", "-i", "0.01"]);
    expect(summary(slow.stdout)).toEqual(summary(mine.stdout));
  });

  test("--memkeys sizes every key with MEMORY USAGE; the biggest of each type is the one holding most", async () => {
    for (const extra of [[], ["--memkeys-samples", "0"]]) {
      const mine = await redisCli(ours.port, ["--memkeys", ...extra]);
      expect(mine.code).toBe(0);
      expect(mine.stderr).toBe("");
      const out = mine.stdout;
      expect(out).toContain("Sampled 100 keys in the keyspace!");
      for (const type of ["string", "list", "set", "hash", "zset"]) {
        const m = new RegExp(`Biggest +${type} found '"${type === "string" ? "str" : type}:20"' has (\\d+) bytes`).exec(out);
        expect({ type, found: m !== null }).toEqual({ type, found: true });
        const usage = (await redisCli(ours.port, ["MEMORY", "USAGE", `${type === "string" ? "str" : type}:20`])).stdout.trim();
        expect(m![1]).toBe(usage);
      }
    }
  });
});

describe("redis-cli --hotkeys", () => {
  test("under an LFU policy it lists the most accessed keys by OBJECT FREQ", async () => {
    const c = await RawClient.connect(ours.port);
    expect(await c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu", "lfu-log-factor", "0")).toBe("OK");
    // New keys start at counter 5; with lfu-log-factor 0 every access adds one.
    expect(await c.call("SET", "hot:a", "v")).toBe("OK");
    expect(await c.call("RPUSH", "hot:b", "x")).toBe(1);
    for (let i = 0; i < 40; i++) await c.call("GET", "hot:a");
    for (let i = 0; i < 20; i++) await c.call("LRANGE", "hot:b", "0", "-1");
    const { stdout, stderr, code } = await redisCli(ours.port, ["--hotkeys"]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toContain("Scanning the entire keyspace to find hot keys");
    const top = stdout.slice(stdout.indexOf("-------- summary -------")).split("\n").filter((l) => l.startsWith("hot key found"));
    expect(top.slice(0, 2)).toEqual(['hot key found with counter: 45\tkeyname: "hot:a"', 'hot key found with counter: 25\tkeyname: "hot:b"']);
    expect(top.length).toBe(16);
    expect(stdout).toContain("Sampled 102 keys in the keyspace!");
    expect(await c.call("CONFIG", "SET", "lfu-log-factor", "10")).toBe("OK");
    expect(await c.call("DEL", "hot:a", "hot:b")).toBe(2);
    c.close();
  });

  test("under a policy without LFU it stops with Redis's error, as against Redis", async () => {
    const c = await RawClient.connect(ours.port);
    expect(await c.call("CONFIG", "SET", "maxmemory-policy", "fifo")).toBe("OK");
    const mine = await redisCli(ours.port, ["--hotkeys"]);
    const ref = await redisCli(theirs.port, ["--hotkeys"]);
    expect(mine.code).toBe(1);
    expect({ code: mine.code, stderr: mine.stderr }).toEqual({ code: ref.code, stderr: ref.stderr });
    expect(mine.stderr).toContain("ERR An LFU maxmemory policy is not selected, access frequency not tracked.");
    expect(await c.call("CONFIG", "SET", "maxmemory-policy", "s3fifo")).toBe("OK");
    expect(await c.call("PING")).toBe("PONG");
    c.close();
  });
});

describe("redis-cli --stat and --latency", () => {
  test("--stat prints data lines: keys, memory, clients, requests, connections", async () => {
    const { out } = await runUntil(ours.port, ["--stat", "-i", "0.1"], (o) => o.split("\n").filter((l) => /^\d+ /.test(l)).length >= 4);
    expect(out).toContain("------- data ------ --------------------- load -------------------- - child -");
    expect(out).toMatch(/keys +mem +clients +blocked +requests +connections/);
    const lines = out.split("\n").filter((l) => /^\d+ /.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) {
      const cols = line.trim().split(/\s+/);
      expect(cols[0]).toBe("100");
      expect(cols[1]).toMatch(/^[\d.]+[BKMG]$/);
      expect(Number(cols[2])).toBeGreaterThanOrEqual(1);
      expect(cols[3]).toBe("0");
      expect(Number(cols[4])).toBeGreaterThan(0);
    }
    expect(out).not.toMatch(/error|ERR/i);
  });

  test("--latency: a min/max/avg line; --raw runs once and exits", async () => {
    const raw = await redisCli(ours.port, ["--latency", "--raw", "-i", "0.2"]);
    expect(raw.code).toBe(0);
    expect(raw.stdout).toMatch(/^\d+ \d+ \d+\.\d\d \d+\n$/);
    const { out } = await runUntil(ours.port, ["--latency", "--no-raw"], (o) => /min: \d+, max: \d+, avg: [\d.]+ \(\d\d+ samples\)/.test(o));
    expect(out).toMatch(/min: \d+, max: \d+, avg: [\d.]+ \(\d+ samples\)/);
  });

  test("--latency-history and --latency-dist print their rows", async () => {
    const history = await runUntil(ours.port, ["--latency-history", "--no-raw", "-i", "0.2"], (o) => (o.match(/seconds range/g) ?? []).length >= 2);
    expect(history.out).toMatch(/min: \d+, max: \d+, avg: [\d.]+ \(\d+ samples\) -- 0\.2\d seconds range/);
    const dist = await runUntil(ours.port, ["--latency-dist", "-i", "0.2"], (o) => o.split("\n").filter((l) => l.includes("?")).length >= 3);
    expect(dist.out).toContain("K,L,M,N,O,P,Q,?  1,2,4,8,16,30,60,>60 seconds");
    expect(dist.out).not.toMatch(/ERR/);
  });
});
