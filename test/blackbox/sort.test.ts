// SORT and SORT_RO, compared byte for byte with a real redis-server 7.0 run by the test, in
// RESP2 and RESP3: numeric and ALPHA order, LIMIT windows, BY and GET patterns over strings
// and hash fields, BY nosort, STORE, errors, keyspace events, and seeded random scripts.
// Scripts avoid what Redis leaves to its unstable qsort (ALPHA BY values that tie).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RawClient } from "../helpers/raw.ts";
import { exchangeResp, prng, type RedisServer, respFrame, splitReplies, startRedis } from "../helpers/redis.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
let redis: RedisServer;

beforeAll(async () => {
  [server, redis] = await Promise.all([startServer(), startRedis()]);
});

afterAll(async () => {
  await Promise.all([server?.stop(), redis?.stop()]);
});

type Cmd = string[];

/** The script's replies from both servers, each after a FLUSHALL, compared one by one. */
async function same(cmds: Cmd[], hello3 = false): Promise<void> {
  const script = [["FLUSHALL"], ...cmds];
  const [ours, theirs] = await Promise.all([
    exchangeResp(server.port, script, { hello3 }),
    exchangeResp(redis.port, script, { hello3 }),
  ]);
  const a = splitReplies(ours);
  const b = splitReplies(theirs);
  expect(a.length).toBe(script.length);
  for (let i = 0; i < script.length; i++) expect({ cmd: script[i], reply: a[i] }).toEqual({ cmd: script[i], reply: b[i] });
}

