// CONFIG GET and CONFIG SET on a running server. Replies and error texts are compared byte
// for byte with a real redis-server 7.0 wherever both have the parameter; every parameter
// CONFIG SET accepts is shown to change the server's behaviour at once (not just what
// CONFIG GET answers), and every immutable one answers Redis's "can't set immutable config".
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RawClient, resp } from "../helpers/raw.ts";
import { exchangeResp, type RedisServer, splitReplies, startRedis } from "../helpers/redis.ts";
import { startServer, type TestServer, waitFor } from "../helpers/server.ts";

let ours: TestServer;
let theirs: RedisServer;
let c: RawClient;

beforeAll(async () => {
  [ours, theirs] = await Promise.all([startServer(), startRedis()]);
  c = await RawClient.connect(ours.port);
});
afterAll(async () => {
  c?.close();
  await theirs?.stop();
  expect(await ours?.stop()).toBe(0);
});

async function both(script: string[][], hello3 = false): Promise<[string[], string[]]> {
  const [a, b] = await Promise.all([exchangeResp(ours.port, script, { hello3 }), exchangeResp(theirs.port, script, { hello3 })]);
  return [splitReplies(a), splitReplies(b)];
}

/** CONFIG GET's reply as sorted name/value pairs (Redis answers in its dict's order). */
function pairs(reply: unknown): string[] {
  const flat = reply instanceof Map ? [...reply.entries()].flat() : (reply as string[]);
  const out: string[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push(`${flat[i]}=${flat[i + 1]}`);
  return out.sort();
}

async function info(field: string): Promise<string> {
  const text = (await c.call("INFO", "everything")) as string;
  return text.split(/\r?\n/).find((l) => l.startsWith(`${field}:`))?.slice(field.length + 1) ?? "";
}

describe("CONFIG SET errors, byte for byte as Redis 7.0", () => {
  test("unknown, immutable and repeated names, bad values, wrong arity", async () => {
    const script = [
      ["CONFIG", "SET", "nosuch", "1"],
      ["CONFIG", "SET", "constructor", "1"],
      ["CONFIG", "SET", "databases", "4"],
      ["CONFIG", "SET", "DATABASES", "4"],
      ["CONFIG", "SET", "maxclients", "abc"],
      ["CONFIG", "SET", "MAXCLIENTS", "abc"],
      ["CONFIG", "SET", "maxclients", "007"],
      ["CONFIG", "SET", "maxclients", "+5"],
      ["CONFIG", "SET", "maxclients", " 5"],
      ["CONFIG", "SET", "maxclients", "99999999999999999999"],
      ["CONFIG", "SET", "maxclients", "5", "MAXclients", "6"],
      ["CONFIG", "SET", "timeout", "5", "nosuch", "1"],
      ["CONFIG", "SET", "nosuch", "1", "timeout", "x"],
      ["CONFIG", "SET", "timeout", "x", "databases", "2"],
      ["CONFIG", "SET", "databases", "2", "nosuch", "1"],
      ["CONFIG", "SET", "timeout", "-1"],
      ["CONFIG", "SET", "timeout", "1.5"],
      ["CONFIG", "SET", "tcp-keepalive", "-1"],
      ["CONFIG", "SET", "lfu-log-factor", "-1"],
      ["CONFIG", "SET", "lfu-decay-time", "x"],
      ["CONFIG", "SET", "slowlog-max-len", "x"],
      ["CONFIG", "SET", "slowlog-log-slower-than", "1e3"],
      ["CONFIG", "SET", "latency-monitor-threshold", "x"],
      ["CONFIG", "SET", "latency-tracking", "maybe"],
      ["CONFIG", "SET", "loglevel", "loud"],
      ["CONFIG", "SET", "notify-keyspace-events", "Q"],
      ["CONFIG", "SET", "proto-max-bulk-len", "lots"],
      ["CONFIG", "SET", "client-query-buffer-limit", "1.5gb"],
      ["CONFIG", "SET", "client-output-buffer-limit", "normal 0 0"],
      ["CONFIG", "SET", "client-output-buffer-limit", "foo 0 0 0"],
      ["CONFIG", "SET", "client-output-buffer-limit", "normal x 0 0"],
      ["CONFIG", "SET", "client-output-buffer-limit", "normal 1 2 -1"],
      ["CONFIG", "SET", "maxclients"],
      ["CONFIG", "SET", "maxclients", "1", "timeout"],
      ["CONFIG", "SET"],
      ["CONFIG", "GET"],
      ["CONFIG", "REWRITE", "now"],
      ["CONFIG", "NOSUCH"],
      ["CONFIG"],
      ["CONFIG", "HELP"],
      ["CONFIG", "REWRITE"],
      // Nothing above changed anything.
      ["CONFIG", "GET", "maxclients"],
      ["CONFIG", "GET", "timeout"],
    ];
    const [mine, ref] = await both(script);
    for (let i = 0; i < script.length; i++) expect({ cmd: script[i], reply: mine[i] }).toEqual({ cmd: script[i], reply: ref[i] });
  });

  test("Crucible's own bounds and names, in Redis's words", async () => {
    expect(await c.call("CONFIG", "SET", "maxclients", "2000000")).toEqual({
      error: "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 1000000 inclusive",
    });
    expect(await c.call("CONFIG", "SET", "latency-monitor-threshold", "-1")).toEqual({
      error: "ERR CONFIG SET failed (possibly related to argument 'latency-monitor-threshold') - argument must be between 0 and 9007199254740991 inclusive",
    });
    expect(await c.call("CONFIG", "SET", "proto-max-bulk-len", "1k")).toEqual({
      error: "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be between 1048576 and 2147483648 inclusive",
    });
    expect(await c.call("CONFIG", "SET", "maxmemory-policy", "volatile-lru")).toEqual({
      error:
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: " +
        "fifo, random, s3fifo, noeviction, allkeys-lru, allkeys-lfu, allkeys-random",
    });
    expect(await c.call("CONFIG", "SET", "client-output-buffer-limit", "normal 1kb 0 0")).toMatchObject({
      error: expect.stringMatching(/^ERR CONFIG SET failed \(possibly related to argument 'client-output-buffer-limit'\) - .*client_output_buffer_limit/),
    });
    // Immutable here (Redis can change some of them at runtime), with the reason in the docs.
    for (const name of ["maxmemory", "hz", "databases", "port", "bind", "logfile", "save", "appendonly"]) {
      expect(await c.call("CONFIG", "SET", name, "1")).toEqual({ error: `ERR CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config` });
    }
    // Redis parameters Crucible has no counterpart for are unknown, as Redis answers for a name it lacks.
    for (const name of ["maxmemory-samples", "daemonize", "dir", "appendfsync", "requirepass"]) {
      expect(await c.call("CONFIG", "SET", name, "1")).toEqual({ error: `ERR Unknown option or number of arguments for CONFIG SET - '${name}'` });
    }
    expect(await c.call("PING")).toBe("PONG");
  });
});

describe("CONFIG GET", () => {
  test("single names answer the same bytes as Redis (defaults agree), in the case they were asked in", async () => {
    const names = [
      "maxclients", "MAXCLIENTS", "timeout", "tcp-keepalive", "databases", "hz", "lfu-log-factor", "lfu-decay-time", "save", "appendonly",
      "notify-keyspace-events", "slowlog-log-slower-than", "slowlog-max-len", "latency-monitor-threshold", "latency-tracking",
      "latency-tracking-info-percentiles", "proto-max-bulk-len", "client-query-buffer-limit", "loglevel", "nosuch", "",
    ];
    for (const hello3 of [false, true]) {
      const script = names.map((n) => ["CONFIG", "GET", n]);
      const [mine, ref] = await both(script, hello3);
      for (let i = 0; i < script.length; i++) expect({ hello3, cmd: script[i], reply: mine[i] }).toEqual({ hello3, cmd: script[i], reply: ref[i] });
    }
  });

  test("several names and patterns: each parameter once, unknown ones left out", async () => {
    const asks = [
      ["maxclients", "MAXCLIENTS", "timeout"],
      ["lfu-*"],
      ["slowlog-*", "SLOWLOG-MAX-LEN"],
      ["latency-t*", "latency-tracking"],
      ["nosuch", "timeout"],
      ["nosuch*"],
      ["tcp-keepaliv?", "[m]axclients"],
    ];
    for (const ask of asks) {
      const a = await c.call("CONFIG", "GET", ...ask);
      const r = await RawClient.connect(theirs.port);
      const b = await r.call("CONFIG", "GET", ...ask);
      r.close();
      expect({ ask, pairs: pairs(a) }).toEqual({ ask, pairs: pairs(b) });
    }
  });

  test("a pattern covers every parameter; Redis's names Crucible lacks are left out", async () => {
    const all = pairs(await c.call("CONFIG", "GET", "*"));
    const names = all.map((p) => p.slice(0, p.indexOf("=")));
    for (const n of ["maxmemory", "maxmemory-policy", "maxclients", "timeout", "loglevel", "lfu-log-factor", "lfu-decay-time", "hz", "notify-keyspace-events"]) {
      expect(names).toContain(n);
    }
    expect(await c.call("CONFIG", "GET", "maxmemory-samples", "daemonize", "dir")).toEqual([]);
    expect(pairs(await c.call("CONFIG", "GET", "maxmemory*"))).toEqual(["maxmemory-policy=s3fifo", `maxmemory=${1024 ** 3}`]);
  });
});

/** The server side of this port's newest established connection in /proc/net/tcp: its timer kind and jiffies left. */
async function serverSocketTimer(port: number, clientPort: number): Promise<{ kind: number; when: number } | null> {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, "0");
  const text = await Bun.file("/proc/net/tcp").text();
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6 || !f[1].endsWith(`:${hex(port)}`) || !f[2].endsWith(`:${hex(clientPort)}`) || f[3] !== "01") continue;
    const [kind, when] = f[5].split(":");
    return { kind: parseInt(kind, 16), when: parseInt(when, 16) };
  }
  return null;
}

