// The list commands, compared byte for byte with a real redis-server 7.0: every script is
// sent pipelined to both servers and the raw replies must be identical. Lists are ordered,
// so even the randomized script is compared exactly.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { exchangeResp, prng, type RedisServer, splitReplies, startRedis } from "../helpers/redis.ts";
import { parseReply, RawClient, type RespValue } from "../helpers/raw.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
let redis: RedisServer;

beforeAll(async () => {
  [server, redis] = await Promise.all([startServer(), startRedis()]);
});

afterAll(async () => {
  await Promise.all([server?.stop(), redis?.stop()]);
});

type Script = string[][];

let scriptCounter = 0;
/** Each script gets keys no other script uses: "{a}" becomes "<prefix>a". */
function fresh(script: Script): Script {
  const prefix = `list${++scriptCounter}:`;
  return script.map((cmd) => cmd.map((arg) => arg.replace(/\{(\w+)\}/g, (_m, name: string) => prefix + name)));
}

/** Run the script on both servers; on a difference, name the first command whose reply differs. */
async function same(script: Script, opts: { hello3?: boolean } = {}): Promise<string> {
  const cmds = fresh(script);
  const [ours, theirs] = await Promise.all([exchangeResp(server.port, cmds, opts), exchangeResp(redis.port, cmds, opts)]);
  if (ours !== theirs) {
    const a = splitReplies(ours);
    const b = splitReplies(theirs);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i] !== b[i]) {
        const command = cmds[i]?.map((x) => JSON.stringify(x)).join(" ");
        expect({ command, reply: a[i] }).toEqual({ command, reply: b[i] });
      }
    }
  }
  expect(ours).toBe(theirs);
  return ours;
}

/** Both protocols: RESP2, then the same script under HELLO 3. */
async function sameBoth(script: Script): Promise<void> {
  await same(script);
  await same(script, { hello3: true });
}

const MAX = "9223372036854775807";
const MIN = "-9223372036854775808";
const OVER = "9223372036854775808";

describe("push", () => {
  test("LPUSH and RPUSH with one and many elements", async () => {
    await same([
      ["LPUSH", "{l}", "a"], ["LPUSH", "{l}", "b", "c", "d"], ["RPUSH", "{l}", "x", "y"], ["LRANGE", "{l}", "0", "-1"],
      ["RPUSH", "{r}", "1", "2", "3"], ["LRANGE", "{r}", "0", "-1"], ["LLEN", "{r}"], ["TYPE", "{r}"],
      ["OBJECT", "ENCODING", "{r}"], ["LPUSH", "{r}", ""], ["LINDEX", "{r}", "0"], ["STRLEN", "{r}"],
    ]);
  });

  test("LPUSHX and RPUSHX only push onto an existing list", async () => {
    await same([
      ["LPUSHX", "{l}", "a"], ["RPUSHX", "{l}", "a", "b"], ["EXISTS", "{l}"],
      ["RPUSH", "{l}", "m"], ["LPUSHX", "{l}", "a", "b"], ["RPUSHX", "{l}", "y", "z"], ["LRANGE", "{l}", "0", "-1"],
      ["SET", "{s}", "v"], ["LPUSHX", "{s}", "a"], ["RPUSHX", "{s}", "a"],
    ]);
  });

  test("wrong type and wrong arity", async () => {
    await same([
      ["SET", "{s}", "v"], ["LPUSH", "{s}", "a"], ["RPUSH", "{s}", "a", "b"], ["GET", "{s}"],
      ["LPUSH", "{l}"], ["RPUSH", "{l}"], ["LPUSHX", "{l}"], ["RPUSHX"], ["EXISTS", "{l}"],
      ["RPUSH", "{l}", "a"], ["GET", "{l}"], ["APPEND", "{l}", "x"], ["INCR", "{l}"],
    ]);
  });

  test("binary elements round-trip", async () => {
    const bin = "\x00\xff\r\n\x00bin\x80";
    await sameBoth([
      ["RPUSH", "{l}", bin, "\x00", "\xff\xfe", ""], ["LRANGE", "{l}", "0", "-1"], ["LPOS", "{l}", "\x00"],
      ["LINDEX", "{l}", "0"], ["LREM", "{l}", "1", "\xff\xfe"], ["LINSERT", "{l}", "AFTER", bin, "\x00\x00"],
      ["LSET", "{l}", "-1", "\xff"], ["LRANGE", "{l}", "0", "-1"], ["RPOP", "{l}", "10"],
    ]);
  });

  test("a long list", async () => {
    const many = Array.from({ length: 600 }, (_, i) => `e${i % 37}`);
    await same([
      ["RPUSH", "{l}", ...many], ["LPUSH", "{l}", ...many], ["LLEN", "{l}"], ["LRANGE", "{l}", "590", "610"],
      ["LINDEX", "{l}", "777"], ["LREM", "{l}", "-5", "e3"], ["LREM", "{l}", "7", "e4"], ["LLEN", "{l}"],
      ["LINSERT", "{l}", "BEFORE", "e36", "mid"], ["LPOS", "{l}", "e5", "RANK", "-3", "COUNT", "4"],
      ["LTRIM", "{l}", "100", "-100"], ["LLEN", "{l}"], ["LRANGE", "{l}", "0", "20"], ["LPOP", "{l}", "300"],
      ["RPOP", "{l}", "300"], ["LLEN", "{l}"], ["LRANGE", "{l}", "0", "-1"], ["LREM", "{l}", "0", "e5"], ["EXISTS", "{l}"],
    ]);
  });
});

