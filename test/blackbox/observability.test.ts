// The operator's view of executed commands: INFO's sections (default, all, everything,
// several at once) with commandstats, errorstats and latencystats; SLOWLOG; the latency
// monitor (LATENCY); MONITOR; CONFIG RESETSTAT. Shapes and errors are compared with a real
// redis-server 7.0; the numbers are checked against what the test did.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RawClient } from "../helpers/raw.ts";
import { exchangeResp, type RedisServer, respFrame, splitReplies, startRedis } from "../helpers/redis.ts";
import { redisCli, startServer, type TestServer } from "../helpers/server.ts";

let ours: TestServer;
let theirs: RedisServer;
beforeAll(async () => {
  [ours, theirs] = await Promise.all([startServer({ set: ["server.slowlog_log_slower_than=-1"] }), startRedis(["--enable-debug-command", "yes"])]);
});
afterAll(async () => {
  await theirs?.stop();
  expect(await ours?.stop()).toBe(0);
});

async function cli(...args: string[]): Promise<string> {
  return (await redisCli(ours.port, args)).stdout;
}

/** INFO's fields as a map (section headers dropped). */
function fields(info: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of info.split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0 && !line.startsWith("#")) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

function headers(info: string): string[] {
  return info.split(/\r?\n/).filter((l) => l.startsWith("# "));
}

async function both(script: string[][]): Promise<[string[], string[]]> {
  const [a, b] = await Promise.all([exchangeResp(ours.port, script), exchangeResp(theirs.port, script)]);
  return [splitReplies(a), splitReplies(b)];
}

