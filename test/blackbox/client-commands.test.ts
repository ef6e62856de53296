// The CLIENT command family over TCP: CLIENT LIST and INFO compared field by field with a real
// redis-server 7.0.15 (values that differ by nature normalised), TYPE and ID filters, every
// CLIENT KILL filter and their combinations with several connected clients, CLIENT PAUSE
// WRITE and ALL (run against both servers), UNPAUSE, REPLY OFF/SKIP/ON, NO-EVICT, UNBLOCK,
// GETREDIR, HELP, COMMAND INFO/DOCS, and every bad input byte for byte against redis-server.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Redis from "ioredis";
import { RawClient } from "../helpers/raw.ts";
import { exchangeResp, respFrame, splitReplies, startRedis, type RedisServer } from "../helpers/redis.ts";
import { redisCli, startServer, waitFor, type TestServer } from "../helpers/server.ts";

let ours: TestServer;
let theirs: RedisServer;
beforeAll(async () => {
  [ours, theirs] = await Promise.all([startServer(), startRedis()]);
});
afterAll(async () => {
  await theirs.stop();
  expect(await ours.stop()).toBe(0);
});

type Cmd = string[];

async function both(script: Cmd[], hello3 = false): Promise<[string, string]> {
  return Promise.all([exchangeResp(ours.port, script, { hello3 }), exchangeResp(theirs.port, script, { hello3 })]);
}

async function same(script: Cmd[], hello3 = false): Promise<string> {
  const [a, b] = await both(script, hello3);
  expect(a).toBe(b);
  return a;
}