describe("pop", () => {
  test("LPOP and RPOP, with and without a count", async () => {
    await sameBoth([
      ["RPUSH", "{l}", "a", "b", "c", "d", "e", "f"], ["LPOP", "{l}"], ["RPOP", "{l}"], ["LPOP", "{l}", "1"],
      ["RPOP", "{l}", "2"], ["LPOP", "{l}", "0"], ["RPOP", "{l}", "0"], ["LRANGE", "{l}", "0", "-1"],
      ["LPOP", "{l}", "10"], ["EXISTS", "{l}"], ["LPOP", "{l}"], ["RPOP", "{l}"], ["LPOP", "{l}", "1"],
      ["RPOP", "{l}", "0"], ["RPUSH", "{l}", "x", "y"], ["RPOP", "{l}", MAX], ["EXISTS", "{l}"],
    ]);
  });

  test("count errors and arity", async () => {
    await sameBoth([
      ["RPUSH", "{l}", "a"], ["LPOP", "{l}", "-1"], ["RPOP", "{l}", "abc"], ["LPOP", "{l}", OVER], ["LPOP", "{l}", MIN],
      ["LPOP", "{l}", "1.5"], ["LPOP", "{l}", " 1"], ["LPOP", "{l}", "1", "2"], ["RPOP", "{l}", "1", "2", "3"],
      ["LPOP"], ["RPOP", "{missing}", "-1"], ["LRANGE", "{l}", "0", "-1"],
    ]);
  });

  test("wrong type", async () => {
    await sameBoth([
      ["SET", "{s}", "v"], ["LPOP", "{s}"], ["RPOP", "{s}", "0"], ["RPOP", "{s}", "2"], ["LPOP", "{s}", "-2"], ["GET", "{s}"],
    ]);
  });
});

