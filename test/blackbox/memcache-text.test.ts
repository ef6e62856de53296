// memcache's classic text protocol, compared byte for byte with a real memcached 1.6 run by
// the test, plus what only Crucible has (the shared keyspace, Unix sockets, limits).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { exchange, type Memcached, memcachePort, startMemcached } from "../helpers/memcached.ts";
import { RawClient, resp } from "../helpers/raw.ts";
import { startServer, type TestServer, tempDir } from "../helpers/server.ts";

let server: TestServer;
let mc: Memcached;
let port: number;

beforeAll(async () => {
  [server, mc] = await Promise.all([
    startServer({ set: ["listener.1.protocol=memcache", "listener.1.address=127.0.0.1:0"] }),
    startMemcached(),
  ]);
  port = memcachePort(server);
});

afterAll(async () => {
  await Promise.all([server?.stop(), mc?.stop()]);
});

/** CAS values differ between servers: number them by first appearance. */
function normalise(text: string): string {
  const seen = new Map<string, number>();
  return text.replace(/^(VALUE \S+ \d+ \d+) (\d+)\r$/gm, (_m, head: string, cas: string) => {
    if (!seen.has(cas)) seen.set(cas, seen.size + 1);
    return `${head} cas#${seen.get(cas)}\r`;
  });
}

let keyCounter = 0;
/** Each script runs on fresh keys: {k} becomes a key no other script uses. */
function fresh(script: string): string {
  const k = `k${++keyCounter}-${Date.now()}`;
  return script.replaceAll("{k}", k);
}

async function both(script: string): Promise<[string, string]> {
  const s = fresh(script);
  const [ours, theirs] = await Promise.all([exchange(port, s), exchange(mc.port, s)]);
  return [normalise(ours), normalise(theirs)];
}

const big = "x".repeat(2 * 1024 * 1024);

