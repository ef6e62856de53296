// CONFIG REWRITE: the running values of what CONFIG SET changed go back into the TOML file
// the server was started with, with its comments, order and other keys kept; the file
// loads back to the same values; every way it can fail answers an error and the server
// goes on.
import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "smol-toml";
import { RawClient } from "../helpers/raw.ts";
import { exchangeResp, startRedis } from "../helpers/redis.ts";
import { startServer, tempDir, type TestServer } from "../helpers/server.ts";

const ORIGINAL = `# Crucible test configuration
# Comments, order and unrelated keys must survive CONFIG REWRITE.

[cache]
# a small heap on purpose
heap_size = "64MB"   # keep the string form
eviction = "fifo"    # policy

[[listener]]
protocol = "resp"
address = "127.0.0.1:0"

# connection limits
[server]
  maxclients = 100 # keep low
  timeout = 0

# the metrics endpoint
[metrics]
address = "127.0.0.1:0"
`;

const servers: TestServer[] = [];
const dirs: { cleanup(): void }[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) expect(await s.stop()).toBe(0);
  for (const d of dirs.splice(0)) d.cleanup();
});

async function start(args: string[]): Promise<{ server: TestServer; c: RawClient }> {
  const server = await startServer({ args });
  servers.push(server);
  return { server, c: await RawClient.connect(server.port) };
}

function configFile(text = ORIGINAL): { dir: string; path: string } {
  const d = tempDir();
  dirs.push(d);
  const path = join(d.path, "crucible.toml");
  writeFileSync(path, text);
  return { dir: d.path, path };
}

/** The comment lines of a file, in order. */
const comments = (text: string) => text.split("\n").filter((l) => l.trim().startsWith("#") || l.includes(" # "));

describe("CONFIG REWRITE", () => {
  test("writes what CONFIG SET changed, in place or in its section, keeps the rest, and loads back", async () => {
    const { dir, path } = configFile();
    const { server, c } = await start([path]);
    expect(
      await c.call(
        "CONFIG", "SET",
        "maxclients", "321",
        "timeout", "45",
        "maxmemory-policy", "allkeys-lfu",
        "lfu-log-factor", "7",
        "notify-keyspace-events", "KEA",
        "client-output-buffer-limit", "normal 128mb 0 0",
        "latency-tracking", "no",
        "loglevel", "warning",
      ),
    ).toBe("OK");
    expect(await c.call("CONFIG", "REWRITE")).toBe("OK");
    const text = readFileSync(path, "utf8");
    // Every comment survives, in order; untouched lines are byte for byte the same.
    expect(comments(text)).toEqual(comments(ORIGINAL).map((l) => l.replace("maxclients = 100", "maxclients = 321").replace('eviction = "fifo"', 'eviction = "s3fifo"')));
    expect(text).toContain('heap_size = "64MB"   # keep the string form\n');
    expect(text).toContain('eviction = "s3fifo"    # policy\n');
    expect(text).toContain("  maxclients = 321 # keep low\n");
    // Keys the file lacked go after the last key of their table, indented like it; a missing table goes at the end.
    expect(text).toContain('eviction = "s3fifo"    # policy\nlfu_log_factor = 7\n\n[[listener]]');
    expect(text).toContain(
      '  timeout = 45\n  client_output_buffer_limit = "128MB"\n  notify_keyspace_events = "AKE"\n  latency_tracking = false\n\n# the metrics endpoint',
    );
    expect(text.endsWith('\n[logging]\nlevel = "warn"\n')).toBe(true);
    expect(parse(text)).toMatchObject({ cache: { heap_size: "64MB", eviction: "s3fifo", lfu_log_factor: 7 }, logging: { level: "warn" } });
    // Written through a temporary file renamed over it: nothing is left beside it.
    expect(readdirSync(dir)).toEqual(["crucible.toml"]);

    // Nothing changed since: a second rewrite leaves the file as it is.
    expect(await c.call("CONFIG", "REWRITE")).toBe("OK");
    expect(readFileSync(path, "utf8")).toBe(text);
    c.close();
    expect(await server.stop()).toBe(0);
    servers.splice(servers.indexOf(server), 1);

    // Started again from the file: the same running values. (The test harness passes
    // --set logging.level=info, so the level is checked in the file above.)
    const again = await start([path]);
    const got = (await again.c.call(
      "CONFIG", "GET", "maxclients", "timeout", "maxmemory-policy", "lfu-log-factor", "notify-keyspace-events", "client-output-buffer-limit", "latency-tracking", "maxmemory",
    )) as string[];
    expect(Object.fromEntries(Array.from({ length: got.length / 2 }, (_, i) => [got[2 * i], got[2 * i + 1]]))).toEqual({
      maxclients: "321",
      timeout: "45",
      "maxmemory-policy": "s3fifo",
      "lfu-log-factor": "7",
      "notify-keyspace-events": "AKE",
      "client-output-buffer-limit": "normal 134217728 0 0 slave 268435456 67108864 60 pubsub 33554432 0 0",
      "latency-tracking": "no",
      maxmemory: String(64 * 1024 * 1024),
    });
    // Its behaviour too: the keyspace events are on.
    const sub = await RawClient.connect(again.server.port);
    expect(await sub.call("SUBSCRIBE", "__keyevent@0__:set")).toEqual(["subscribe", "__keyevent@0__:set", 1]);
    expect(await again.c.call("SET", "k", "v")).toBe("OK");
    expect(await sub.reply()).toEqual(["message", "__keyevent@0__:set", "k"]);
    sub.close();
    // A rewrite with nothing changed at runtime leaves the file alone.
    expect(await again.c.call("CONFIG", "REWRITE")).toBe("OK");
    expect(readFileSync(path, "utf8")).toBe(text);
    // Setting a value back to what the file says changes nothing either; another value is written in place.
    expect(await again.c.call("CONFIG", "SET", "maxclients", "321", "timeout", "46")).toBe("OK");
    expect(await again.c.call("CONFIG", "REWRITE")).toBe("OK");
    expect(readFileSync(path, "utf8")).toBe(text.replace("timeout = 45", "timeout = 46"));
    again.c.close();
  });

  test("a value the file writes another way but means the same is left as written", async () => {
    const { path } = configFile('[server]\nclient_query_buffer_limit = "1GB" # one gig\nmaxclients = 1_000\n');
    const { c } = await start([path]);
    expect(await c.call("CONFIG", "SET", "client-query-buffer-limit", "1073741824", "maxclients", "1000")).toBe("OK");
    expect(await c.call("CONFIG", "REWRITE")).toBe("OK");
    expect(readFileSync(path, "utf8")).toBe('[server]\nclient_query_buffer_limit = "1GB" # one gig\nmaxclients = 1_000\n');
    expect(await c.call("CONFIG", "SET", "client-query-buffer-limit", "2gb")).toBe("OK");
    expect(await c.call("CONFIG", "REWRITE")).toBe("OK");
    expect(readFileSync(path, "utf8")).toBe('[server]\nclient_query_buffer_limit = "2GB" # one gig\nmaxclients = 1_000\n');
    c.close();
  });

  test("a symlinked config file: the file it points to is rewritten, the link stays", async () => {
    const { dir, path } = configFile();
    const link = join(dir, "link.toml");
    symlinkSync(path, link);
    const { c } = await start([link]);
    expect(await c.call("CONFIG", "SET", "maxclients", "77")).toBe("OK");
    expect(await c.call("CONFIG", "REWRITE")).toBe("OK");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(path, "utf8")).toContain("  maxclients = 77 # keep low\n");
    c.close();
  });

  test("the file's mode is kept", async () => {
    const { path } = configFile();
    chmodSync(path, 0o640);
    const { c } = await start([path]);
    expect(await c.call("CONFIG", "SET", "maxclients", "78")).toBe("OK");
    expect(await c.call("CONFIG", "REWRITE")).toBe("OK");
    expect(statSync(path).mode & 0o777).toBe(0o640);
    c.close();
  });
});