describe("LMPOP", () => {
  test("pops from the first non-empty list", async () => {
    await sameBoth([
      ["RPUSH", "{b}", "1", "2", "3"], ["RPUSH", "{c}", "x"],
      ["LMPOP", "3", "{a}", "{b}", "{c}", "LEFT"], ["LMPOP", "3", "{a}", "{b}", "{c}", "right", "COUNT", "1"],
      ["LMPOP", "2", "{b}", "{c}", "LEFT", "count", "10"], ["EXISTS", "{b}"], ["LMPOP", "1", "{c}", "RIGHT", "COUNT", MAX],
      ["LMPOP", "2", "{a}", "{c}", "LEFT"], ["LMPOP", "1", "{a}", "RIGHT", "COUNT", "3"],
      ["RPUSH", "{a}", "p", "q"], ["LMPOP", "2", "{a}", "{a}", "LEFT", "COUNT", "5"], ["EXISTS", "{a}"],
    ]);
  });

  test("argument errors", async () => {
    await sameBoth([
      ["RPUSH", "{a}", "1"], ["SET", "{s}", "v"],
      ["LMPOP", "0", "{a}", "LEFT"], ["LMPOP", "-1", "{a}", "LEFT"], ["LMPOP", "x", "{a}", "LEFT"],
      ["LMPOP", MAX, "{a}", "LEFT"], ["LMPOP", OVER, "{a}", "LEFT"], ["LMPOP", "2", "{a}", "LEFT"], ["LMPOP", "3", "{a}", "LEFT"],
      ["LMPOP", "1", "{a}", "MIDDLE"], ["LMPOP", "1", "{a}", "LEFT", "COUNT"], ["LMPOP", "1", "{a}", "LEFT", "COUNT", "0"],
      ["LMPOP", "1", "{a}", "LEFT", "COUNT", "-1"], ["LMPOP", "1", "{a}", "LEFT", "COUNT", "x"],
      ["LMPOP", "1", "{a}", "LEFT", "COUNT", "1", "COUNT", "1"], ["LMPOP", "1", "{a}", "LEFT", "extra"],
      ["LMPOP", "1", "{a}", "LEFT", "COUNT", OVER], ["LMPOP", "1", "{a}"], ["LMPOP", "1"],
      ["LMPOP", "1", "{s}", "LEFT"], ["LMPOP", "2", "{none}", "{s}", "LEFT"], ["LMPOP", "2", "{a}", "{s}", "LEFT"],
      ["LRANGE", "{a}", "0", "-1"],
    ]);
  });
});

describe("read", () => {
  test("LLEN and LINDEX", async () => {
    await sameBoth([
      ["LLEN", "{l}"], ["LINDEX", "{l}", "0"], ["LINDEX", "{l}", "abc"], ["RPUSH", "{l}", "a", "b", "c"], ["LLEN", "{l}"],
      ["LINDEX", "{l}", "0"], ["LINDEX", "{l}", "2"], ["LINDEX", "{l}", "3"], ["LINDEX", "{l}", "-1"], ["LINDEX", "{l}", "-3"],
      ["LINDEX", "{l}", "-4"], ["LINDEX", "{l}", MAX], ["LINDEX", "{l}", MIN], ["LINDEX", "{l}", OVER], ["LINDEX", "{l}", "1x"],
      ["SET", "{s}", "v"], ["LLEN", "{s}"], ["LINDEX", "{s}", "0"], ["LINDEX", "{s}", "x"], ["LLEN"], ["LINDEX", "{l}"],
    ]);
  });

  test("LRANGE index arithmetic", async () => {
    const ranges = [
      ["0", "-1"], ["0", "0"], ["1", "3"], ["-3", "-1"], ["-100", "100"], ["5", "2"], ["10", "20"], ["-1", "-3"],
      ["2", "-3"], ["-7", "0"], [MIN, MAX], [MAX, MAX], [MIN, MIN], ["0", MIN], ["4", "4"], ["5", "5"],
    ];
    await sameBoth([
      ["RPUSH", "{l}", "a", "b", "c", "d", "e"],
      ...ranges.map(([s, e]) => ["LRANGE", "{l}", s, e]),
      ["LRANGE", "{l}", OVER, "1"], ["LRANGE", "{l}", "0", "x"], ["LRANGE", "{missing}", "0", "-1"], ["LRANGE", "{missing}", "x", "0"],
      ["SET", "{s}", "v"], ["LRANGE", "{s}", "0", "-1"], ["LRANGE", "{s}", "x", "-1"], ["LRANGE", "{l}", "0"],
    ]);
  });
});