/** Read until `done` holds on everything received (latin1), or fail at the deadline. */
async function readUntil(c: RawClient, done: (s: string) => boolean, what: string, timeoutMs = 5000): Promise<string> {
  let got = "";
  const deadline = Date.now() + timeoutMs;
  while (!done(got)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(got)}`);
    if (c.closed && c.pending() === "") throw new Error(`closed waiting for ${what}; got ${JSON.stringify(got)}`);
    const bytes = await c.readSome(Math.max(1, deadline - Date.now())).catch(() => new Uint8Array(0));
    for (const b of bytes) got += String.fromCharCode(b);
  }
  return got;
}

async function expectBytes(c: RawClient, expected: string, timeoutMs = 5000): Promise<void> {
  expect(await readUntil(c, (s) => s.length >= expected.length, JSON.stringify(expected), timeoutMs)).toBe(expected);
}

async function connect(port: number): Promise<RawClient> {
  return RawClient.connect(port);
}

function send(c: RawClient, ...cmds: Cmd[]): void {
  for (const cmd of cmds) c.write(respFrame(cmd));
}

/** One command on `c`; its raw reply. */
async function call(c: RawClient, ...cmd: string[]): Promise<string> {
  send(c, cmd);
  return readUntil(c, (s) => {
    try {
      return splitReplies(s).length >= 1;
    } catch {
      return false;
    }
  }, cmd.join(" "));
}

/** The text of a CLIENT LIST / CLIENT INFO reply (bulk or RESP3 verbatim). */
function listText(raw: string): string {
  const m = /^[$=](\d+)\r\n/.exec(raw);
  if (!m) throw new Error(`not a bulk reply: ${JSON.stringify(raw)}`);
  const body = raw.slice(m[0].length, m[0].length + Number(m[1]));
  return raw[0] === "=" ? body.slice(4) : body;
}

function parseLine(line: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const kv of line.trim().split(" ")) {
    const i = kv.indexOf("=");
    fields.set(kv.slice(0, i), kv.slice(i + 1));
  }
  return fields;
}

function lines(raw: string): Map<string, string>[] {
  return listText(raw).split("\n").filter((l) => l !== "").map(parseLine);
}

/** Fields whose values differ by nature between two servers (addresses, descriptors, sizes of buffers, times). */
const BY_NATURE = new Set(["id", "addr", "laddr", "fd", "age", "idle", "qbuf", "qbuf-free", "argv-mem", "rbs", "rbp", "obl", "oll", "omem", "tot-mem", "events"]);

function normalised(line: Map<string, string>): string {
  return [...line].map(([k, v]) => `${k}=${BY_NATURE.has(k) ? "*" : v}`).join(" ");
}

async function clientId(c: RawClient): Promise<number> {
  return Number(/^:(\d+)/.exec(await call(c, "CLIENT", "ID"))![1]);
}

async function info(c: RawClient): Promise<Map<string, string>> {
  return lines(await call(c, "CLIENT", "INFO"))[0];
}

async function blockedClients(port: number): Promise<number> {
  return Number(/blocked_clients:(\d+)/.exec((await redisCli(port, ["INFO", "clients"])).stdout)?.[1]);
}

const servers: [string, () => number][] = [
  ["crucible", () => ours.port],
  ["redis-server", () => theirs.port],
];

describe("CLIENT LIST and CLIENT INFO", () => {
  test("Redis 7.0.15's fields, in its order, with the same values where they do not differ by nature", async () => {
    const script: Cmd[] = [["CLIENT", "SETNAME", "lister"], ["SELECT", "3"], ["CLIENT", "NO-EVICT", "on"], ["CLIENT", "INFO"], ["CLIENT", "LIST", "ID", "999999"]];
    const [a, b] = await both(script);
    const ra = splitReplies(a);
    const rb = splitReplies(b);
    expect(ra.slice(0, 3)).toEqual(rb.slice(0, 3));
    const la = lines(ra[3])[0];
    const lb = lines(rb[3])[0];
    expect([...la.keys()]).toEqual([...lb.keys()]);
    expect([...la.keys()]).toEqual([
      "id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub", "ssub", "multi", "qbuf", "qbuf-free",
      "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem", "tot-mem", "events", "cmd", "user", "redir", "resp",
    ]);
    expect(normalised(la)).toBe(normalised(lb));
    expect(la.get("name")).toBe("lister");
    expect(la.get("flags")).toBe("e");
    expect(la.get("cmd")).toBe("client|info");
    expect(la.get("argv-mem")).toBe(lb.get("argv-mem"));
    expect(ra[4]).toBe(rb[4]);
  });

  test("RESP3: a verbatim string, resp=3", async () => {
    const [a, b] = await both([["CLIENT", "INFO"]], true);
    expect(a.startsWith("=")).toBe(true);
    expect(normalised(lines(a)[0])).toBe(normalised(lines(b)[0]));
    expect(lines(a)[0].get("resp")).toBe("3");
  });

  test("a subscriber, a transaction with queued commands and a dirty WATCH, seen from another client", async () => {
    for (const [, port] of servers) await redisCli(port(), ["DEL", "cl:w"]);
    const seen: string[][] = [];
    for (const [, port] of servers) {
      const sub = await connect(port());
      const subId = String(await clientId(sub));
      await call(sub, "PSUBSCRIBE", "cl:*");
      send(sub, ["SUBSCRIBE", "cl:a"]);
      await readUntil(sub, (s) => s.endsWith(":2\r\n"), "subscribe");
      const tx = await connect(port());
      const txId = String(await clientId(tx));
      await call(tx, "WATCH", "cl:w");
      await call(tx, "MULTI");
      await call(tx, "SET", "cl:k", "v");
      await call(tx, "SET", "cl:kk", "vvvvvvvvvv");
      const admin = await connect(port());
      await call(admin, "SET", "cl:w", "touched");
      const all = lines(await call(admin, "CLIENT", "LIST"));
      const row = (id: string) => all.find((l) => l.get("id") === id)!;
      seen.push([normalised(row(subId)), normalised(row(txId))]);
      for (const c of [sub, tx, admin]) c.close();
    }
    expect(seen[0]).toEqual(seen[1]);
    expect(seen[0][0]).toContain("flags=P db=0 sub=1 psub=1");
    expect(seen[0][1]).toContain("flags=xd db=0 sub=0 psub=0 ssub=0 multi=2");
    expect(seen[0][1]).toContain("multi-mem=74");
    expect(seen[0][1]).toContain("cmd=set");
  });

  test("age and idle come from real timestamps; qbuf is the input waiting for the rest of its frame", async () => {
    const c = await connect(ours.port);
    const id = await clientId(c);
    const admin = await connect(ours.port);
    // Half a frame: the server keeps it until the rest arrives.
    c.write("*2\r\n$3\r\nGET\r\n$4\r\nab");
    await waitFor(async () => {
      const row = lines(await call(admin, "CLIENT", "LIST", "ID", String(id)))[0];
      return Number(row.get("age")) >= 1 && Number(row.get("idle")) >= 1;
    }, 5000, "age and idle to reach 1 second");
    const row = lines(await call(admin, "CLIENT", "LIST", "ID", String(id)))[0];
    expect(row.get("qbuf")).toBe(String("*2\r\n$3\r\nGET\r\n$4\r\nab".length));
    expect(Number(row.get("qbuf-free"))).toBeGreaterThanOrEqual(0);
    expect(Number(row.get("tot-mem"))).toBeGreaterThan(0);
    expect(row.get("cmd")).toBe("client|id");
    c.write("cd\r\n");
    expect(await readUntil(c, (s) => s.endsWith("\r\n"), "GET")).toBe("$-1\r\n");
    const after = lines(await call(admin, "CLIENT", "LIST", "ID", String(id)))[0];
    expect(after.get("idle")).toBe("0");
    expect(after.get("qbuf")).toBe("0");
    expect(after.get("cmd")).toBe("get");
    expect(Number(after.get("age"))).toBeGreaterThanOrEqual(1);
    c.close();
    admin.close();
  });

  test("TYPE filters: pubsub is the clients subscribed to something; master and replica match none", async () => {
    const sub = await connect(ours.port);
    const psub = await connect(ours.port);
    const plain = await connect(ours.port);
    const ids = { sub: String(await clientId(sub)), psub: String(await clientId(psub)), plain: await clientId(plain) };
    await call(sub, "SUBSCRIBE", "cl:t");
    await call(psub, "PSUBSCRIBE", "cl:t*");
    const of = async (type: string) => lines(await call(plain, "CLIENT", "LIST", "TYPE", type)).map((l) => l.get("id")!);
    const pubsub = await of("pubsub");
    expect(pubsub).toContain(ids.sub);
    expect(pubsub).toContain(ids.psub);
    expect(pubsub).not.toContain(String(ids.plain));
    const normal = await of("NORMAL");
    expect(normal).toContain(String(ids.plain));
    expect(normal).not.toContain(ids.sub);
    expect(normal).not.toContain(ids.psub);
    for (const type of ["master", "replica", "slave"]) expect(await of(type)).toEqual([]);
    // Unsubscribing makes it a normal client again.
    await call(sub, "UNSUBSCRIBE");
    expect(await of("normal")).toContain(ids.sub);
    for (const c of [sub, psub, plain]) c.close();
  });

  test("ID filter: the given ids in their order, repeats repeated, unknown ones skipped", async () => {
    const a = await connect(ours.port);
    const b = await connect(ours.port);
    const [ia, ib] = [await clientId(a), await clientId(b)];
    const got = lines(await call(a, "CLIENT", "LIST", "ID", String(ib), "0", String(ia), "-5", String(ib), "99999999")).map((l) => l.get("id"));
    expect(got).toEqual([String(ib), String(ia), String(ib)]);
    a.close();
    b.close();
  });

  test("redis-cli prints the list; the troubleshooting guide's pipeline works", async () => {
    const out = (await redisCli(ours.port, ["CLIENT", "LIST"])).stdout;
    expect(out).toMatch(/^id=\d+ addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:\d+ fd=-?\d+ name= age=\d+ idle=\d+ flags=N /m);
    expect(out.split(" ")[1]).toMatch(/^addr=/);
  });
});


describe("CLIENT KILL", () => {
  test("by ID: the victim closes, everyone else keeps working; the caller is skipped by default", async () => {
    const admin = await connect(ours.port);
    const victim = await connect(ours.port);
    const bystander = await connect(ours.port);
    const id = await clientId(victim);
    expect(await call(admin, "CLIENT", "KILL", "ID", String(id))).toBe(":1\r\n");
    expect(await victim.waitClosed()).toBe(true);
    expect(await call(bystander, "PING")).toBe("+PONG\r\n");
    expect(await call(admin, "CLIENT", "KILL", "ID", String(await clientId(admin)))).toBe(":0\r\n");
    expect(await call(admin, "PING")).toBe("+PONG\r\n");
    expect(await call(admin, "CLIENT", "KILL", "ID", String(id))).toBe(":0\r\n");
    admin.close();
    bystander.close();
  });

  test("ADDR, LADDR and TYPE, alone and together (AND)", async () => {
    const admin = await connect(ours.port);
    const sub = await connect(ours.port);
    const subId = String(await clientId(sub));
    await call(sub, "SUBSCRIBE", "kill:ch");
    const norm = await connect(ours.port);
    const rows = lines(await call(admin, "CLIENT", "LIST"));
    const subRow = rows.find((l) => l.get("id") === subId)!;
    const normRow = (await info(norm));
    // AND: the subscriber's address with the wrong type matches nothing.
    expect(await call(admin, "CLIENT", "KILL", "ADDR", subRow.get("addr")!, "TYPE", "normal")).toBe(":0\r\n");
    expect(await call(admin, "CLIENT", "KILL", "ADDR", subRow.get("addr")!, "TYPE", "pubsub", "LADDR", "1.2.3.4:5")).toBe(":0\r\n");
    expect(await call(admin, "CLIENT", "KILL", "ADDR", subRow.get("addr")!, "TYPE", "pubsub", "LADDR", subRow.get("laddr")!)).toBe(":1\r\n");
    expect(await sub.waitClosed()).toBe(true);
    expect(await call(norm, "PING")).toBe("+PONG\r\n");
    expect(await call(admin, "CLIENT", "KILL", "LADDR", normRow.get("laddr")!, "ID", normRow.get("id")!, "USER", "default")).toBe(":1\r\n");
    expect(await norm.waitClosed()).toBe(true);
    expect(await call(admin, "PING")).toBe("+PONG\r\n");
    admin.close();
  });

  test("TYPE normal SKIPME yes (the troubleshooting guide's), through redis-cli: every normal client but the caller", async () => {
    const sub = await connect(ours.port);
    await call(sub, "SUBSCRIBE", "kill:keep");
    const n1 = await connect(ours.port);
    const n2 = await connect(ours.port);
    await call(n1, "PING");
    await call(n2, "PING");
    const out = await redisCli(ours.port, ["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"]);
    // n1 and n2 at least (clients of earlier tests may still be closing).
    expect(Number(out.stdout)).toBeGreaterThanOrEqual(2);
    expect(await n1.waitClosed()).toBe(true);
    expect(await n2.waitClosed()).toBe(true);
    // The subscriber is not a normal client.
    send(sub, ["PING"]);
    expect(await readUntil(sub, (s) => s.endsWith("\r\n\r\n") || s.includes("pong"), "subscriber ping")).toContain("pong");
    sub.close();
  });

  test("SKIPME no kills the caller after its reply; pipelined commands behind it are not run", async () => {
    const self = await connect(ours.port);
    const id = await clientId(self);
    send(self, ["CLIENT", "KILL", "ID", String(id), "SKIPME", "no"], ["SET", "kill:after", "1"]);
    expect(await readUntil(self, (s) => s.length >= 4, "reply")).toBe(":1\r\n");
    expect(await self.waitClosed()).toBe(true);
    expect((await redisCli(ours.port, ["EXISTS", "kill:after"])).stdout).toBe("0\n");
  });

  test("the old form: +OK or 'No such client', and it may kill the caller itself (after its +OK)", async () => {
    const admin = await connect(ours.port);
    const victim = await connect(ours.port);
    const addr = (await info(victim)).get("addr")!;
    expect(await call(admin, "CLIENT", "KILL", addr)).toBe("+OK\r\n");
    expect(await victim.waitClosed()).toBe(true);
    expect(await call(admin, "CLIENT", "KILL", addr)).toBe("-ERR No such client\r\n");
    const own = (await info(admin)).get("addr")!;
    send(admin, ["CLIENT", "KILL", own], ["PING"]);
    expect(await readUntil(admin, (s) => s.length >= 5, "reply")).toBe("+OK\r\n");
    expect(await admin.waitClosed()).toBe(true);
  });

  test("MAXAGE (Redis 7.4's): only clients connected for more than that many seconds", async () => {
    const admin = await connect(ours.port);
    const old = await connect(ours.port);
    const oldId = await clientId(old);
    await waitFor(async () => Number(lines(await call(admin, "CLIENT", "LIST", "ID", String(oldId)))[0].get("age")) >= 2, 5000, "a client 2 seconds old");
    const young = await connect(ours.port);
    const youngId = await clientId(young);
    expect(await call(admin, "CLIENT", "KILL", "MAXAGE", "1", "ID", String(youngId))).toBe(":0\r\n");
    expect(await call(admin, "CLIENT", "KILL", "ID", String(oldId), "MAXAGE", "100")).toBe(":0\r\n");
    expect(await call(admin, "CLIENT", "KILL", "ID", String(oldId), "MAXAGE", "1")).toBe(":1\r\n");
    expect(await old.waitClosed()).toBe(true);
    expect(await call(young, "PING")).toBe("+PONG\r\n");
    for (const [args, error] of [
      [["MAXAGE", "0"], "-ERR maxage should be greater than 0\r\n"],
      [["MAXAGE", "-3"], "-ERR maxage should be greater than 0\r\n"],
      [["MAXAGE", "x"], "-ERR maxage is not an integer or out of range\r\n"],
      [["MAXAGE", "99999999999999999999"], "-ERR maxage is not an integer or out of range\r\n"],
      [["MAXAGE"], "-ERR No such client\r\n"],
      [["ID", "1", "MAXAGE"], "-ERR syntax error\r\n"],
    ] as [string[], string][]) {
      expect(await call(admin, "CLIENT", "KILL", ...args)).toBe(error);
    }
    admin.close();
    young.close();
  });

  test("a killed client still gets what was queued for it before the kill", async () => {
    const sub = await connect(ours.port);
    const subId = String(await clientId(sub));
    await call(sub, "SUBSCRIBE", "kill:last");
    const admin = await connect(ours.port);
    send(admin, ["PUBLISH", "kill:last", "goodbye"], ["CLIENT", "KILL", "ID", subId]);
    expect(await readUntil(admin, (s) => s === ":1\r\n:1\r\n", "publish and kill")).toBe(":1\r\n:1\r\n");
    const got = await readUntil(sub, (s) => s.includes("goodbye\r\n"), "the last message");
    expect(got).toBe("*3\r\n$7\r\nmessage\r\n$9\r\nkill:last\r\n$7\r\ngoodbye\r\n");
    expect(await sub.waitClosed()).toBe(true);
    admin.close();
  });

  test("a client killed while blocked leaves the queue: a later push is not lost", async () => {
    await redisCli(ours.port, ["DEL", "kill:list"]);
    const admin = await connect(ours.port);
    const blocked = await connect(ours.port);
    const id = await clientId(blocked);
    const base = await blockedClients(ours.port);
    send(blocked, ["BLPOP", "kill:list", "0"]);
    await waitFor(async () => (await blockedClients(ours.port)) === base + 1, 5000, "the client to block");
    expect(await call(admin, "CLIENT", "KILL", "ID", String(id))).toBe(":1\r\n");
    expect(await blocked.waitClosed()).toBe(true);
    expect(await blockedClients(ours.port)).toBe(base);
    expect(await call(admin, "RPUSH", "kill:list", "x")).toBe(":1\r\n");
    expect(await call(admin, "LLEN", "kill:list")).toBe(":1\r\n");
    admin.close();
  });

  test("bad filters answer Redis 7.0.15's errors, byte for byte", async () => {
    await same([
      ["CLIENT", "KILL"], ["CLIENT", "KILL", "1.2.3.4:5"], ["CLIENT", "KILL", "nonsense"], ["CLIENT", "KILL", "ID"],
      ["CLIENT", "KILL", "ID", "abc"], ["CLIENT", "KILL", "ID", "0"], ["CLIENT", "KILL", "ID", "-1"], ["CLIENT", "KILL", "ID", "1.5"],
      ["CLIENT", "KILL", "ID", "9223372036854775808"], ["CLIENT", "KILL", "ID", "99999999"], ["CLIENT", "KILL", "TYPE", "foo"],
      ["CLIENT", "KILL", "TYPE", "master"], ["CLIENT", "KILL", "TYPE", "SLAVE"], ["CLIENT", "KILL", "TYPE", "replica"],
      ["CLIENT", "KILL", "USER", "nobody"], ["CLIENT", "KILL", "SKIPME", "maybe"], ["CLIENT", "KILL", "SKIPME", "yes"],
      ["CLIENT", "KILL", "ADDR", "1.2.3.4:5"], ["CLIENT", "KILL", "LADDR", "1.2.3.4:5"], ["CLIENT", "KILL", "BOGUS", "x"],
      ["CLIENT", "KILL", "ID", "1", "ID"], ["CLIENT", "KILL", "ID", "99999", "ID", "99998"], ["CLIENT", "KILL", "a", "b", "c"],
      ["CLIENT", "KILL", "ID", "abc", "TYPE", "foo"], ["CLIENT", "KILL", "TYPE", "foo", "ID", "abc"], ["CLIENT", "KILL", "BOGUS", "x", "ID", "abc"],
      ["CLIENT", "KILL", "id", "99999", "skipme", "NO", "user", "default", "type", "Normal"],
    ]);
  });
});

describe.each(servers)("CLIENT PAUSE and UNPAUSE on %s", (_name, portOf) => {
  test("WRITE holds a SET (and what is pipelined behind it) while a GET is answered; UNPAUSE releases it in order", async () => {
    const port = portOf();
    await redisCli(port, ["DEL", "p:k"]);
    const admin = await connect(port);
    const writer = await connect(port);
    const writerId = await clientId(writer);
    const reader = await connect(port);
    const base = await blockedClients(port);
    expect(await call(admin, "CLIENT", "PAUSE", "20000", "WRITE")).toBe("+OK\r\n");
    send(writer, ["SET", "p:k", "v"], ["GET", "p:k"], ["INCR", "p:n"]);
    await waitFor(async () => (await blockedClients(port)) === base + 1, 5000, "the writer to be held");
    expect(await call(reader, "GET", "p:k")).toBe("$-1\r\n");
    expect(await call(reader, "PING")).toBe("+PONG\r\n");
    const row = lines(await call(reader, "CLIENT", "LIST", "ID", String(writerId)))[0];
    expect(row.get("flags")).toBe("b");
    expect(row.get("cmd")).toBe("set");
    expect(writer.pending()).toBe("");
    expect(await call(admin, "CLIENT", "UNPAUSE")).toBe("+OK\r\n");
    await expectBytes(writer, "+OK\r\n$1\r\nv\r\n:1\r\n");
    expect(await blockedClients(port)).toBe(base);
    for (const c of [admin, writer, reader]) c.close();
    await redisCli(port, ["DEL", "p:n"]);
  });

  test("WRITE holds PUBLISH, DEL and a write queued in MULTI; reads, admin commands and errors are answered", async () => {
    const port = portOf();
    await redisCli(port, ["SET", "p:k", "v"]);
    const admin = await connect(port);
    const pub = await connect(port);
    const del = await connect(port);
    const tx = await connect(port);
    const other = await connect(port);
    const base = await blockedClients(port);
    expect(await call(admin, "CLIENT", "PAUSE", "20000", "WRITE")).toBe("+OK\r\n");
    send(pub, ["PUBLISH", "p:ch", "x"]);
    send(del, ["DEL", "p:none"]);
    send(tx, ["MULTI"], ["GET", "p:k"], ["SET", "p:k", "w"], ["EXEC"]);
    await waitFor(async () => (await blockedClients(port)) === base + 3, 5000, "three held clients");
    expect(await readUntil(tx, (s) => s === "+OK\r\n+QUEUED\r\n", "MULTI and the queued GET")).toBe("+OK\r\n+QUEUED\r\n");
    send(other, ["NOSUCH"], ["SET", "p:k"], ["GET", "p:k"], ["CLIENT", "KILL", "ID", "99999999"], ["TTL", "p:k"], ["EXISTS", "p:k"]);
    await expectBytes(other, "-ERR unknown command 'NOSUCH', with args beginning with: \r\n-ERR wrong number of arguments for 'set' command\r\n$1\r\nv\r\n:0\r\n:-1\r\n:1\r\n");
    expect(pub.pending() + del.pending()).toBe("");
    expect(await call(admin, "CLIENT", "UNPAUSE")).toBe("+OK\r\n");
    await expectBytes(pub, ":0\r\n");
    await expectBytes(del, ":0\r\n");
    await expectBytes(tx, "+QUEUED\r\n*2\r\n$1\r\nv\r\n+OK\r\n");
    expect(await call(other, "GET", "p:k")).toBe("$1\r\nw\r\n");
    for (const c of [admin, pub, del, tx, other]) c.close();
  });

  test("WRITE holds an EXEC whose queue writes, queued before the pause", async () => {
    const port = portOf();
    const admin = await connect(port);
    const tx = await connect(port);
    const txId = await clientId(tx);
    send(tx, ["MULTI"], ["INCR", "p:x"], ["GET", "p:x"]);
    await readUntil(tx, (s) => s === "+OK\r\n+QUEUED\r\n+QUEUED\r\n", "queued");
    const base = await blockedClients(port);
    expect(await call(admin, "CLIENT", "PAUSE", "20000", "WRITE")).toBe("+OK\r\n");
    send(tx, ["EXEC"]);
    await waitFor(async () => (await blockedClients(port)) === base + 1, 5000, "EXEC to be held");
    const row = lines(await call(admin, "CLIENT", "LIST", "ID", String(txId)))[0];
    expect(row.get("flags")).toBe("xb");
    expect(row.get("cmd")).toBe("exec");
    expect(await call(admin, "CLIENT", "UNPAUSE")).toBe("+OK\r\n");
    await expectBytes(tx, "*2\r\n:1\r\n$1\r\n1\r\n");
    await redisCli(port, ["DEL", "p:x"]);
    admin.close();
    tx.close();
  });

  test("held clients go on in the order they were held", async () => {
    const port = portOf();
    await redisCli(port, ["DEL", "p:order"]);
    const admin = await connect(port);
    const base = await blockedClients(port);
    expect(await call(admin, "CLIENT", "PAUSE", "20000", "WRITE")).toBe("+OK\r\n");
    const clients: RawClient[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await connect(port);
      send(c, ["RPUSH", "p:order", `c${i}`], ["RPUSH", "p:order", `c${i}-again`]);
      await waitFor(async () => (await blockedClients(port)) === base + i + 1, 5000, `client ${i} held`);
      clients.push(c);
    }
    expect(await call(admin, "CLIENT", "UNPAUSE")).toBe("+OK\r\n");
    for (const c of clients) await readUntil(c, (s) => s.split("\r\n").length === 3, "two replies");
    const order = await call(admin, "LRANGE", "p:order", "0", "-1");
    const expected = [0, 1, 2, 3, 4].flatMap((i) => [`c${i}`, `c${i}-again`]);
    expect(order).toBe(`*10\r\n${expected.map((e) => `$${e.length}\r\n${e}\r\n`).join("")}`);
    for (const c of [admin, ...clients]) c.close();
  });

  test("the pause ends by itself at its timeout", async () => {
    const port = portOf();
    const admin = await connect(port);
    const writer = await connect(port);
    const started = Date.now();
    expect(await call(admin, "CLIENT", "PAUSE", "300", "WRITE")).toBe("+OK\r\n");
    send(writer, ["SET", "p:t", "1"]);
    await expectBytes(writer, "+OK\r\n");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    // Unpausing when nothing is paused is fine.
    expect(await call(admin, "CLIENT", "UNPAUSE")).toBe("+OK\r\n");
    admin.close();
    writer.close();
  });

  test("ALL holds every command, CLIENT UNPAUSE included, until its timeout; the pausing client too", async () => {
    const port = portOf();
    const admin = await connect(port);
    const reader = await connect(port);
    const other = await connect(port);
    const started = Date.now();
    // A later, shorter ALL pause over a WRITE one: the stricter mode and the later end win.
    send(admin, ["CLIENT", "PAUSE", "400", "WRITE"], ["CLIENT", "PAUSE", "50"], ["PING"]);
    await expectBytes(admin, "+OK\r\n+OK\r\n");
    send(reader, ["GET", "p:none"], ["NOSUCH"]);
    send(other, ["CLIENT", "UNPAUSE"], ["ECHO", "after"]);
    await expectBytes(reader, "$-1\r\n-ERR unknown command 'NOSUCH', with args beginning with: \r\n");
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    await expectBytes(other, "+OK\r\n$5\r\nafter\r\n");
    await expectBytes(admin, "+PONG\r\n");
    for (const c of [admin, reader, other]) c.close();
  });

  test("ALL answers a wrong command at once, and holds the good one behind it", async () => {
    const port = portOf();
    const admin = await connect(port);
    const c = await connect(port);
    expect(await call(admin, "CLIENT", "PAUSE", "300", "ALL")).toBe("+OK\r\n");
    const started = Date.now();
    send(c, ["GET"], ["PING"]);
    await expectBytes(c, "-ERR wrong number of arguments for 'get' command\r\n");
    expect(Date.now() - started).toBeLessThan(250);
    await expectBytes(c, "+PONG\r\n");
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    admin.close();
    c.close();
  });

  test("bad arguments, byte for byte", async () => {
    await same([
      ["CLIENT", "PAUSE"], ["CLIENT", "PAUSE", "abc"], ["CLIENT", "PAUSE", "-1"], ["CLIENT", "PAUSE", "1.5"], ["CLIENT", "PAUSE", "1e3"],
      ["CLIENT", "PAUSE", "+5"], ["CLIENT", "PAUSE", "007"], ["CLIENT", "PAUSE", "9223372036854775808"], ["CLIENT", "PAUSE", "10", "bogus"],
      ["CLIENT", "PAUSE", "abc", "bogus"], ["CLIENT", "PAUSE", "-1", "write"], ["CLIENT", "PAUSE", "10", "write", "extra"],
      ["CLIENT", "UNPAUSE", "x"], ["CLIENT", "UNPAUSE"], ["CLIENT", "PAUSE", "0", "WRITE"], ["CLIENT", "PAUSE", "0"], ["PING"],
    ]);
  });
});

describe("CLIENT PAUSE: what only Crucible is asked", () => {
  test("a held client that disconnects or is killed leaves the queue", async () => {
    const admin = await connect(ours.port);
    const gone = await connect(ours.port);
    const killed = await connect(ours.port);
    const stays = await connect(ours.port);
    const killedId = await clientId(killed);
    const base = await blockedClients(ours.port);
    expect(await call(admin, "CLIENT", "PAUSE", "20000", "WRITE")).toBe("+OK\r\n");
    send(gone, ["SET", "p:gone", "1"]);
    send(killed, ["SET", "p:killed", "1"]);
    send(stays, ["SET", "p:stays", "1"]);
    await waitFor(async () => (await blockedClients(ours.port)) === base + 3, 5000, "three held");
    gone.close();
    await waitFor(async () => (await blockedClients(ours.port)) === base + 2, 5000, "one gone");
    expect(await call(admin, "CLIENT", "UNBLOCK", String(killedId))).toBe(":0\r\n");
    expect(await call(admin, "CLIENT", "KILL", "ID", String(killedId))).toBe(":1\r\n");
    expect(await killed.waitClosed()).toBe(true);
    expect(await blockedClients(ours.port)).toBe(base + 1);
    expect(await call(admin, "CLIENT", "UNPAUSE")).toBe("+OK\r\n");
    await expectBytes(stays, "+OK\r\n");
    expect(await call(admin, "MGET", "p:gone", "p:killed", "p:stays")).toBe("*3\r\n$-1\r\n$-1\r\n$1\r\n1\r\n");
    admin.close();
    stays.close();
  });

  test("an expired key reads as missing while paused, and is gone once the pause ends", async () => {
    const admin = await connect(ours.port);
    expect(await call(admin, "SET", "p:exp", "v", "PX", "50")).toBe("+OK\r\n");
    expect(await call(admin, "CLIENT", "PAUSE", "20000", "WRITE")).toBe("+OK\r\n");
    // Expired for readers at once (exact TTLs), though the active expiry waits for the pause.
    await waitFor(async () => (await call(admin, "GET", "p:exp")) === "$-1\r\n", 5000, "the key to read as expired");
    expect(await call(admin, "CLIENT", "UNPAUSE")).toBe("+OK\r\n");
    expect(await call(admin, "EXISTS", "p:exp")).toBe(":0\r\n");
    admin.close();
  });

  test("ioredis: a write waits for the pause, a read does not", async () => {
    const redis = new Redis({ host: "127.0.0.1", port: ours.port, lazyConnect: true, maxRetriesPerRequest: 0 });
    const admin = new Redis({ host: "127.0.0.1", port: ours.port, lazyConnect: true, maxRetriesPerRequest: 0 });
    await redis.connect();
    await admin.connect();
    try {
      expect(await admin.client("PAUSE", 20000, "WRITE")).toBe("OK");
      let done = false;
      const write = redis.set("p:io", "1").then((r) => {
        done = true;
        return r;
      });
      expect(await admin.get("p:io")).toBe(null);
      expect(done).toBe(false);
      expect(await admin.client("UNPAUSE")).toBe("OK");
      expect(await write).toBe("OK");
      expect(await admin.get("p:io")).toBe("1");
      const list = (await admin.client("LIST")) as string;
      expect(list).toContain("cmd=client|list");
      expect(await admin.client("KILL", "ID", String(await redis.client("ID")))).toBe(1);
    } finally {
      redis.disconnect();
      admin.disconnect();
    }
  });
});

describe("CLIENT REPLY", () => {
  test("OFF, SKIP and ON, byte for byte", async () => {
    await same([
      ["CLIENT", "REPLY", "OFF"], ["SET", "r:a", "1"], ["GET", "r:a"], ["NOSUCH"], ["CLIENT", "REPLY", "bogus"], ["CLIENT", "REPLY", "SKIP"], ["GET", "r:a"],
      ["CLIENT", "REPLY", "ON"], ["GET", "r:a"], ["CLIENT", "REPLY", "SKIP"], ["GET", "r:a"], ["GET", "r:a"], ["CLIENT", "REPLY", "SKIP"],
      ["CLIENT", "REPLY", "SKIP"], ["PING", "x"], ["PING", "y"], ["CLIENT", "REPLY", "SKIP"], ["CLIENT", "REPLY", "ON"], ["PING"],
      ["CLIENT", "REPLY", "OFF"], ["CLIENT", "REPLY", "SKIP"], ["PING"], ["CLIENT", "REPLY", "ON"], ["PING", "z"],
      ["CLIENT", "REPLY", "SKIP"], ["NOSUCH"], ["PING", "after-error"], ["CLIENT", "REPLY"], ["CLIENT", "REPLY", "on", "x"],
      ["MULTI"], ["CLIENT", "REPLY", "SKIP"], ["PING"], ["EXEC"], ["PING", "q"], ["PING", "r"], ["DEL", "r:a"],
    ]);
  });

  test("RESET turns REPLY OFF off (NO-EVICT stays, as in 7.0.15); a SKIP in effect still drops RESET's own reply", async () => {
    const [a, b] = await both([["CLIENT", "NO-EVICT", "on"], ["CLIENT", "REPLY", "OFF"], ["RESET"], ["CLIENT", "REPLY", "SKIP"], ["RESET"], ["PING"], ["CLIENT", "INFO"]]);
    const ra = splitReplies(a);
    const rb = splitReplies(b);
    expect(ra.slice(0, -1)).toEqual(rb.slice(0, -1));
    expect(ra.slice(0, -1).join("")).toBe("+OK\r\n+RESET\r\n+PONG\r\n");
    expect(normalised(lines(ra[ra.length - 1])[0])).toBe(normalised(lines(rb[rb.length - 1])[0]));
    expect(lines(ra[ra.length - 1])[0].get("flags")).toBe("e");
  });

  test("RESP3", async () => {
    await same([["CLIENT", "REPLY", "SKIP"], ["GET", "r:none"], ["GET", "r:none"], ["CLIENT", "REPLY", "OFF"], ["PING"], ["CLIENT", "REPLY", "ON"]], true);
  });

  test.each(servers)("a command that blocks under SKIP has its reply dropped when served (%s)", async (_name, portOf) => {
    const port = portOf();
    await redisCli(port, ["DEL", "r:list"]);
    const c = await connect(port);
    const base = await blockedClients(port);
    send(c, ["CLIENT", "REPLY", "SKIP"], ["BLPOP", "r:list", "0"], ["PING", "next"]);
    await waitFor(async () => (await blockedClients(port)) === base + 1, 5000, "the client to block");
    expect((await redisCli(port, ["RPUSH", "r:list", "x"])).stdout).toBe("1\n");
    await expectBytes(c, "$4\r\nnext\r\n");
    c.close();
  });

  test("CLIENT REPLY OFF still delivers pub/sub messages to a RESP3 subscriber (as Redis 7.0.15)", async () => {
    const results: string[] = [];
    for (const [, portOf] of servers) {
      const c = await connect(portOf());
      send(c, ["HELLO", "3"]);
      await readUntil(c, (s) => /modules\r\n\*0\r\n$/.test(s), "HELLO");
      send(c, ["SUBSCRIBE", "r:ch"], ["CLIENT", "REPLY", "OFF"]);
      await readUntil(c, (s) => s.endsWith(":1\r\n"), "subscribe");
      expect((await redisCli(portOf(), ["PUBLISH", "r:ch", "lost"])).stdout).toBe("1\n");
      send(c, ["CLIENT", "REPLY", "ON"]);
      results.push(await readUntil(c, (s) => s.endsWith("+OK\r\n"), "ON"));
      c.close();
    }
    expect(results[0]).toBe(results[1]);
    expect(results[0]).toBe(">3\r\n$7\r\nmessage\r\n$4\r\nr:ch\r\n$4\r\nlost\r\n+OK\r\n");
  });
});

describe("CLIENT NO-EVICT, GETREDIR, UNBLOCK, HELP", () => {
  test("NO-EVICT sets and clears flag e; bad values; GETREDIR is -1", async () => {
    const script: Cmd[] = [
      ["CLIENT", "NO-EVICT", "on"], ["CLIENT", "INFO"], ["MULTI"], ["CLIENT", "NO-EVICT", "on"], ["EXEC"], ["CLIENT", "NO-EVICT", "OFF"], ["CLIENT", "INFO"],
      ["CLIENT", "NO-EVICT"], ["CLIENT", "NO-EVICT", "maybe"], ["CLIENT", "NO-EVICT", "on", "x"], ["CLIENT", "GETREDIR"], ["CLIENT", "GETREDIR", "x"],
    ];
    const [a, b] = await both(script);
    const ra = splitReplies(a);
    const rb = splitReplies(b);
    expect(ra.length).toBe(rb.length);
    for (let i = 0; i < ra.length; i++) {
      if (i === 1 || i === 6) expect(normalised(lines(ra[i])[0])).toBe(normalised(lines(rb[i])[0]));
      else expect(ra[i]).toBe(rb[i]);
    }
    expect(lines(ra[1])[0].get("flags")).toBe("e");
    expect(lines(ra[6])[0].get("flags")).toBe("N");
  });

  test.each(servers)("UNBLOCK wakes a client in BLPOP with its timeout reply or an UNBLOCKED error; its pipeline goes on (%s)", async (_name, portOf) => {
    const port = portOf();
    const admin = await connect(port);
    const c = await connect(port);
    const id = await clientId(c);
    const base = await blockedClients(port);
    send(c, ["BLPOP", "u:none", "0"], ["PING", "one"]);
    await waitFor(async () => (await blockedClients(port)) === base + 1, 5000, "block");
    expect(await call(admin, "CLIENT", "UNBLOCK", String(id), "ERROR")).toBe(":1\r\n");
    await expectBytes(c, "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n$3\r\none\r\n");
    send(c, ["BRPOP", "u:none", "0"], ["PING", "two"]);
    await waitFor(async () => (await blockedClients(port)) === base + 1, 5000, "block again");
    expect(await call(admin, "CLIENT", "UNBLOCK", String(id))).toBe(":1\r\n");
    await expectBytes(c, "*-1\r\n$3\r\ntwo\r\n");
    expect(await call(admin, "CLIENT", "UNBLOCK", String(id), "TIMEOUT")).toBe(":0\r\n");
    expect(await blockedClients(port)).toBe(base);
    admin.close();
    c.close();
  });

  test("UNBLOCK's bad arguments, byte for byte", async () => {
    await same([
      ["CLIENT", "UNBLOCK"], ["CLIENT", "UNBLOCK", "abc"], ["CLIENT", "UNBLOCK", "0"], ["CLIENT", "UNBLOCK", "-4"], ["CLIENT", "UNBLOCK", "5", "bogus"],
      ["CLIENT", "UNBLOCK", "abc", "bogus"], ["CLIENT", "UNBLOCK", "5", "timeout"], ["CLIENT", "UNBLOCK", "5", "error", "x"],
    ]);
  });

  test("HELP lists Redis 7.0's lines for the subcommands Crucible has", async () => {
    const [a, b] = await both([["CLIENT", "HELP"], ["CLIENT", "HELP", "x"]]);
    const [ha, ea] = splitReplies(a);
    const [hb, eb] = splitReplies(b);
    expect(ea).toBe(eb);
    const entries = (raw: string): string[][] => {
      const ls = raw.split("\r\n").filter((l) => l.startsWith("+")).map((l) => l.slice(1));
      const out: string[][] = [];
      for (const l of ls) {
        if (l.startsWith(" ") && out.length > 0) out[out.length - 1].push(l);
        else out.push([l]);
      }
      return out;
    };
    const notHere = ["CACHING", "TRACKING", "TRACKINGINFO"];
    const theirsEntries = entries(hb).filter((e) => !notHere.includes(e[0].split(" ")[0]));
    const extras = ["SETINFO <option> <value>", "    * MAXAGE <maxage>", "      Kill connections older than the specified age.", "    Set client meta attr (LIB-NAME, LIB-VER)."];
    const oursEntries = entries(ha).filter((e) => !extras.includes(e[0])).map((e) => e.filter((l) => !extras.includes(l)));
    expect(oursEntries).toEqual(theirsEntries);
  });

  test("TRACKING, CACHING and TRACKINGINFO are unknown subcommands", async () => {
    const got = await exchangeResp(ours.port, [["CLIENT", "TRACKING", "on"], ["CLIENT", "CACHING", "yes"], ["CLIENT", "TRACKINGINFO"]]);
    expect(got).toBe([
      "-ERR unknown subcommand 'TRACKING'. Try CLIENT HELP.\r\n",
      "-ERR unknown subcommand 'CACHING'. Try CLIENT HELP.\r\n",
      "-ERR unknown subcommand 'TRACKINGINFO'. Try CLIENT HELP.\r\n",
    ].join(""));
  });

  test("LIST and INFO's bad arguments, byte for byte", async () => {
    await same([
      ["CLIENT", "LIST", "ID", "abc"], ["CLIENT", "LIST", "ID", "1", "abc"], ["CLIENT", "LIST", "ID"], ["CLIENT", "LIST", "TYPE"], ["CLIENT", "LIST", "TYPE", "bogus"],
      ["CLIENT", "LIST", "TYPE", "normal", "x"], ["CLIENT", "LIST", "TYPE", "master"], ["CLIENT", "LIST", "TYPE", "SLAVE"], ["CLIENT", "LIST", "TYPE", "replica"],
      ["CLIENT", "LIST", "foo"], ["CLIENT", "LIST", "ID", "0"], ["CLIENT", "LIST", "ID", "-5"], ["CLIENT", "INFO", "x"], ["CLIENT", "ID", "x"],
      ["CLIENT", "GETNAME", "x"], ["CLIENT"], ["CLIENT", "bogus"], ["CLIENT", "HELP", "x"],
    ]);
  });
});

describe("COMMAND INFO and COMMAND DOCS for CLIENT", () => {
  const names = [
    "client|list", "client|info", "client|id", "client|kill", "client|pause", "client|unpause", "client|reply", "client|no-evict",
    "client|getredir", "client|unblock", "client|setname", "client|getname", "client|help",
  ];

  /**
   * Drop what Crucible's specs have no field for: the command's history, and an argument's
   * since and deprecated_since (argument maps are the ones with a "name").
   */
  function docsShape(v: unknown): unknown {
    if (!Array.isArray(v)) return v;
    const isMap = v.length % 2 === 0 && v.every((x, i) => i % 2 === 1 || typeof x === "string");
    if (!isMap) return v.map(docsShape);
    const isArg = v.includes("name");
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i += 2) {
      const key = v[i] as string;
      if (key === "history" || key === "deprecated_since" || (isArg && key === "since")) continue;
      out.push(key, docsShape(v[i + 1]));
    }
    return out;
  }

  test("arity, flags, key positions and ACL categories as Redis 7.0.15", async () => {
    const script = names.map((n) => ["COMMAND", "INFO", n]);
    const [a, b] = await both(script);
    const ra = splitReplies(a);
    const rb = splitReplies(b);
    for (let i = 0; i < names.length; i++) {
      const head = (r: string) => {
        const v = parseValue(r) as unknown[][];
        return v[0].slice(0, 7);
      };
      expect({ name: names[i], info: head(ra[i]) }).toEqual({ name: names[i], info: head(rb[i]) });
    }
  });

  test("PUBLISH, which CLIENT PAUSE WRITE holds for its may_replicate flag, lists its flags as 7.0.15 (which hides that one), byte for byte", async () => {
    expect(await same([["COMMAND", "INFO", "PUBLISH"]])).toContain("*4\r\n+pubsub\r\n+loading\r\n+stale\r\n+fast\r\n:0");
  });

  test("summary, since, group, complexity and arguments as Redis 7.0.15", async () => {
    const script = names.map((n) => ["COMMAND", "DOCS", n]);
    const [a, b] = await both(script);
    const ra = splitReplies(a);
    const rb = splitReplies(b);
    for (let i = 0; i < names.length; i++) {
      expect({ name: names[i], docs: docsShape(parseValue(ra[i])) }).toEqual({ name: names[i], docs: docsShape(parseValue(rb[i])) });
    }
  });
});

describe("the server survives", () => {
  test("after every bad input above it still answers, and INFO counts no one blocked", async () => {
    expect((await redisCli(ours.port, ["PING"])).stdout).toBe("PONG\n");
    expect(await blockedClients(ours.port)).toBe(0);
    expect(ours.proc.exitCode).toBe(null);
  });
});

/** A RESP2 value as nested arrays, strings and numbers (errors as { error }). */
function parseValue(raw: string): unknown {
  let pos = 0;
  const read = (): unknown => {
    const eol = raw.indexOf("\r\n", pos);
    const type = raw[pos];
    const line = raw.slice(pos + 1, eol);
    pos = eol + 2;
    switch (type) {
      case "+":
        return line;
      case "-":
        return { error: line };
      case ":":
        return Number(line);
      case "$": {
        const n = Number(line);
        if (n < 0) return null;
        const s = raw.slice(pos, pos + n);
        pos += n + 2;
        return s;
      }
      case "*": {
        const n = Number(line);
        if (n < 0) return null;
        const items: unknown[] = [];
        for (let i = 0; i < n; i++) items.push(read());
        return items;
      }
      default:
        throw new Error(`unexpected ${type} in ${JSON.stringify(raw.slice(0, 80))}`);
    }
  };
  return read();
}