describe("INFO sections", () => {
  test("default, all, everything and named sections come in Redis's order (plus Crucible's own)", async () => {
    for (const args of [[], ["default"], ["all"], ["everything"], ["server", "keyspace", "CLIENTS"], ["commandstats"], ["nosuch"]]) {
      const mine = headers(await cli("INFO", ...args));
      const ref = headers((await redisCli(theirs.port, ["INFO", ...args])).stdout);
      const all = args[0] === "all" || args[0] === "everything";
      expect({ args, sections: mine }).toEqual({ args, sections: all ? [...ref, "# Crucible"] : ref });
    }
    expect(headers(await cli("INFO", "crucible"))).toEqual(["# Crucible"]);
  });

  test("every field Redis 7.0 prints in server, clients, stats, replication, cpu and cluster that applies is there", async () => {
    const mine = fields(await cli("INFO", "everything"));
    const skip = /^(redis_build_id|atomicvar_api|gcc_version|mem_|allocator_|used_memory_(lua|vm|scripts|functions)|number_of_|total_net_repl|instantaneous_.*repl|expired_stale|expired_time_cap|expire_cycle|total_eviction|current_eviction|migrate|slave_expires|active_defrag|total_active_defrag|current_active_defrag|tracking_total_(items|prefixes)|unexpected_error|dump_payload|total_reads|total_writes|io_threaded|reply_buffer|rss_overhead|current_(cow|fork|save)|rdb_|aof_|module_fork|lazyfreed|used_cpu_.*children|used_memory_.*perc|client_recent|cluster_connections|used_memory_scripts)/;
    for (const name of fields((await redisCli(theirs.port, ["INFO", "everything"])).stdout).keys()) {
      if (skip.test(name) || /^(cmdstat|errorstat|latency_percentiles|db\d)/.test(name)) continue;
      expect({ name, present: mine.has(name) }).toEqual({ name, present: true });
    }
  });

  test("commandstats count calls, rejected calls (arity, -OOM) and failed calls (an error reply)", async () => {
    await cli("CONFIG", "RESETSTAT");
    await cli("SET", "cs:s", "v");
    await cli("GET", "cs:s");
    await cli("GET", "cs:s");
    await cli("LPUSH", "cs:s", "x");
    await cli("GET");
    await cli("CLIENT", "ID");
    const info = fields(await cli("INFO", "commandstats"));
    expect(info.get("cmdstat_get")).toMatch(/^calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=1,failed_calls=0$/);
    expect(info.get("cmdstat_lpush")).toMatch(/^calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=1$/);
    expect(info.get("cmdstat_client|id")).toMatch(/^calls=1,/);
    expect(info.has("cmdstat_hset")).toBe(false);
    const stats = fields(await cli("INFO", "stats"));
    // RESETSTAT (counted once it is done), SET, GET twice, LPUSH, CLIENT ID, INFO: the
    // refused GET does not count, nor does this INFO, counted after it replies.
    expect(Number(stats.get("total_commands_processed"))).toBe(7);
  });

  test("EXEC runs its commands through the statistics; queued commands count once, when run", async () => {
    await cli("CONFIG", "RESETSTAT");
    const r = await exchangeResp(ours.port, [["MULTI"], ["SET", "cs:m", "1"], ["INCR", "cs:m"], ["HSET", "cs:m", "f", "v"], ["EXEC"]]);
    expect(splitReplies(r).at(-1)).toBe("*3\r\n+OK\r\n:2\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    const info = fields(await cli("INFO", "commandstats"));
    expect(info.get("cmdstat_incr")).toMatch(/^calls=1,.*failed_calls=0$/);
    expect(info.get("cmdstat_hset")).toMatch(/^calls=1,.*failed_calls=1$/);
    expect(info.get("cmdstat_exec")).toMatch(/^calls=1,.*failed_calls=0$/);
    expect(info.get("cmdstat_multi")).toMatch(/^calls=1,/);
  });

  test("errorstats count every error reply by its code, as Redis does", async () => {
    const script = [["CONFIG", "RESETSTAT"], ["NOSUCHCOMMAND"], ["SET", "es", "v"], ["LPUSH", "es", "x"], ["GET"], ["INCR", "es"], ["INFO", "errorstats"]];
    const [a, b] = await both(script);
    expect(a.at(-1)).toBe(b.at(-1));
    expect(a.at(-1)).toContain("errorstat_WRONGTYPE:count=1");
    const stats = fields(await cli("INFO", "stats"));
    expect(stats.get("total_error_replies")).toBe("4");
  });

  test("latencystats: percentiles per command, as latency-tracking-info-percentiles asks", async () => {
    await cli("CONFIG", "RESETSTAT");
    for (let i = 0; i < 20; i++) await cli("SET", `ls:${i}`, "v");
    let info = fields(await cli("INFO", "latencystats"));
    expect(info.get("latency_percentiles_usec_set")).toMatch(/^p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}$/);
    const [p50, p99] = info.get("latency_percentiles_usec_set")!.split(",").map((x) => Number(x.split("=")[1]));
    expect(p50).toBeLessThanOrEqual(p99);
    await cli("CONFIG", "SET", "latency-tracking-info-percentiles", "25 99.99");
    expect(await cli("CONFIG", "GET", "latency-tracking-info-percentiles")).toBe("latency-tracking-info-percentiles\n25 99.99\n");
    info = fields(await cli("INFO", "latencystats"));
    expect(info.get("latency_percentiles_usec_set")).toMatch(/^p25=\d+\.\d{3},p99\.99=\d+\.\d{3}$/);
    await cli("CONFIG", "SET", "latency-tracking", "no");
    expect((await cli("INFO", "latencystats")).trim()).toBe("# Latencystats");
    await cli("CONFIG", "SET", "latency-tracking", "yes");
    await cli("CONFIG", "SET", "latency-tracking-info-percentiles", "50 99 99.9");
  });

  test("LATENCY HISTOGRAM: calls and cumulative counts at power-of-two microseconds", async () => {
    await cli("CONFIG", "RESETSTAT");
    for (let i = 0; i < 5; i++) await cli("GET", "lh");
    const r = splitReplies(await exchangeResp(ours.port, [["LATENCY", "HISTOGRAM", "get", "nosuch", "hset"]]))[0];
    const m = /^\*2\r\n\$3\r\nget\r\n\*4\r\n\$5\r\ncalls\r\n:5\r\n\$14\r\nhistogram_usec\r\n\*(\d+)\r\n([\s\S]*)$/.exec(r);
    expect(m).not.toBeNull();
    const nums = m![2].split("\r\n").filter((l) => l.startsWith(":")).map((l) => Number(l.slice(1)));
    expect(nums.length).toBe(Number(m![1]));
    for (let i = 0; i < nums.length; i += 2) expect(Math.log2(nums[i]) % 1).toBe(0);
    expect(nums.at(-1)).toBe(5);
  });

  test("CONFIG RESETSTAT clears commandstats, errorstats and the counters", async () => {
    await cli("NOSUCH");
    await cli("CONFIG", "RESETSTAT");
    expect((await cli("INFO", "errorstats")).trim()).toBe("# Errorstats");
    const cs = fields(await cli("INFO", "commandstats"));
    expect([...cs.keys()].sort()).toEqual(["cmdstat_config|resetstat", "cmdstat_info"]);
    expect(cs.get("cmdstat_info")).toMatch(/^calls=1,/);
    expect(fields(await cli("INFO", "stats")).get("total_commands_processed")).toBe("3");
  });
});