// Every script is replayed against both servers and must get the same bytes back.
const scripts: [string, string][] = [
  ["set then get", "set {k} 5 0 3\r\nabc\r\nget {k}\r\n"],
  ["get of several keys, misses skipped", "set {k} 1 0 1\r\nx\r\nget {k} nope-{k} {k}\r\n"],
  ["gets returns a CAS", "set {k} 0 0 1\r\nx\r\ngets {k}\r\n"],
  ["zero-length value", "set {k} 0 0 0\r\n\r\nget {k}\r\n"],
  ["bare LF line endings", "set {k} 0 0 1\nx\r\nget {k}\n"],
  ["add on an existing key", "add {k} 0 0 1\r\na\r\nadd {k} 0 0 1\r\nb\r\nget {k}\r\n"],
  ["replace on a missing key", "replace {k} 0 0 1\r\na\r\nset {k} 0 0 1\r\na\r\nreplace {k} 7 0 1\r\nb\r\nget {k}\r\n"],
  ["append and prepend keep flags", "append {k} 0 0 1\r\nx\r\nset {k} 3 0 1\r\nb\r\nappend {k} 9 0 1\r\nc\r\nprepend {k} 9 0 1\r\na\r\nget {k}\r\n"],
  ["cas: missing, mismatched, matching", "cas {k} 0 0 1 1\r\nx\r\nset {k} 0 0 1\r\nx\r\ncas {k} 0 0 1 999999999\r\ny\r\n"],
  ["noreply suppresses replies", "set {k} 0 0 2 noreply\r\nxy\r\nadd {k} 0 0 1 noreply\r\nz\r\nget {k}\r\n"],
  ["a last token other than noreply is ignored", "set {k} 0 0 1 norepl\r\n1\r\n"],
  ["delete", "delete {k}\r\nset {k} 0 0 1\r\nx\r\ndelete {k}\r\nget {k}\r\ndelete {k} 0\r\ndelete {k} 5\r\ndelete {k} noreply\r\ndelete {k} 0 noreply\r\n"],
  ["incr and decr", "incr {k} 1\r\nset {k} 0 0 2\r\n10\r\nincr {k} 5\r\nincr {k} 18446744073709551615\r\ndecr {k} 100\r\nincr {k} x\r\nincr {k} -1\r\n"],
  ["incr on a non-numeric value", "set {k} 0 0 2\r\n-1\r\nincr {k} 1\r\nset {k} 0 0 21\r\n123456789012345678901\r\nincr {k} 1\r\nset {k} 0 0 3\r\nabc\r\ndecr {k} 1\r\n"],
  ["incr wraps at 2^64", "set {k} 0 0 20\r\n18446744073709551615\r\nincr {k} 2\r\n"],
  ["incr noreply", "set {k} 0 0 1\r\n1\r\nincr {k} 5 noreply\r\nget {k}\r\n"],
  ["touch", "touch {k} 10\r\nset {k} 0 0 1\r\nx\r\ntouch {k} 10\r\ntouch {k}\r\ntouch {k} x\r\n"],
  ["gat and gats", "gat 0\r\nset {k} 4 0 1\r\nx\r\ngat 10 {k}\r\ngats 10 {k} nope-{k}\r\ngat x {k}\r\n"],
  ["negative exptime expires at once", "set {k} 0 -1 1\r\nx\r\nget {k}\r\n"],
  ["exptime of 30 days is relative, beyond is a Unix time", "set {k} 0 2592000 1\r\nx\r\nget {k}\r\nset {k} 0 2592001 1\r\nx\r\nget {k}\r\n"],
  ["negative touch expires", "set {k} 0 0 1\r\nx\r\ntouch {k} -1\r\nget {k}\r\n"],
  ["flags up to 2^32-1", "set {k} 4294967295 0 1\r\nx\r\nget {k}\r\n"],
  ["unknown commands and empty lines", "bogus\r\n\r\nGET {k}\r\n"],
  ["get without a key", "get\r\ngets\r\n"],
  ["wrong token count for set: no data block read", "set {k} 0 0 1 2 3 4\r\nx\r\n"],
  ["cas without its unique", "cas {k} 0 0 1\r\nx\r\n"],
  ["bad numbers: the data line is read as a command", "set {k} x 0 1\r\nx\r\nset {k} 0 0 -1\r\nget {k}\r\ncas {k} 0 0 1 abc\r\nx\r\n"],
  ["key over 250 bytes in a set", `set ${"k".repeat(251)} 0 0 1\r\nx\r\nget ${"k".repeat(250)}\r\n`],
  // memcached also drops the replies of earlier commands in the same read; not copied.
  ["key over 250 bytes in a get", `get ${"k".repeat(251)}\r\n`],
  ["key over 250 bytes in a multi-get answers only the error", `set {k} 0 0 1\r\nx\r\n`],
  ["bad data chunk", "set {k} 0 0 1\r\nx\r\nset {k} 0 0 2\r\nxyz\r\nget {k}\r\nset {k} 0 0 1\r\nxy\nget {k}\r\n"],
  ["too large: swallowed, and a failed set drops the old value", `set {k} 0 0 1\r\nx\r\nset {k} 0 0 ${big.length}\r\n${big}\r\nget {k}\r\n`],
  ["too large add keeps the old value", `set {k} 0 0 1\r\nx\r\nadd {k} 0 0 ${big.length}\r\n${big}\r\nget {k}\r\n`],
  ["many keys in one get", `set {k} 0 0 1\r\nv\r\nget ${Array.from({ length: 40 }, () => "{k}").join(" ")}\r\n`],
  ["verbosity", "verbosity 1\r\nverbosity\r\nverbosity 1 noreply\r\nverbosity x\r\nverbosity noreply\r\nverbosity foo bar my\r\nverbosity 0\r\n"],
  ["flush_all arguments", "flush_all x\r\nflush_all 0 x y\r\n"],
  ["stats errors", "stats nosuch\r\nstats reset\r\n"],
  ["quit closes", "set {k} 0 0 1\r\nx\r\nquit\r\nget {k}\r\n"],
  ["a long line with its newline is an error", `${"a".repeat(3000)}\r\n`],
];

describe("memcache text protocol matches memcached", () => {
  for (const [name, script] of scripts) {
    test(name, async () => {
      const [ours, theirs] = await both(script);
      expect(ours).toBe(theirs);
      expect(ours.length).toBeGreaterThan(0);
    });
  }
});