describe("LSET and LINSERT", () => {
  test("LSET", async () => {
    await same([
      ["LSET", "{l}", "0", "x"], ["LSET", "{l}", "x", "x"], ["RPUSH", "{l}", "a", "b", "c"], ["LSET", "{l}", "0", "A"],
      ["LSET", "{l}", "-1", "C"], ["LSET", "{l}", "1", "a much longer element than before"], ["LSET", "{l}", "3", "x"],
      ["LSET", "{l}", "-4", "x"], ["LSET", "{l}", "x", "x"], ["LSET", "{l}", MAX, "x"], ["LSET", "{l}", OVER, "x"],
      ["LRANGE", "{l}", "0", "-1"], ["SET", "{s}", "v"], ["LSET", "{s}", "0", "x"], ["LSET", "{s}", "x", "x"], ["LSET", "{l}", "0"],
    ]);
  });

  test("LINSERT", async () => {
    await same([
      ["LINSERT", "{l}", "BEFORE", "a", "x"], ["LINSERT", "{l}", "middle", "a", "x"], ["EXISTS", "{l}"],
      ["RPUSH", "{l}", "a", "b", "a", "c"], ["LINSERT", "{l}", "BEFORE", "a", "x"], ["LINSERT", "{l}", "after", "a", "y"],
      ["LINSERT", "{l}", "AfTeR", "c", "z"], ["LINSERT", "{l}", "before", "nope", "q"], ["LINSERT", "{l}", "over", "a", "q"],
      ["LINSERT", "{l}", "BEFORE", "x", "w"], ["LRANGE", "{l}", "0", "-1"],
      ["SET", "{s}", "v"], ["LINSERT", "{s}", "BEFORE", "a", "x"], ["LINSERT", "{s}", "bad", "a", "x"], ["LINSERT", "{l}", "BEFORE", "a"],
    ]);
  });
});

describe("LREM and LTRIM", () => {
  test("LREM counts from either end", async () => {
    await same([
      ["LREM", "{l}", "0", "a"], ["LREM", "{l}", "x", "a"], ["RPUSH", "{l}", "a", "b", "a", "c", "a", "b", "a"],
      ["LREM", "{l}", "1", "a"], ["LRANGE", "{l}", "0", "-1"], ["LREM", "{l}", "-2", "a"], ["LRANGE", "{l}", "0", "-1"],
      ["LREM", "{l}", "0", "b"], ["LRANGE", "{l}", "0", "-1"], ["LREM", "{l}", "5", "nope"], ["LREM", "{l}", MIN, "a"],
      ["LRANGE", "{l}", "0", "-1"], ["LREM", "{l}", MAX, "c"], ["EXISTS", "{l}"], ["LREM", "{l}", OVER, "c"],
      ["SET", "{s}", "v"], ["LREM", "{s}", "0", "v"], ["LREM", "{s}", "x", "v"], ["LREM", "{s}", "0"],
    ]);
  });

  test("LTRIM ranges", async () => {
    const ranges = [["1", "-2"], ["0", "-1"], ["-2", "100"], ["0", "0"]];
    await same([
      ["LTRIM", "{l}", "0", "1"], ["LTRIM", "{l}", "x", "1"], ["EXISTS", "{l}"],
      ["RPUSH", "{l}", "a", "b", "c", "d", "e", "f", "g"],
      ...ranges.flatMap(([s, e]) => [["LTRIM", "{l}", s, e], ["LRANGE", "{l}", "0", "-1"]]),
      ["RPUSH", "{m}", "a", "b", "c"], ["LTRIM", "{m}", "2", "1"], ["EXISTS", "{m}"],
      ["RPUSH", "{m}", "a", "b", "c"], ["LTRIM", "{m}", "5", "10"], ["EXISTS", "{m}"],
      ["RPUSH", "{m}", "a", "b", "c"], ["LTRIM", "{m}", MIN, MAX], ["LRANGE", "{m}", "0", "-1"], ["LTRIM", "{m}", "-1", MIN],
      ["EXISTS", "{m}"], ["SET", "{s}", "v"], ["LTRIM", "{s}", "0", "1"], ["LTRIM", "{s}", "0", OVER], ["LTRIM", "{s}", "0"],
    ]);
  });
});