describe("SLOWLOG", () => {
  test("records commands at or over the threshold, newest first, with Redis's entry shape", async () => {
    await cli("CONFIG", "SET", "slowlog-log-slower-than", "0");
    await cli("SLOWLOG", "RESET");
    await cli("SET", "sl:key", "value");
    await cli("CLIENT", "SETNAME", "slow-one");
    const r = splitReplies(await exchangeResp(ours.port, [["CLIENT", "SETNAME", "namer"], ["GET", "sl:key"], ["SLOWLOG", "GET", "2"]]))[2];
    expect(r).toMatch(/^\*2\r\n\*6\r\n:\d+\r\n:\d{10}\r\n:\d+\r\n\*2\r\n\$3\r\nGET\r\n\$6\r\nsl:key\r\n\$\d+\r\n127\.0\.0\.1:\d+\r\n\$5\r\nnamer\r\n\*6\r\n/);
    expect(await cli("SLOWLOG", "LEN")).toMatch(/^\d+\n$/);
    await cli("CONFIG", "SET", "slowlog-log-slower-than", "-1");
  });

  test("long arguments and many arguments are cut as Redis cuts them", async () => {
    const big = "x".repeat(200);
    const many = Array.from({ length: 40 }, (_, i) => `m${i}`);
    const script = [
      ["CONFIG", "SET", "slowlog-log-slower-than", "0"], ["SLOWLOG", "RESET"], ["SET", "sl:big", big], ["DEL", ...many],
      ["CONFIG", "SET", "slowlog-log-slower-than", "-1"], ["SLOWLOG", "GET", "3"],
    ];
    const [a, b] = await both(script);
    // Each entry's arguments array, without ids, times, durations and client ports.
    const args = (log: string) => log.replace(/\*6\r\n:\d+\r\n:\d+\r\n:\d+\r\n/g, "*6\r\n").replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:P");
    expect(args(a[5])).toBe(args(b[5]));
    expect(a[5]).toContain(`$147\r\n${"x".repeat(128)}... (72 more bytes)\r\n`);
    expect(a[5]).toContain("$23\r\n... (10 more arguments)\r\n");
  });

  test("slowlog-max-len keeps the newest; RESET empties it; errors and HELP match Redis", async () => {
    await cli("CONFIG", "SET", "slowlog-log-slower-than", "0");
    await cli("CONFIG", "SET", "slowlog-max-len", "3");
    for (let i = 0; i < 6; i++) await cli("PING");
    expect(await cli("SLOWLOG", "LEN")).toBe("3\n");
    await cli("CONFIG", "SET", "slowlog-log-slower-than", "-1");
    expect(await cli("SLOWLOG", "RESET")).toBe("OK\n");
    expect(await cli("SLOWLOG", "LEN")).toBe("0\n");
    await cli("CONFIG", "SET", "slowlog-max-len", "128");
    const [a, b] = await both([["SLOWLOG", "GET", "-2"], ["SLOWLOG", "GET", "x"], ["SLOWLOG", "GET", "1", "2"], ["SLOWLOG", "LEN", "x"], ["SLOWLOG", "NOPE"], ["SLOWLOG", "HELP"], ["SLOWLOG"]]);
    expect(a).toEqual(b);
  });

  test("passwords in AUTH and HELLO are shown as (redacted), as Redis shows them", async () => {
    const script = [
      ["CONFIG", "SET", "slowlog-log-slower-than", "0"], ["SLOWLOG", "RESET"], ["AUTH", "default", "hunter2"],
      ["HELLO", "2", "AUTH", "default", "hunter2", "SETNAME", "x"], ["CONFIG", "SET", "slowlog-log-slower-than", "-1"], ["SLOWLOG", "GET", "3"],
    ];
    const [a, b] = await both(script);
    const args = (log: string) => log.replace(/\*6\r\n:\d+\r\n:\d+\r\n:\d+\r\n/g, "*6\r\n").replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:P");
    expect(args(a[5])).toBe(args(b[5]));
    expect(a[5]).not.toContain("hunter2");
    expect(a[5]).toContain("$10\r\n(redacted)\r\n");
  });

  test("a blocking command is not logged for the time it waited", async () => {
    await cli("CONFIG", "SET", "slowlog-log-slower-than", "50000");
    await cli("SLOWLOG", "RESET");
    expect(await cli("BLPOP", "sl:never", "0.2")).toBe("\n");
    expect(await cli("SLOWLOG", "LEN")).toBe("0\n");
    await cli("CONFIG", "SET", "slowlog-log-slower-than", "-1");
  });
});