describe("CONFIG REWRITE errors", () => {
  test("without a config file: Redis's error, byte for byte", async () => {
    const redis = await startRedis();
    try {
      const { server } = await start([]);
      const script = [["CONFIG", "REWRITE"], ["CONFIG", "REWRITE", "x"]];
      expect(await exchangeResp(server.port, script)).toBe(await exchangeResp(redis.port, script));
      expect(await exchangeResp(server.port, script)).toStartWith("-ERR The server is running without a config file\r\n");
    } finally {
      await redis.stop();
    }
  });

  test("a file removed since start-up is written anew; a missing directory, a directory in its place and an inline table are errors", async () => {
    const { dir, path } = configFile();
    const { c } = await start([path]);
    expect(await c.call("CONFIG", "SET", "maxclients", "55")).toBe("OK");
    unlinkSync(path);
    expect(await c.call("CONFIG", "REWRITE")).toBe("OK");
    expect(readFileSync(path, "utf8")).toBe("[server]\nmaxclients = 55\n");

    unlinkSync(path);
    mkdirSync(path);
    expect(await c.call("CONFIG", "REWRITE")).toEqual({ error: "ERR Rewriting config file: Is a directory" });
    rmSync(path, { recursive: true });

    renameSync(dir, `${dir}.moved`);
    try {
      expect(await c.call("CONFIG", "REWRITE")).toEqual({ error: "ERR Rewriting config file: No such file or directory" });
    } finally {
      renameSync(`${dir}.moved`, dir);
    }

    writeFileSync(path, "server = { timeout = 0 }\n");
    expect(await c.call("CONFIG", "REWRITE")).toEqual({
      error: "ERR Rewriting config file: [server] is written as an inline table (server = { ... }); write it as a [server] table to let CONFIG REWRITE add maxclients",
    });
    expect(readFileSync(path, "utf8")).toBe("server = { timeout = 0 }\n");
    expect(readdirSync(dir)).toEqual(["crucible.toml"]);
    expect(await c.call("PING")).toBe("PONG");
    c.close();
  });
});