describe("SORT", () => {
  test("numbers, DESC, and equal values ordered by their bytes", async () => {
    await same([
      ["RPUSH", "l", "3", "1", "2", "10", "-1.5", "1e1", "0x10", "2", "+inf", "-inf", "01"],
      ["SORT", "l"], ["SORT", "l", "DESC"], ["SORT", "l", "ASC"], ["SORT", "l", "DESC", "ASC"],
    ]);
  });

  test("what strtod reads: leading space, an empty string as 0, hex; NaN and trailing bytes are errors", async () => {
    await same([
      ["RPUSH", "e", "", " 5", "\t7", "0x10", "1e1", "-0"], ["SORT", "e"],
      ["RPUSH", "bad1", "1", "two"], ["SORT", "bad1"], ["RPUSH", "bad2", "nan"], ["SORT", "bad2"],
      ["RPUSH", "bad3", "  "], ["SORT", "bad3"], ["RPUSH", "bad4", "5 "], ["SORT", "bad4"], ["RPUSH", "bad5", "1e400"], ["SORT", "bad5"],
      ["SORT", "bad1", "ALPHA"],
    ]);
  });

  test("ALPHA: byte order, binary elements", async () => {
    await same([
      ["RPUSH", "a", "banana", "Apple", "apple", "cherry", "b", "ä", "10", "9", ""], ["SORT", "a", "ALPHA"], ["SORT", "a", "ALPHA", "DESC"],
    ]);
  });

  test("LIMIT windows: negative offset, negative count, past the end", async () => {
    const cmds: Cmd[] = [["RPUSH", "l", "5", "4", "3", "2", "1"]];
    for (const [off, count] of [["0", "2"], ["1", "3"], ["-5", "2"], ["3", "-1"], ["4", "10"], ["5", "1"], ["10", "1"], ["0", "0"], ["2", "-7"]]) {
      cmds.push(["SORT", "l", "LIMIT", off, count], ["SORT", "l", "LIMIT", off, count, "DESC"], ["SORT", "l", "BY", "nosort", "LIMIT", off, count, "DESC"]);
    }
    cmds.push(["SORT", "missing", "LIMIT", "0", "1"]);
    await same(cmds);
  });

  test("BY nosort keeps a list's and a sorted set's order, DESC reversing it", async () => {
    await same([
      ["RPUSH", "l", "c", "a", "b"], ["SORT", "l", "BY", "nosort"], ["SORT", "l", "BY", "nosort", "DESC"],
      ["ZADD", "z", "3", "x", "1", "y", "2", "w", "4", "v"], ["SORT", "z", "BY", "nosort"], ["SORT", "z", "BY", "nosort", "DESC"],
      ["SORT", "z", "BY", "nosort", "LIMIT", "1", "2"], ["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2"], ["SORT", "z", "ALPHA"],
      ["SADD", "ints", "5", "3", "9", "1"], ["SORT", "ints", "BY", "nosort"], ["SORT", "ints"], ["SORT", "ints", "DESC", "LIMIT", "0", "2"],
    ]);
  });

  test("BY a string key or a hash field; a missing one sorts as 0", async () => {
    await same([
      ["RPUSH", "ids", "1", "2", "3", "4"],
      ["MSET", "w_1", "40", "w_2", "10", "w_3", "30"], ["SORT", "ids", "BY", "w_*"], ["SORT", "ids", "BY", "w_*", "DESC"],
      ["HSET", "h_1", "f", "b"], ["HSET", "h_2", "f", "d"], ["HSET", "h_3", "f", "a"], ["HSET", "h_4", "f", "c"],
      ["SORT", "ids", "BY", "h_*->f", "ALPHA"], ["SORT", "ids", "BY", "h_*->f", "ALPHA", "DESC", "LIMIT", "1", "2"],
      ["SORT", "ids", "BY", "h_*->f"], ["SET", "w_4", "x"], ["SORT", "ids", "BY", "w_*"],
      ["SORT", "ids", "BY", "pre_*_post"], ["SORT", "ids", "BY", "h_*->nofield"],
    ]);
  });

  test("GET: the element (#), string keys, hash fields; what is missing or of another type is nil", async () => {
    const script: Cmd[] = [
      ["RPUSH", "ids", "3", "1", "2"], ["SET", "w_3", "x"], ["HSET", "h_1", "f", "y"], ["RPUSH", "w_2", "list"], ["SET", "h_2", "str"],
      ["SORT", "ids", "GET", "#", "GET", "w_*", "GET", "h_*->f", "GET", "w_", "GET", "h_*->", "GET", "*"],
      ["SORT", "ids", "BY", "nosort", "GET", "w_*", "LIMIT", "0", "2"], ["SORT", "ids", "GET", "#", "GET", "#"],
    ];
    await same(script);
    await same(script, true);
  });

  test("STORE writes a list, replacing any value and its TTL; an empty result deletes", async () => {
    await same([
      ["RPUSH", "l", "3", "1", "2"], ["SET", "d", "old"], ["EXPIRE", "d", "100"], ["SORT", "l", "STORE", "d"], ["TYPE", "d"], ["TTL", "d"],
      ["LRANGE", "d", "0", "-1"], ["SORT", "l", "DESC", "GET", "#", "GET", "w_*", "STORE", "d"], ["LRANGE", "d", "0", "-1"],
      ["SORT", "l", "STORE", "l"], ["LRANGE", "l", "0", "-1"], ["SORT", "missing", "STORE", "d"], ["EXISTS", "d"],
      ["SORT", "l", "STORE", "a", "STORE", "b"], ["EXISTS", "a", "b"],
      ["SADD", "s", "b", "a", "c"], ["SORT", "s", "BY", "nosort", "STORE", "d"], ["LRANGE", "d", "0", "-1"],
    ]);
  });

  test("SORT_RO sorts like SORT and has no STORE", async () => {
    await same([
      ["RPUSH", "l", "3", "1", "2"], ["HSET", "h_1", "f", "9"], ["SORT_RO", "l", "DESC", "LIMIT", "0", "2"], ["SORT_RO", "l", "BY", "h_*->f", "GET", "h_*->f"],
      ["SORT_RO", "l", "STORE", "d"], ["EXISTS", "d"],
    ]);
  });

  test("errors: syntax, LIMIT numbers, wrong type, arity; checked in Redis's order", async () => {
    await same([
      ["RPUSH", "l", "1"], ["SET", "str", "x"], ["HSET", "hash", "f", "v"],
      ["SORT", "l", "foo"], ["SORT", "l", "LIMIT", "1"], ["SORT", "l", "LIMIT", "x", "1"], ["SORT", "l", "LIMIT", "1", "1.5"],
      ["SORT", "l", "BY"], ["SORT", "l", "GET"], ["SORT", "l", "STORE"], ["SORT", "str"], ["SORT", "hash"], ["SORT", "str", "foo"],
      ["SORT_RO", "str"], ["SORT"], ["SORT_RO"], ["LRANGE", "l", "0", "-1"],
    ]);
  });

  test("COMMAND INFO, GETKEYS and DOCS", async () => {
    const script: Cmd[] = [
      ["COMMAND", "GETKEYS", "SORT", "a", "BY", "b", "STORE", "c"], ["COMMAND", "GETKEYS", "SORT", "a", "STORE", "b", "STORE", "c"],
      ["COMMAND", "GETKEYS", "SORT", "a", "LIMIT", "0", "1", "GET", "store"], ["COMMAND", "GETKEYS", "SORT_RO", "a", "GET", "b"],
    ];
    await same(script);
    // The first seven COMMAND INFO fields: name, arity, flags, key positions, ACL categories.
    const info = [["COMMAND", "INFO", "sort"], ["COMMAND", "INFO", "sort_ro"]];
    const [a, b] = await Promise.all([exchangeResp(server.port, info), exchangeResp(redis.port, info)]);
    const head = (reply: string) => reply.split("\r\n").slice(0, 30).join("\n").replace(/\n\*0\n\*\d+\n[\s\S]*$/, "");
    const ours = splitReplies(a).map(head);
    const theirs = splitReplies(b).map(head);
    expect(ours).toEqual(theirs);
  });
});