describe("memcache text protocol", () => {
  test("a long line without a newline closes the connection, as memcached does", async () => {
    for (const p of [port, mc.port]) {
      const c = await RawClient.connect(p);
      c.write("a".repeat(3000));
      expect(await c.waitClosed()).toBe(true);
      expect(c.pending()).toBe("");
    }
    // A long multi-get line is read on.
    const c = await RawClient.connect(port);
    c.write(`get ${"k ".repeat(1500)}`);
    await c.flushed();
    c.write("\r\n");
    expect(await c.expect("END\r\n")).toBe("END\r\n");
    c.close();
  });

  test("a multi-get with a key over 250 bytes answers only the error", async () => {
    expect(await exchange(port, `set mg 0 0 1\r\nx\r\nget mg ${"k".repeat(251)} mg\r\n`)).toBe("STORED\r\nCLIENT_ERROR bad command line format\r\n");
  });

  test("flush_all empties database 0 and only it", async () => {
    const c = await RawClient.connect(server.port);
    c.write(resp("SELECT", "1"));
    c.write(resp("SET", "other-db", "v"));
    await c.expect("+OK\r\n+OK\r\n");
    expect(await exchange(port, "set fa 0 0 1\r\nx\r\nflush_all\r\nget fa\r\n")).toBe("STORED\r\nOK\r\nEND\r\n");
    c.write(resp("GET", "other-db"));
    expect(await c.expect("$1\r\nv\r\n")).toBe("$1\r\nv\r\n");
    c.close();
  });

  test("flush_all with a delay flushes later; a later flush_all replaces it", async () => {
    expect(await exchange(port, "set fd 0 0 1\r\nx\r\nflush_all 1\r\nget fd\r\n")).toBe("STORED\r\nOK\r\nVALUE fd 0 1\r\nx\r\nEND\r\n");
    let after = "";
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && (after = await exchange(port, "get fd\r\n")) !== "END\r\n") await Bun.sleep(50);
    expect(after).toBe("END\r\n");
  });

  test("a value set over memcache is a string over RESP, and back", async () => {
    const c = await RawClient.connect(server.port);
    expect(await exchange(port, "set xp 42 0 5\r\nhello\r\n")).toBe("STORED\r\n");
    c.write(resp("GET", "xp"));
    expect(await c.expect("$5\r\nhello\r\n")).toBe("$5\r\nhello\r\n");
    c.write(resp("SET", "xr", "from-resp", "EX", "100"));
    await c.expect("+OK\r\n");
    expect(await exchange(port, "get xr\r\n")).toBe("VALUE xr 0 9\r\nfrom-resp\r\nEND\r\n");
    // Expire and delete over RESP, seen over memcache.
    c.write(resp("PEXPIRE", "xp", "1"));
    await c.expect(":1\r\n");
    await Bun.sleep(5);
    expect(await exchange(port, "get xp\r\n")).toBe("END\r\n");
    c.write(resp("DEL", "xr"));
    await c.expect(":1\r\n");
    expect(await exchange(port, "get xr\r\n")).toBe("END\r\n");
    // TTL set over memcache is visible over RESP; incr over memcache of a RESP counter.
    expect(await exchange(port, "set xt 0 100 1\r\n5\r\nincr xt 10\r\n")).toBe("STORED\r\n15\r\n");
    c.write(resp("TTL", "xt"));
    let ttl = await c.read(5);
    if (!ttl.endsWith("\n")) ttl += await c.read(1);
    expect(ttl).toMatch(/^:(100|99)\r\n$/);
    c.write(resp("GET", "xt"));
    expect(await c.expect("$2\r\n15\r\n")).toBe("$2\r\n15\r\n");
    // Types memcache has no word for are misses to it and not overwritten by append.
    c.write(resp("HSET", "xh", "f", "v"));
    const hset = await c.read(4);
    if (hset.startsWith(":")) {
      expect(await exchange(port, "get xh\r\nappend xh 0 0 1\r\nx\r\nincr xh 1\r\n")).toBe("END\r\nNOT_STORED\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
    }
    c.close();
  });

  test("decr keeps the exact digits (memcached pads shorter results with spaces)", async () => {
    expect(await exchange(port, "set dp 0 0 3\r\n100\r\ndecr dp 1\r\nget dp\r\n")).toBe("STORED\r\n99\r\nVALUE dp 0 2\r\n99\r\nEND\r\n");
  });

  test("flags beyond 32 bits are refused", async () => {
    expect(await exchange(port, "set fl 4294967296 0 1\r\nx\r\n")).toBe("CLIENT_ERROR bad command line format\r\nERROR\r\n");
  });

  test("a pipelined stream split at every byte gives the same replies", async () => {
    const script = "set sp 3 0 5\r\nhello\r\nget sp\r\nappend sp 0 0 1\r\n!\r\ngets sp\r\ndelete sp\r\n";
    const whole = await exchange(port, script);
    const c = await RawClient.connect(port);
    for (const ch of script) {
      c.write(ch);
      await c.flushed();
    }
    c.write("version\r\n");
    const out = await c.read(whole.length);
    c.close();
    expect(normalise(out)).toBe(normalise(whole));
  });

  test("stats report memcached's counters", async () => {
    const stats = await exchange(port, "stats\r\n");
    const fields = Object.fromEntries(stats.trim().split("\r\n").filter((l) => l.startsWith("STAT ")).map((l) => l.split(" ").slice(1)));
    for (const f of ["pid", "uptime", "time", "version", "curr_connections", "total_connections", "cmd_get", "cmd_set", "get_hits", "get_misses", "curr_items", "bytes", "limit_maxbytes", "evictions", "threads"]) {
      expect(fields[f]).toBeDefined();
    }
    expect(Number(fields.pid)).toBe(server.proc.pid);
    const before = Number(fields.cmd_get);
    await exchange(port, "get a b c\r\n");
    const again = Object.fromEntries((await exchange(port, "stats\r\n")).trim().split("\r\n").map((l) => l.split(" ").slice(1)));
    expect(Number(again.cmd_get)).toBe(before + 3);
    expect(await exchange(port, "stats reset\r\n")).toBe("RESET\r\n");
    const reset = Object.fromEntries((await exchange(port, "stats\r\n")).trim().split("\r\n").map((l) => l.split(" ").slice(1)));
    expect(Number(reset.cmd_get)).toBe(0);
    for (const section of ["settings", "items", "slabs", "conns"]) {
      expect(await exchange(port, `stats ${section}\r\n`)).toMatch(/(STAT \S+ \S+\r\n)*END\r\n$/);
    }
    expect(await exchange(port, "stats settings\r\n")).toContain("STAT item_size_max 1048576\r\n");
  });

  test("a RESP listener does not speak memcache", async () => {
    const c = await RawClient.connect(server.port);
    c.write("get a\r\n");
    expect(await c.read(5)).toBe("$-1\r\n");
    c.close();
  });
});