async function newClientTimer(): Promise<{ kind: number; when: number } | null> {
  let localPort = 0;
  let answered: () => void = () => {};
  const pong = new Promise<void>((resolve) => (answered = resolve));
  const sock = await Bun.connect({ hostname: "127.0.0.1", port: ours.port, socket: { data: () => answered() } });
  localPort = sock.localPort;
  // The kernel lists the connection before the server has accepted it and set its
  // keepalive: a reply says the server has.
  sock.write("PING\r\n");
  await pong;
  try {
    let found: { kind: number; when: number } | null = null;
    await waitFor(async () => (found = await serverSocketTimer(ours.port, localPort)) !== null, 3000, "the accepted socket");
    return found;
  } finally {
    sock.end();
  }
}

describe("the TOML names (section.key) of runtime settings", () => {
  test("take the config file's value forms, checked by the schema, and are never matched by a pattern", async () => {
    expect(await c.call("CONFIG", "SET", "server.client_output_buffer_limit", "1MB", "server.timeout", "5m")).toBe("OK");
    expect(await c.call("CONFIG", "GET", "client-output-buffer-limit", "timeout")).toEqual([
      "client-output-buffer-limit", "normal 1048576 0 0 slave 268435456 67108864 60 pubsub 33554432 0 0", "timeout", "300",
    ]);
    expect(await c.call("CONFIG", "GET", "SERVER.TIMEOUT")).toEqual(["SERVER.TIMEOUT", "300"]);
    expect(await c.call("CONFIG", "GET", "server.*")).toEqual([]);
    expect(await c.call("CONFIG", "SET", "cache.eviction", "fifo")).toBe("OK");
    expect(await c.call("CONFIG", "GET", "maxmemory-policy")).toEqual(["maxmemory-policy", "fifo"]);
    expect(await c.call("CONFIG", "SET", "server.maxclients", "lots")).toEqual({
      error: `ERR CONFIG SET failed (possibly related to argument 'server.maxclients') - Invalid value for server.maxclients: "lots": expected an integer from 1 to 1000000`,
    });
    expect(await c.call("CONFIG", "SET", "timeout", "1", "server.timeout", "2")).toEqual({
      error: "ERR CONFIG SET failed (possibly related to argument 'server.timeout') - duplicate parameter",
    });
    // All or nothing across both kinds of name.
    expect(await c.call("CONFIG", "SET", "server.timeout", "7", "loglevel", "loud")).toMatchObject({ error: expect.stringContaining("'loglevel'") });
    expect(await c.call("CONFIG", "GET", "timeout")).toEqual(["timeout", "300"]);
    expect(await c.call("CONFIG", "SET", "cache.heap_size", "1GB")).toEqual({ error: "ERR Unknown option or number of arguments for CONFIG SET - 'cache.heap_size'" });
    expect(
      await c.call("CONFIG", "SET", "server.client_output_buffer_limit", "256MB", "server.timeout", "0", "maxmemory-policy", "s3fifo"),
    ).toBe("OK");
  });
});