describe("LPOS", () => {
  test("RANK, COUNT and MAXLEN", async () => {
    await sameBoth([
      ["RPUSH", "{l}", "a", "b", "c", "a", "b", "a", "c", "a"],
      ["LPOS", "{l}", "a"], ["LPOS", "{l}", "c"], ["LPOS", "{l}", "z"], ["LPOS", "{l}", "a", "RANK", "2"],
      ["LPOS", "{l}", "a", "RANK", "-1"], ["LPOS", "{l}", "a", "RANK", "-3"], ["LPOS", "{l}", "a", "RANK", "9"],
      ["LPOS", "{l}", "a", "COUNT", "0"], ["LPOS", "{l}", "a", "COUNT", "2"], ["LPOS", "{l}", "a", "count", "2", "rank", "-2"],
      ["LPOS", "{l}", "z", "COUNT", "0"], ["LPOS", "{l}", "a", "MAXLEN", "3"], ["LPOS", "{l}", "b", "MAXLEN", "1"],
      ["LPOS", "{l}", "a", "RANK", "2", "COUNT", "0", "MAXLEN", "6"], ["LPOS", "{l}", "a", "RANK", "-1", "MAXLEN", "2", "COUNT", "5"],
      ["LPOS", "{l}", "a", "COUNT", "1", "COUNT", "0"], ["LPOS", "{l}", "a", "RANK", MAX], ["LPOS", "{l}", "a", "RANK", MIN],
      ["LPOS", "{l}", "a", "RANK", MIN, "COUNT", "1"], ["LPOS", "{l}", "a", "RANK", "-9223372036854775807"],
      ["LPOS", "{l}", "a", "RANK", "-9223372036854775807", "COUNT", "0"], ["LPOS", "{l}", "a", "COUNT", MAX, "MAXLEN", MAX],
      ["LPOS", "{missing}", "a"], ["LPOS", "{missing}", "a", "COUNT", "1"], ["LPOS", "{missing}", "a", "RANK", "2"],
    ]);
  });

  test("errors, checked before the key is looked up", async () => {
    await sameBoth([
      ["RPUSH", "{l}", "a"], ["SET", "{s}", "v"],
      ["LPOS", "{l}", "a", "RANK", "0"], ["LPOS", "{missing}", "a", "RANK", "0"], ["LPOS", "{s}", "a", "RANK", "0"],
      ["LPOS", "{l}", "a", "RANK", "x"], ["LPOS", "{l}", "a", "RANK", OVER], ["LPOS", "{l}", "a", "COUNT", "-1"],
      ["LPOS", "{l}", "a", "COUNT", "x"], ["LPOS", "{l}", "a", "MAXLEN", "-1"], ["LPOS", "{l}", "a", "MAXLEN", "x"],
      ["LPOS", "{l}", "a", "RANK"], ["LPOS", "{l}", "a", "COUNT"], ["LPOS", "{l}", "a", "FOO", "1"], ["LPOS", "{l}", "a", "MAXLEN", "1", "x"],
      ["LPOS", "{s}", "a"], ["LPOS", "{s}", "a", "COUNT", "0"], ["LPOS", "{l}"],
    ]);
  });
});