describe("LATENCY", () => {
  test("a slow command shows in LATEST, HISTORY, DOCTOR and GRAPH; RESET forgets it", async () => {
    await cli("LATENCY", "RESET");
    await cli("CONFIG", "SET", "latency-monitor-threshold", "10");
    await cli("DEBUG", "SLEEP", "0.03");
    const latest = await cli("LATENCY", "LATEST");
    const [event, time, last, max] = latest.trim().split("\n");
    expect(event).toBe("command");
    expect(Math.abs(Number(time) - Date.now() / 1000)).toBeLessThan(5);
    expect(Number(last)).toBeGreaterThanOrEqual(30);
    expect(Number(max)).toBe(Number(last));
    expect((await cli("LATENCY", "HISTORY", "command")).trim().split("\n")).toEqual([time, last]);
    expect(await cli("LATENCY", "DOCTOR")).toContain("1. command: 1 latency spikes");
    expect(await cli("LATENCY", "GRAPH", "command")).toContain(`command - high ${last} ms`);
    expect(await cli("LATENCY", "RESET")).toBe("1\n");
    expect(await cli("LATENCY", "LATEST")).toBe("\n");
    await cli("CONFIG", "SET", "latency-monitor-threshold", "0");
  });

  test("fast commands are their own event; under the threshold nothing is recorded", async () => {
    await cli("LATENCY", "RESET");
    await cli("CONFIG", "SET", "latency-monitor-threshold", "10000");
    await cli("DEBUG", "SLEEP", "0.02");
    expect(await cli("LATENCY", "LATEST")).toBe("\n");
    await cli("CONFIG", "SET", "latency-monitor-threshold", "0");
  });

  test("errors, empty answers and HELP match Redis", async () => {
    const [a, b] = await both([
      ["LATENCY", "RESET"], ["LATENCY", "GRAPH", "nosuch"], ["LATENCY", "HISTORY", "nosuch"], ["LATENCY", "LATEST"], ["LATENCY", "RESET", "a", "b"],
      ["LATENCY", "NOPE"], ["LATENCY", "HELP"], ["LATENCY", "HISTORY"], ["LATENCY", "LATEST", "x"],
    ]);
    expect(a).toEqual(b);
  });
});

describe("MONITOR", () => {
  test("streams executed commands with time, db and client, quoted as Redis quotes them; admin commands stay hidden", async () => {
    const mon = await RawClient.connect(ours.port);
    mon.write(respFrame(["MONITOR"]));
    let got = Buffer.from(await mon.readSome(2000)).toString("latin1");
    expect(got).toBe("+OK\r\n");
    await exchangeResp(ours.port, [["SELECT", "2"], ["SET", "mon key", 'q"\n\x01'], ["CONFIG", "GET", "maxmemory"], ["GET", "mon key"]]);
    const deadline = Date.now() + 3000;
    got = "";
    while (!got.includes('"GET"') && Date.now() < deadline) got += Buffer.from(await mon.readSome(3000)).toString("latin1");
    // exchangeResp ends its script with an ECHO of its own.
    const lines = got.split("\r\n").filter((l) => l !== "" && !l.includes('"ECHO"'));
    expect(lines).toHaveLength(3);
    // As Redis 7.0: fed after the command ran, so SELECT already shows its new db.
    expect(lines[0]).toMatch(/^\+\d{10}\.\d{6} \[2 127\.0\.0\.1:\d+\] "SELECT" "2"$/);
    expect(lines[1]).toMatch(/^\+\d{10}\.\d{6} \[2 127\.0\.0\.1:\d+\] "SET" "mon key" "q\\"\\n\\x01"$/);
    expect(lines[2]).toMatch(/ "GET" "mon key"$/);
    mon.close();
  });

  test("MONITOR hides passwords", async () => {
    const mon = await RawClient.connect(ours.port);
    mon.write(respFrame(["MONITOR"]));
    await mon.readSome(2000);
    await exchangeResp(ours.port, [["AUTH", "default", "hunter2"], ["HELLO", "2", "AUTH", "default", "hunter2"]]);
    let got = "";
    const deadline = Date.now() + 3000;
    while (!got.includes('"HELLO"') && Date.now() < deadline) got += Buffer.from(await mon.readSome(3000)).toString("latin1");
    expect(got).toMatch(/"AUTH" "\(redacted\)" "\(redacted\)"\r\n/);
    expect(got).toMatch(/"HELLO" "2" "AUTH" "\(redacted\)" "\(redacted\)"\r\n/);
    expect(got).not.toContain("hunter2");
    mon.close();
  });

  test("a monitor that disconnects is dropped; the server keeps serving", async () => {
    const mon = await RawClient.connect(ours.port);
    mon.write(respFrame(["MONITOR"]));
    await mon.readSome(2000);
    mon.close();
    await Bun.sleep(50);
    expect(await cli("SET", "after-monitor", "1")).toBe("OK\n");
  });
});