describe("SORT around the keyspace", () => {
  /** Keyspace events seen by a subscriber while `cmds` run on another connection. */
  async function events(port: number, cmds: Cmd[]): Promise<string> {
    const sub = await RawClient.connect(port);
    try {
      await exchangeResp(port, [["FLUSHALL"], ["CONFIG", "SET", "notify-keyspace-events", "KEA"]]);
      sub.write(respFrame(["PSUBSCRIBE", "__key*__:*"]));
      let got = "";
      while (!got.includes("psubscribe")) got += Buffer.from(await sub.readSome(2000)).toString("latin1");
      await exchangeResp(port, [...cmds, ["PUBLISH", "__keyspace@0__:end", "end"]]);
      while (!got.includes("__keyspace@0__:end")) got += Buffer.from(await sub.readSome(2000)).toString("latin1");
      return got;
    } finally {
      sub.close();
      await exchangeResp(port, [["CONFIG", "SET", "notify-keyspace-events", ""]]);
    }
  }

  test("STORE announces sortstore, or del when the result is empty", async () => {
    const cmds: Cmd[] = [["RPUSH", "l", "2", "1"], ["SORT", "l", "STORE", "d"], ["SORT", "missing", "STORE", "d"], ["SORT", "missing", "STORE", "d"]];
    const [ours, theirs] = await Promise.all([events(server.port, cmds), events(redis.port, cmds)]);
    expect(ours).toContain("sortstore");
    expect(ours).toBe(theirs);
  });

  test("a STORE to a watched key fails the watcher's EXEC", async () => {
    const c = await RawClient.connect(server.port);
    try {
      await exchangeResp(server.port, [["DEL", "wd"], ["RPUSH", "wl", "1"]]);
      c.write(Buffer.concat([respFrame(["WATCH", "wd"]), respFrame(["MULTI"]), respFrame(["PING"])]));
      let got = "";
      while (!got.endsWith("+QUEUED\r\n")) got += Buffer.from(await c.readSome(2000)).toString("latin1");
      await exchangeResp(server.port, [["SORT", "wl", "STORE", "wd"]]);
      c.write(respFrame(["EXEC"]));
      got = "";
      while (!got.endsWith("\r\n")) got += Buffer.from(await c.readSome(2000)).toString("latin1");
      expect(got).toBe("*-1\r\n");
    } finally {
      c.close();
    }
  });
});

describe("randomized against redis-server", () => {
  function script(seed: number, n: number): Cmd[] {
    const rand = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const ints = () => String(Math.floor(rand() * 40) - 10);
    const words = () => pick(["a", "b", "c", "aa", "ab", "ba", "z", "A", "Z", "_"]);
    const cmds: Cmd[] = [];
    // Unique weights, so ALPHA BY never ties (Redis's qsort leaves ties unordered).
    const weights = Array.from({ length: 60 }, (_, i) => String(i)).sort(() => rand() - 0.5);
    for (let i = 0; i < 40; i++) cmds.push(["SET", `w_${i - 10}`, weights[i]], ["HSET", `h_${i - 10}`, "f", `v${weights[i]}`]);
    ["a", "b", "c", "aa", "ab", "ba", "z", "A", "Z", "_"].forEach((w, i) => cmds.push(["SET", `w_${w}`, weights[40 + i]]));
    for (let i = 0; i < n; i++) {
      const r = rand();
      const key = pick(["l1", "l2", "s1", "z1", "nums"]);
      if (r < 0.3) {
        const vals = Array.from({ length: 1 + Math.floor(rand() * 4) }, key === "nums" || rand() < 0.5 ? ints : words);
        if (key.startsWith("l") || key === "nums") cmds.push([rand() < 0.5 ? "RPUSH" : "LPUSH", key, ...vals]);
        else if (key === "s1") cmds.push(["SADD", key, ...vals]);
        else cmds.push(["ZADD", key, ...vals.flatMap((v) => [String(Math.floor(rand() * 10)), v])]);
      } else if (r < 0.35) {
        cmds.push(["DEL", key]);
      } else {
        const cmd = [rand() < 0.7 ? "SORT" : "SORT_RO", key];
        const by = rand();
        const numeric = key === "nums" || rand() < 0.3;
        if (by < 0.2) cmd.push("BY", "w_*");
        else if (by < 0.3 && key !== "s1") cmd.push("BY", "nosort");
        if (!numeric || by < 0.2) cmd.push(...(rand() < 0.8 || !cmd.includes("w_*") ? ["ALPHA"] : []));
        if (rand() < 0.4) cmd.push("LIMIT", String(Math.floor(rand() * 6) - 1), String(Math.floor(rand() * 6) - 1));
        if (rand() < 0.4) cmd.push("DESC");
        if (rand() < 0.3) cmd.push("GET", "#", "GET", pick(["w_*", "h_*->f", "nokey_*"]));
        if (cmd[0] === "SORT" && rand() < 0.2) cmd.push("STORE", "dst");
        cmds.push(cmd);
        if (cmd.includes("STORE")) cmds.push(["LRANGE", "dst", "0", "-1"]);
      }
    }
    return cmds;
  }

  test("seed 1", async () => {
    await same(script(1, 300));
  });

  test("seed 2, RESP3", async () => {
    await same(script(2, 300), true);
  });
});