describe("LMOVE and RPOPLPUSH", () => {
  test("every direction, between two lists", async () => {
    await sameBoth([
      ["RPUSH", "{src}", "1", "2", "3", "4", "5"], ["RPUSH", "{dst}", "x"],
      ["LMOVE", "{src}", "{dst}", "LEFT", "LEFT"], ["LMOVE", "{src}", "{dst}", "LEFT", "RIGHT"],
      ["LMOVE", "{src}", "{dst}", "right", "left"], ["LMOVE", "{src}", "{dst}", "Right", "Right"],
      ["LRANGE", "{src}", "0", "-1"], ["LRANGE", "{dst}", "0", "-1"], ["RPOPLPUSH", "{src}", "{dst}"],
      ["EXISTS", "{src}"], ["LRANGE", "{dst}", "0", "-1"], ["RPOPLPUSH", "{src}", "{dst}"], ["LMOVE", "{src}", "{dst}", "LEFT", "LEFT"],
      ["RPOPLPUSH", "{dst}", "{new}"], ["LMOVE", "{dst}", "{new2}", "LEFT", "RIGHT"], ["LRANGE", "{new}", "0", "-1"],
      ["LRANGE", "{new2}", "0", "-1"], ["LRANGE", "{dst}", "0", "-1"],
    ]);
  });

  test("source and destination the same list", async () => {
    await same([
      ["RPUSH", "{l}", "a", "b", "c"], ["RPOPLPUSH", "{l}", "{l}"], ["LRANGE", "{l}", "0", "-1"],
      ["LMOVE", "{l}", "{l}", "LEFT", "RIGHT"], ["LRANGE", "{l}", "0", "-1"], ["LMOVE", "{l}", "{l}", "LEFT", "LEFT"],
      ["LMOVE", "{l}", "{l}", "RIGHT", "RIGHT"], ["LRANGE", "{l}", "0", "-1"],
      ["RPUSH", "{one}", "only"], ["RPOPLPUSH", "{one}", "{one}"], ["LMOVE", "{one}", "{one}", "LEFT", "RIGHT"],
      ["LRANGE", "{one}", "0", "-1"], ["EXISTS", "{one}"],
    ]);
  });

  test("wrong types: the destination is checked before anything is popped", async () => {
    await sameBoth([
      ["RPUSH", "{l}", "a", "b"], ["SET", "{s}", "v"], ["RPOPLPUSH", "{l}", "{s}"], ["LMOVE", "{l}", "{s}", "LEFT", "LEFT"],
      ["LRANGE", "{l}", "0", "-1"], ["GET", "{s}"], ["RPOPLPUSH", "{s}", "{l}"], ["LMOVE", "{s}", "{l}", "RIGHT", "LEFT"],
      ["RPOPLPUSH", "{missing}", "{s}"], ["LMOVE", "{missing}", "{s}", "LEFT", "LEFT"], ["RPOPLPUSH", "{missing}", "{l}"],
      ["EXISTS", "{missing}"], ["LRANGE", "{l}", "0", "-1"],
    ]);
  });

  test("syntax errors and arity", async () => {
    await same([
      ["RPUSH", "{l}", "a"], ["SET", "{s}", "v"], ["LMOVE", "{l}", "{d}", "UP", "LEFT"], ["LMOVE", "{l}", "{d}", "LEFT", "DOWN"],
      ["LMOVE", "{s}", "{d}", "LEFT", "x"], ["LMOVE", "{missing}", "{d}", "x", "LEFT"], ["LMOVE", "{l}", "{d}", "LEFT"],
      ["RPOPLPUSH", "{l}"], ["RPOPLPUSH", "{l}", "{d}", "x"], ["LRANGE", "{l}", "0", "-1"], ["EXISTS", "{d}"],
    ]);
  });
});