describe("memcache listeners", () => {
  test("several listeners, TCP and Unix socket, serve one keyspace", async () => {
    const dir = tempDir();
    const sock = `${dir.path}/mc.sock`;
    const s = await startServer({
      set: ["listener.1.protocol=memcache", "listener.1.address=127.0.0.1:0", "listener.2.protocol=memcache", `listener.2.path=${sock}`, "listener.3.protocol=resp", `listener.3.path=${sock}.resp`],
    });
    try {
      await import("node:fs").then((fs) => expect(fs.statSync(sock).isSocket()).toBe(true));
      const unix = await Bun.connect({ unix: sock, socket: { data(_s, d) { got += new TextDecoder().decode(d); } } });
      let got = "";
      unix.write("set us 0 0 2\r\nok\r\n");
      const deadline = Date.now() + 5000;
      while (!got.includes("STORED\r\n") && Date.now() < deadline) await Bun.sleep(10);
      expect(got).toBe("STORED\r\n");
      unix.end();
      expect(await exchange(memcachePort(s), "get us\r\n")).toBe("VALUE us 0 2\r\nok\r\nEND\r\n");
      let respGot = "";
      const r = await Bun.connect({ unix: `${sock}.resp`, socket: { data(_s, d) { respGot += new TextDecoder().decode(d); } } });
      r.write(resp("GET", "us"));
      while (!respGot.includes("ok\r\n") && Date.now() < deadline) await Bun.sleep(10);
      expect(respGot).toBe("$2\r\nok\r\n");
      r.end();
      expect(s.logs()).toContain(`listening for memcache on ${sock}`);
    } finally {
      expect(await s.stop()).toBe(0);
      dir.cleanup();
    }
  });
});