describe("every settable parameter takes effect at once", () => {
  test("maxclients: clients past it are refused; raising it lets them in", async () => {
    const connected = Number(await info("connected_clients"));
    expect(await c.call("CONFIG", "SET", "maxclients", String(connected + 1))).toBe("OK");
    const extra = await RawClient.connect(ours.port);
    expect(await extra.call("PING")).toBe("PONG");
    const refused = await RawClient.connect(ours.port);
    expect(await refused.reply()).toEqual({ error: "ERR max number of clients reached" });
    expect(await refused.waitClosed()).toBe(true);
    expect(await c.call("CONFIG", "SET", "maxclients", "10000")).toBe("OK");
    const admitted = await RawClient.connect(ours.port);
    expect(await admitted.call("PING")).toBe("PONG");
    extra.close();
    admitted.close();
  });

  test("timeout: idle clients are closed; 0 leaves them", async () => {
    const idle = await RawClient.connect(ours.port);
    expect(await idle.call("PING")).toBe("PONG");
    expect(await c.call("CONFIG", "SET", "timeout", "1")).toBe("OK");
    // c stays busy so only `idle` goes idle.
    const closed = waitFor(() => idle.closed, 6000, "the idle client to be closed");
    while (!idle.closed) {
      await c.call("PING");
      await Bun.sleep(100);
    }
    await closed;
    expect(await c.call("CONFIG", "SET", "timeout", "0")).toBe("OK");
    const kept = await RawClient.connect(ours.port);
    expect(await kept.call("PING")).toBe("PONG");
    await Bun.sleep(2200);
    expect(kept.closed).toBe(false);
    expect(await kept.call("PING")).toBe("PONG");
    kept.close();
  });

  test("tcp-keepalive: new connections get the keepalive timer it sets, none at 0", async () => {
    const at300 = await newClientTimer();
    expect(at300?.kind).toBe(2);
    expect(await c.call("CONFIG", "SET", "tcp-keepalive", "0")).toBe("OK");
    expect((await newClientTimer())?.kind).toBe(0);
    expect(await c.call("CONFIG", "SET", "tcp-keepalive", "10")).toBe("OK");
    const at10 = await newClientTimer();
    expect(at10?.kind).toBe(2);
    expect(at10!.when).toBeLessThan(at300!.when / 10);
    expect(await c.call("CONFIG", "SET", "tcp-keepalive", "300")).toBe("OK");
  });

  test("proto-max-bulk-len: a bigger bulk is a protocol error", async () => {
    expect(await c.call("CONFIG", "SET", "proto-max-bulk-len", "1mb")).toBe("OK");
    const big = await RawClient.connect(ours.port);
    big.write(`*2\r\n$4\r\nECHO\r\n$${2 * 1024 * 1024}\r\n`);
    expect(await big.reply()).toEqual({ error: "ERR Protocol error: invalid bulk length" });
    expect(await big.waitClosed()).toBe(true);
    expect(await c.call("CONFIG", "SET", "proto-max-bulk-len", "4mb")).toBe("OK");
    const ok = await RawClient.connect(ours.port);
    const value = "x".repeat(2 * 1024 * 1024);
    expect(await ok.call("ECHO", value)).toBe(value);
    ok.close();
    expect(await c.call("CONFIG", "SET", "proto-max-bulk-len", "512mb")).toBe("OK");
  });

  test("client-query-buffer-limit: a client holding more unparsed input is closed", async () => {
    expect(await c.call("CONFIG", "SET", "client-query-buffer-limit", "1mb")).toBe("OK");
    const q = await RawClient.connect(ours.port);
    q.write(`*2\r\n$4\r\nECHO\r\n$${3 * 1024 * 1024}\r\n`);
    q.write("y".repeat(2 * 1024 * 1024));
    expect(await q.waitClosed(5000)).toBe(true);
    expect(await c.call("CONFIG", "SET", "client-query-buffer-limit", "1gb")).toBe("OK");
    const ok = await RawClient.connect(ours.port);
    const value = "y".repeat(3 * 1024 * 1024);
    expect(await ok.call("ECHO", value)).toBe(value);
    ok.close();
  });

  test("client-output-buffer-limit: a client that does not read its replies is cut at the normal hard limit", async () => {
    expect(await c.call("SET", "cobl", "z".repeat(256 * 1024))).toBe("OK");
    const before = Number(await info("client_output_buffer_limit_disconnections"));
    expect(await c.call("CONFIG", "SET", "client-output-buffer-limit", "normal 64kb 0 0")).toBe("OK");
    expect(await c.call("CONFIG", "GET", "client-output-buffer-limit")).toEqual([
      "client-output-buffer-limit", "normal 65536 0 0 slave 268435456 67108864 60 pubsub 33554432 0 0",
    ]);
    const slow = await RawClient.connect(ours.port);
    const frame = resp("GET", "cobl");
    const many = new Uint8Array(frame.length * 400);
    for (let i = 0; i < 400; i++) many.set(frame, i * frame.length);
    slow.write(many);
    await waitFor(async () => Number(await info("client_output_buffer_limit_disconnections")) > before, 10000, "the slow client to be cut");
    slow.close();
    expect(await c.call("CONFIG", "SET", "client-output-buffer-limit", "normal 256mb 0 0 pubsub 32mb 0 0")).toBe("OK");
    expect(await c.call("DEL", "cobl")).toBe(1);
  });

  test("notify-keyspace-events: events are published once set, not after clearing", async () => {
    const sub = await RawClient.connect(ours.port);
    expect(await sub.call("SUBSCRIBE", "__keyevent@0__:set")).toEqual(["subscribe", "__keyevent@0__:set", 1]);
    expect(await c.call("CONFIG", "SET", "notify-keyspace-events", "E$")).toBe("OK");
    expect(await c.call("CONFIG", "GET", "notify-keyspace-events")).toEqual(["notify-keyspace-events", "$E"]);
    expect(await c.call("SET", "nk", "1")).toBe("OK");
    expect(await sub.reply()).toEqual(["message", "__keyevent@0__:set", "nk"]);
    expect(await c.call("CONFIG", "SET", "notify-keyspace-events", "")).toBe("OK");
    expect(await c.call("SET", "nk", "2")).toBe("OK");
    expect(await sub.call("PING")).toEqual(["pong", ""]);
    sub.close();
    expect(await c.call("DEL", "nk")).toBe(1);
  });

  test("slowlog-log-slower-than and slowlog-max-len", async () => {
    expect(await c.call("CONFIG", "SET", "slowlog-log-slower-than", "0", "slowlog-max-len", "3")).toBe("OK");
    expect(await c.call("SLOWLOG", "RESET")).toBe("OK");
    for (let i = 0; i < 6; i++) await c.call("PING");
    expect(await c.call("SLOWLOG", "LEN")).toBe(3);
    expect(await c.call("CONFIG", "SET", "slowlog-log-slower-than", "-1")).toBe("OK");
    expect(await c.call("SLOWLOG", "RESET")).toBe("OK");
    for (let i = 0; i < 3; i++) await c.call("PING");
    expect(await c.call("SLOWLOG", "LEN")).toBe(0);
    expect(await c.call("CONFIG", "SET", "slowlog-log-slower-than", "10000", "slowlog-max-len", "128")).toBe("OK");
  });

  test("latency-monitor-threshold, latency-tracking and latency-tracking-info-percentiles", async () => {
    expect(await c.call("LATENCY", "RESET")).toBeNumber();
    expect(await c.call("DEBUG", "SLEEP", "0.02")).toBe("OK");
    expect(await c.call("LATENCY", "LATEST")).toEqual([]);
    expect(await c.call("CONFIG", "SET", "latency-monitor-threshold", "5")).toBe("OK");
    expect(await c.call("DEBUG", "SLEEP", "0.02")).toBe("OK");
    expect(((await c.call("LATENCY", "LATEST")) as unknown[]).length).toBeGreaterThan(0);
    expect(await c.call("CONFIG", "SET", "latency-monitor-threshold", "0")).toBe("OK");

    expect(await c.call("CONFIG", "SET", "latency-tracking-info-percentiles", "25")).toBe("OK");
    await c.call("PING");
    expect(await c.call("INFO", "latencystats")).toContain("latency_percentiles_usec_ping:p25=");
    expect(await c.call("CONFIG", "SET", "latency-tracking", "no")).toBe("OK");
    expect(await c.call("CONFIG", "RESETSTAT")).toBe("OK");
    await c.call("PING");
    expect(await c.call("INFO", "latencystats")).not.toContain("latency_percentiles_usec_ping");
    expect(await c.call("CONFIG", "SET", "latency-tracking", "yes", "latency-tracking-info-percentiles", "50 99 99.9")).toBe("OK");
  });

  test("loglevel: debug lines appear once it is debug and stop at notice", async () => {
    const count = () => ours.logs().split("\n").filter((l) => l.includes('"client connected"')).length;
    const connect = async () => {
      const x = await RawClient.connect(ours.port);
      expect(await x.call("PING")).toBe("PONG");
      x.close();
    };
    await connect();
    expect(count()).toBe(0);
    expect(await c.call("CONFIG", "SET", "loglevel", "debug")).toBe("OK");
    expect(await c.call("CONFIG", "GET", "loglevel")).toEqual(["loglevel", "debug"]);
    await connect();
    await waitFor(() => count() === 1, 3000, "a debug line");
    expect(await c.call("CONFIG", "SET", "loglevel", "notice")).toBe("OK");
    await connect();
    // The level is in effect before this reply: the next line logged at info or above is later than any debug one.
    expect(await c.call("CONFIG", "GET", "loglevel")).toEqual(["loglevel", "notice"]);
    await Bun.sleep(200);
    expect(count()).toBe(1);
  });

  test("lfu-log-factor: 0 counts every hit in OBJECT FREQ", async () => {
    expect(await c.call("CONFIG", "SET", "lfu-log-factor", "0")).toBe("OK");
    expect(await c.call("SET", "hot", "v")).toBe("OK");
    for (let i = 0; i < 20; i++) await c.call("GET", "hot");
    expect(await c.call("OBJECT", "FREQ", "hot")).toBe(25);
    expect(await c.call("CONFIG", "SET", "lfu-log-factor", "10", "lfu-decay-time", "0")).toBe("OK");
    for (let i = 0; i < 20; i++) await c.call("GET", "hot");
    expect(await c.call("OBJECT", "FREQ", "hot")).toBeLessThan(30);
    expect(await c.call("CONFIG", "GET", "lfu-decay-time")).toEqual(["lfu-decay-time", "0"]);
    expect(await c.call("CONFIG", "SET", "lfu-decay-time", "1")).toBe("OK");
    expect(await c.call("DEL", "hot")).toBe(1);
  });
});