describe("keyspace events", () => {
  /** The (key, event) pairs published on __keyspace@0__ for the script's keys, in order. */
  async function events(port: number, script: Script, prefix: string): Promise<string[]> {
    const sub = await RawClient.connect(port);
    try {
      await sub.call("PSUBSCRIBE", `__keyspace@0__:${prefix}*`);
      const end = `${prefix}zz-end`;
      await exchangeResp(port, [...script, ["RPUSH", end, "x"]]);
      const got: string[] = [];
      for (;;) {
        const m = (await sub.reply()) as string[];
        const key = m[2].slice("__keyspace@0__:".length);
        if (key === end) return got;
        got.push(`${key.slice(prefix.length)} ${m[3]}`);
      }
    } finally {
      sub.close();
    }
  }

  test("each command's events, in Redis's order", async () => {
    const script = fresh([
      ["LPUSH", "{a}", "1", "2"], ["RPUSH", "{a}", "3"], ["LPUSHX", "{none}", "x"], ["RPUSHX", "{a}", "4"],
      ["LINSERT", "{a}", "BEFORE", "3", "x"], ["LINSERT", "{a}", "BEFORE", "nope", "x"], ["LSET", "{a}", "0", "y"],
      ["LREM", "{a}", "0", "x"], ["LREM", "{a}", "0", "nope"], ["LTRIM", "{a}", "0", "-1"], ["LPOP", "{a}"], ["RPOP", "{a}", "1"],
      ["LMOVE", "{a}", "{b}", "LEFT", "RIGHT"], ["RPOPLPUSH", "{a}", "{b}"], ["RPOPLPUSH", "{b}", "{b}"],
      ["SET", "{s}", "v"], ["RPOPLPUSH", "{b}", "{s}"], ["LMPOP", "2", "{a}", "{b}", "LEFT", "COUNT", "9"],
      ["RPUSH", "{c}", "1", "2"], ["LTRIM", "{c}", "5", "9"], ["RPUSH", "{c}", "1"], ["LREM", "{c}", "1", "1"],
      ["RPUSH", "{c}", "1", "2"], ["LPOP", "{c}", "0"], ["RPOP", "{c}", "5"], ["RPUSH", "{c}", "1"], ["LPOP", "{c}"],
    ]);
    const prefix = script[0][1].slice(0, -1);
    const flags = (v: string) => [["CONFIG", "SET", "notify-keyspace-events", v]];
    await Promise.all([exchangeResp(server.port, flags("KA")), exchangeResp(redis.port, flags("KA"))]);
    try {
      const [ours, theirs] = await Promise.all([events(server.port, script, prefix), events(redis.port, script, prefix)]);
      expect(theirs.length).toBeGreaterThan(20);
      expect(ours).toEqual(theirs);
    } finally {
      await Promise.all([exchangeResp(server.port, flags("")), exchangeResp(redis.port, flags(""))]);
    }
  });
});