describe("maxmemory-policy on a full heap", () => {
  let small: TestServer;
  let s: RawClient;
  beforeAll(async () => {
    small = await startServer({ set: ["cache.heap_size=2MB", "cache.segment_size=64KB", "cache.eviction=noeviction"] });
    s = await RawClient.connect(small.port);
  });
  afterAll(async () => {
    s?.close();
    expect(await small?.stop()).toBe(0);
  });

  test("noeviction refuses writes; an evicting policy set at runtime makes room at once; and back", async () => {
    const value = "v".repeat(8 * 1024);
    let i = 0;
    let reply: unknown = "OK";
    while (reply === "OK" && i < 10000) reply = await s.call("SET", `k${i++}`, value);
    expect(reply).toEqual({ error: "OOM command not allowed when used memory > 'maxmemory'." });
    expect(await s.call("OBJECT", "FREQ", "k1")).toMatchObject({ error: expect.stringContaining("An LFU maxmemory policy is not selected") });

    expect(await s.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")).toBe("OK");
    expect(await s.call("CONFIG", "GET", "maxmemory-policy")).toEqual(["maxmemory-policy", "s3fifo"]);
    expect((await s.call("INFO", "memory")) as string).toContain("maxmemory_policy:s3fifo");
    for (let j = 0; j < 300; j++) expect(await s.call("SET", `more${j}`, value)).toBe("OK");
    expect((await s.call("INFO", "stats")) as string).toMatch(/evicted_keys:[1-9]/);
    expect(await s.call("OBJECT", "FREQ", "more299")).toBeNumber();

    expect(await s.call("CONFIG", "SET", "maxmemory-policy", "noeviction")).toBe("OK");
    reply = "OK";
    for (let j = 0; j < 10000 && reply === "OK"; j++) reply = await s.call("SET", `last${j}`, value);
    expect(reply).toEqual({ error: "OOM command not allowed when used memory > 'maxmemory'." });

    expect(await s.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random")).toBe("OK");
    expect(await s.call("CONFIG", "GET", "maxmemory-policy")).toEqual(["maxmemory-policy", "random"]);
    expect(await s.call("SET", "after-random", value)).toBe("OK");
    expect(await s.call("CONFIG", "SET", "maxmemory-policy", "FIFO")).toBe("OK");
    expect(await s.call("CONFIG", "GET", "maxmemory-policy")).toEqual(["maxmemory-policy", "fifo"]);
    expect(await s.call("SET", "after-fifo", value)).toBe("OK");
    expect(await s.call("GET", "after-fifo")).toBe(value);
  });
});