describe("introspection", () => {
  const names = ["lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "llen", "lrange", "lindex", "lset", "linsert", "lrem", "ltrim", "lpos", "lmove", "rpoplpush", "lmpop"];

  function parse(raw: string): RespValue {
    const r = parseReply(raw);
    if (!r) throw new Error(`incomplete reply ${JSON.stringify(raw.slice(0, 200))}`);
    return r.value;
  }

  test("COMMAND INFO: arity, flags, key positions and ACL categories", async () => {
    const cmds = names.map((n) => ["COMMAND", "INFO", n]);
    const [ours, theirs] = await Promise.all([exchangeResp(server.port, cmds), exchangeResp(redis.port, cmds)]);
    const a = splitReplies(ours).map(parse) as RespValue[][][];
    const b = splitReplies(theirs).map(parse) as RespValue[][][];
    for (let i = 0; i < names.length; i++) {
      const mine = a[i][0].slice(0, 7);
      const ref = b[i][0].slice(0, 7);
      expect({ name: names[i], info: mine }).toEqual({ name: names[i], info: ref });
    }
  });

  test("COMMAND DOCS: summary, since, group, complexity and arguments", async () => {
    const cmds = names.map((n) => ["COMMAND", "DOCS", n]);
    const [ours, theirs] = await Promise.all([exchangeResp(server.port, cmds), exchangeResp(redis.port, cmds)]);
    const pairs = (v: RespValue): Map<string, RespValue> => {
      const arr = v as RespValue[];
      const m = new Map<string, RespValue>();
      for (let i = 0; i < arr.length; i += 2) m.set(arr[i] as string, arr[i + 1]);
      return m;
    };
    const args = (v: RespValue | undefined): unknown =>
      ((v ?? []) as RespValue[]).map((x) => {
        const m = pairs(x);
        return {
          name: m.get("name"), type: m.get("type"), keySpec: m.get("key_spec_index"), token: m.get("token"), flags: m.get("flags"),
          arguments: args(m.get("arguments")),
        };
      });
    const a = splitReplies(ours).map(parse) as RespValue[][];
    const b = splitReplies(theirs).map(parse) as RespValue[][];
    for (let i = 0; i < names.length; i++) {
      const mine = pairs(a[i][1]);
      const ref = pairs(b[i][1]);
      const view = (m: Map<string, RespValue>) => ({
        name: names[i], summary: m.get("summary"), since: m.get("since"), group: m.get("group"),
        complexity: m.get("complexity"), arguments: args(m.get("arguments")),
      });
      expect(view(mine)).toEqual(view(ref));
    }
  });
});

function randomScript(seed: number, length: number): Script {
  const rnd = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const keys = ["{k0}", "{k1}", "{k2}", "{k3}", "{str}"];
  const listKey = () => (rnd() < 0.05 ? "{str}" : pick(keys.slice(0, 4)));
  const values = ["a", "b", "c", "d", "", "\x00", "\xff\x00", "long-element-".repeat(3)];
  const elements = () => Array.from({ length: int(1, 4) }, () => pick(values));
  const end = () => pick(["LEFT", "RIGHT", "left", "right"]);
  const script: Script = [["SET", "{str}", "string"]];
  for (let i = 0; i < length; i++) {
    const k = listKey();
    switch (int(0, 17)) {
      case 0: script.push(["LPUSH", k, ...elements()]); break;
      case 1: script.push(["RPUSH", k, ...elements()]); break;
      case 2: script.push([pick(["LPUSHX", "RPUSHX"]), k, ...elements()]); break;
      case 3: script.push(rnd() < 0.5 ? [pick(["LPOP", "RPOP"]), k] : [pick(["LPOP", "RPOP"]), k, String(int(0, 4))]); break;
      case 4: script.push(["LLEN", k]); break;
      case 5: script.push(["LINDEX", k, String(int(-6, 6))]); break;
      case 6: script.push(["LRANGE", k, String(int(-7, 7)), String(int(-7, 7))]); break;
      case 7: script.push(["LSET", k, String(int(-5, 5)), pick(values)]); break;
      case 8: script.push(["LINSERT", k, pick(["BEFORE", "AFTER"]), pick(values), pick(values)]); break;
      case 9: script.push(["LREM", k, String(int(-2, 2)), pick(values)]); break;
      case 10: script.push(["LTRIM", k, String(int(-6, 4)), String(int(-4, 6))]); break;
      case 11: {
        const opts: string[] = [];
        if (rnd() < 0.5) opts.push("RANK", String(pick([-3, -2, -1, 1, 2, 3])));
        if (rnd() < 0.5) opts.push("COUNT", String(int(0, 3)));
        if (rnd() < 0.3) opts.push("MAXLEN", String(int(0, 5)));
        script.push(["LPOS", k, pick(values), ...opts]);
        break;
      }
      case 12: script.push(["LMOVE", k, listKey(), end(), end()]); break;
      case 13: script.push(["RPOPLPUSH", k, listKey()]); break;
      case 14: {
        const n = int(1, 3);
        const ks = Array.from({ length: n }, listKey);
        script.push(["LMPOP", String(n), ...ks, end(), ...(rnd() < 0.5 ? ["COUNT", String(int(1, 4))] : [])]);
        break;
      }
      case 15: script.push(["EXISTS", k]); break;
      case 16: script.push(["RPUSH", k, ...elements(), ...elements()]); break;
      default: script.push(["LRANGE", k, "0", "-1"]);
    }
  }
  for (const k of keys) script.push(["LRANGE", k, "0", "-1"], ["EXISTS", k]);
  return script;
}

describe("randomized", () => {
  for (const seed of [1, 2, 3]) {
    test(`seed ${seed}: 400 operations over four lists`, async () => {
      await same(randomScript(seed, 400), { hello3: seed === 3 });
    });
  }
});
