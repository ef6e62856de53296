// CLIENT PAUSE over memcache connections, with raw text, meta and binary requests over TCP:
// WRITE holds the requests that change the store while reads are answered, ALL holds every
// request, and the held requests (with what was pipelined behind them) run in the order they
// were held when the pause ends, interleaved with held RESP clients.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { memcachePort } from "../helpers/memcached.ts";
import { RawClient, resp } from "../helpers/raw.ts";
import { redisCli, startServer, type TestServer, waitFor } from "../helpers/server.ts";

let server: TestServer;
let mcPort: number;

beforeAll(async () => {
  server = await startServer({ set: ["listener.1.protocol=memcache", "listener.1.address=127.0.0.1:0"] });
  mcPort = memcachePort(server);
});

afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

// ---- helpers -----------------------------------------------------------------------------

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

/** One text request; its reply, read until it ends as `ending` says. */
async function call(c: RawClient, request: string, ending = /\r\n$/): Promise<string> {
  c.write(request);
  return readUntil(c, (s) => ending.test(s), JSON.stringify(request));
}

/** A RESP command through redis-cli on the server's RESP port. */
async function cli(...args: string[]): Promise<string> {
  return (await redisCli(server.port, args)).stdout;
}

async function blockedClients(): Promise<number> {
  return Number(/blocked_clients:(\d+)/.exec(await cli("INFO", "clients"))?.[1]);
}

/** Send `data` on a fresh memcache connection and wait until the pause holds it. */
async function held(data: string | Uint8Array, expectedBlocked: number, port = mcPort): Promise<RawClient> {
  const c = await RawClient.connect(port);
  c.write(data);
  await waitFor(async () => (await blockedClients()) === expectedBlocked, 5000, `${JSON.stringify(typeof data === "string" ? data : "binary")} to be held`);
  return c;
}

const enc = new TextEncoder();
const Op = { Get: 0x00, Set: 0x01, Delete: 0x04, Incr: 0x05, Flush: 0x08, Noop: 0x0a, SetQ: 0x11, Touch: 0x1c, GAT: 0x1d } as const;
const Status = { Ok: 0, KeyNotFound: 1 } as const;

/** A binary request frame. */
function frame(op: number, key = "", extras: number[] = [], value = "", opaque = 0): Uint8Array {
  const k = enc.encode(key);
  const v = enc.encode(value);
  const out = new Uint8Array(24 + extras.length + k.length + v.length);
  const dv = new DataView(out.buffer);
  out[0] = 0x80;
  out[1] = op;
  dv.setUint16(2, k.length);
  out[4] = extras.length;
  dv.setUint32(8, extras.length + k.length + v.length);
  dv.setUint32(12, opaque);
  out.set(extras, 24);
  out.set(k, 24 + extras.length);
  out.set(v, 24 + extras.length + k.length);
  return out;
}

const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const setExtras = (flags = 0, exptime = 0) => [...u32(flags), ...u32(exptime)];

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

interface Packet {
  opcode: number;
  status: number;
  opaque: number;
  value: string;
}

/** The next binary response packet. */
async function packet(c: RawClient, timeoutMs = 5000): Promise<Packet> {
  const head = await c.readBytes(24, timeoutMs);
  expect(head.length).toBe(24);
  const dv = new DataView(head.buffer, head.byteOffset, 24);
  const bodyLen = dv.getUint32(8);
  const body = bodyLen > 0 ? await c.readBytes(bodyLen, timeoutMs) : new Uint8Array(0);
  const skip = head[4] + dv.getUint16(2);
  return { opcode: head[1], status: dv.getUint16(6), opaque: dv.getUint32(12), value: new TextDecoder().decode(body.subarray(skip)) };
}

// ---- tests -------------------------------------------------------------------------------

describe("CLIENT PAUSE WRITE on memcache connections", () => {
  test("every text and meta storage command is held while gets, meta gets and admin requests answer; UNPAUSE runs them in order", async () => {
    expect(await cli("DEL", "mp:a", "mp:b", "mp:c")).toBe("0\n");
    const base = await blockedClients();
    expect(await cli("CLIENT", "PAUSE", "20000", "WRITE")).toBe("OK\n");
    // Each on its own connection, held one after another; the replies show the order they ran in.
    const script: [string, string][] = [
      ["set mp:a 0 0 1\r\n1\r\n", "STORED\r\n"],
      ["add mp:b 0 0 1\r\n2\r\n", "STORED\r\n"],
      ["replace mp:a 0 0 1\r\n3\r\n", "STORED\r\n"],
      ["append mp:a 0 0 1\r\n4\r\n", "STORED\r\n"],
      ["prepend mp:a 0 0 1\r\n5\r\n", "STORED\r\n"],
      ["incr mp:a 1\r\n", "535\r\n"],
      ["decr mp:a 2\r\n", "533\r\n"],
      ["touch mp:a 100\r\n", "TOUCHED\r\n"],
      ["gat 100 mp:b\r\n", "VALUE mp:b 0 1\r\n2\r\nEND\r\n"],
      ["cas mp:b 0 0 1 999999999\r\n9\r\n", "EXISTS\r\n"],
      ["delete mp:b\r\n", "DELETED\r\n"],
      ["ms mp:c 1\r\n7\r\n", "HD\r\n"],
      ["ma mp:c\r\n", "HD\r\n"],
      ["mg mp:c T30 v\r\n", "VA 1\r\n8\r\n"],
      ["md mp:c q\r\nmn\r\n", "MN\r\n"],
      ["flush_all\r\n", "OK\r\n"],
    ];
    const writers: RawClient[] = [];
    for (let i = 0; i < script.length; i++) writers.push(await held(script[i][0], base + i + 1));

    const reader = await RawClient.connect(mcPort);
    expect(await call(reader, "get mp:a mp:b\r\n")).toBe("END\r\n");
    expect(await call(reader, "gets mp:a\r\n")).toBe("END\r\n");
    expect(await call(reader, "mg mp:c v\r\n")).toBe("EN\r\n");
    expect(await call(reader, "mn\r\n")).toBe("MN\r\n");
    expect(await call(reader, "version\r\n")).toMatch(/^VERSION \S+\r\n$/);
    expect(await call(reader, "verbosity 1\r\n")).toBe("OK\r\n");
    expect(await call(reader, "nosuch\r\n")).toBe("ERROR\r\n");
    expect(await call(reader, "stats\r\n", /END\r\n$/)).toContain("STAT curr_connections");
    for (const w of writers) expect(w.pending()).toBe("");
    expect(await blockedClients()).toBe(base + script.length);

    expect(await cli("CLIENT", "UNPAUSE")).toBe("OK\n");
    for (let i = 0; i < script.length; i++) await expectBytes(writers[i], script[i][1]);
    expect(await blockedClients()).toBe(base);
    // flush_all ran last.
    expect(await call(reader, "get mp:a mp:b mp:c\r\n")).toBe("END\r\n");
    for (const c of [reader, ...writers]) c.close();
  });

  test("what a held client pipelines, and sends while held, waits behind the held request and runs in order", async () => {
    const base = await blockedClients();
    expect(await cli("CLIENT", "PAUSE", "20000", "WRITE")).toBe("OK\n");
    const c = await held("get mp:p\r\nset mp:p 0 0 1\r\n1\r\nget mp:p\r\n", base + 1);
    // The get before the held set was answered.
    await expectBytes(c, "END\r\n");
    c.write("append mp:p 0 0 1\r\n2\r\nget mp:p\r\n");
    const other = await RawClient.connect(mcPort);
    expect(await call(other, "get mp:p\r\n")).toBe("END\r\n");
    expect(c.pending()).toBe("");
    expect(await cli("CLIENT", "UNPAUSE")).toBe("OK\n");
    await expectBytes(c, "STORED\r\nVALUE mp:p 0 1\r\n1\r\nEND\r\nSTORED\r\nVALUE mp:p 0 2\r\n12\r\nEND\r\n");
    expect(await call(c, "delete mp:p\r\n")).toBe("DELETED\r\n");
    for (const x of [c, other]) x.close();
  });

  test("binary storage requests are held while a binary get answers", async () => {
    const base = await blockedClients();
    expect(await cli("CLIENT", "PAUSE", "20000", "WRITE")).toBe("OK\n");
    const setter = await held(frame(Op.Set, "mp:bin", setExtras(5), "v", 1), base + 1);
    // A quiet set with a get behind it on one connection: both wait, in order.
    const quiet = await held(concat(frame(Op.SetQ, "mp:binq", setExtras(), "q", 2), frame(Op.Get, "mp:binq", [], "", 3)), base + 2);
    const incr = await held(frame(Op.Incr, "mp:binc", [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0], "", 4), base + 3);
    const touch = await held(frame(Op.Touch, "mp:bin", u32(100), "", 5), base + 4);
    const gat = await held(frame(Op.GAT, "mp:bin", u32(100), "", 6), base + 5);

    const reader = await RawClient.connect(mcPort);
    reader.write(concat(frame(Op.Get, "mp:bin", [], "", 7), frame(Op.Noop, "", [], "", 8)));
    expect(await packet(reader)).toEqual({ opcode: Op.Get, status: Status.KeyNotFound, opaque: 7, value: "Not found" });
    expect(await packet(reader)).toEqual({ opcode: Op.Noop, status: Status.Ok, opaque: 8, value: "" });
    for (const c of [setter, quiet, incr, touch, gat]) expect(c.pending()).toBe("");

    expect(await cli("CLIENT", "UNPAUSE")).toBe("OK\n");
    expect(await packet(setter)).toEqual({ opcode: Op.Set, status: Status.Ok, opaque: 1, value: "" });
    expect(await packet(quiet)).toEqual({ opcode: Op.Get, status: Status.Ok, opaque: 3, value: "q" });
    expect(await packet(incr)).toEqual({ opcode: Op.Incr, status: Status.Ok, opaque: 4, value: "\0\0\0\0\0\0\0\t" });
    expect(await packet(touch)).toEqual({ opcode: Op.Touch, status: Status.Ok, opaque: 5, value: "" });
    expect(await packet(gat)).toEqual({ opcode: Op.GAT, status: Status.Ok, opaque: 6, value: "v" });
    reader.write(frame(Op.Get, "mp:bin", [], "", 9));
    expect(await packet(reader)).toEqual({ opcode: Op.Get, status: Status.Ok, opaque: 9, value: "v" });
    expect(await cli("DEL", "mp:bin", "mp:binq", "mp:binc")).toBe("3\n");
    for (const c of [setter, quiet, incr, touch, gat, reader]) c.close();
  });

  test("held memcache and RESP clients go on in the order they were held", async () => {
    expect(await cli("SET", "mp:order", "-")).toBe("OK\n");
    const base = await blockedClients();
    expect(await cli("CLIENT", "PAUSE", "20000", "WRITE")).toBe("OK\n");
    const clients: RawClient[] = [];
    for (let i = 0; i < 6; i++) {
      const request = i % 3 === 1 ? resp("APPEND", "mp:order", `r${i}`) : `append mp:order 0 0 2\r\nm${i}\r\n`;
      clients.push(await held(request, base + i + 1, i % 3 === 1 ? server.port : mcPort));
    }
    expect(await cli("CLIENT", "UNPAUSE")).toBe("OK\n");
    for (let i = 0; i < 6; i++) await readUntil(clients[i], (s) => s.endsWith("\r\n"), `client ${i}'s reply`);
    expect(await cli("GET", "mp:order")).toBe("-m0r1m2m3r4m5\n");
    expect(await cli("DEL", "mp:order")).toBe("1\n");
    for (const c of clients) c.close();
  });

  test("a held memcache client that disconnects leaves the queue", async () => {
    const base = await blockedClients();
    expect(await cli("CLIENT", "PAUSE", "20000", "WRITE")).toBe("OK\n");
    const gone = await held("set mp:gone 0 0 1\r\n1\r\n", base + 1);
    const stays = await held("set mp:stays 0 0 1\r\n1\r\n", base + 2);
    gone.close();
    await waitFor(async () => (await blockedClients()) === base + 1, 5000, "the closed client to leave");
    expect(await cli("CLIENT", "UNPAUSE")).toBe("OK\n");
    await expectBytes(stays, "STORED\r\n");
    expect(await cli("EXISTS", "mp:gone", "mp:stays")).toBe("1\n");
    expect(await cli("DEL", "mp:stays")).toBe("1\n");
    stays.close();
  });
});

describe("CLIENT PAUSE ALL on memcache connections", () => {
  test("holds every request, gets and binary gets included, until the pause ends; each connection's requests then run in order", async () => {
    expect(await cli("SET", "mp:all", "x")).toBe("OK\n");
    const base = await blockedClients();
    const text = await RawClient.connect(mcPort);
    const bin = await RawClient.connect(mcPort);
    const admin = await RawClient.connect(server.port);
    // Connections are opened before the pause: an ALL pause would hold redis-cli's INFO too.
    const started = Date.now();
    admin.write(resp("CLIENT", "PAUSE", "400", "ALL"));
    await expectBytes(admin, "+OK\r\n");
    text.write("get mp:all\r\nversion\r\nset mp:all 0 0 1\r\ny\r\nget mp:all\r\n");
    bin.write(concat(frame(Op.Get, "mp:all", [], "", 1), frame(Op.Noop, "", [], "", 2)));
    const replies = await readUntil(text, (s) => s.endsWith("y\r\nEND\r\n"), "the four replies");
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(replies).toMatch(/^VALUE mp:all 0 1\r\nx\r\nEND\r\nVERSION \S+\r\nSTORED\r\nVALUE mp:all 0 1\r\ny\r\nEND\r\n$/);
    const got = await packet(bin);
    expect(got.opcode).toBe(Op.Get);
    expect(got.status).toBe(Status.Ok);
    expect(await packet(bin)).toEqual({ opcode: Op.Noop, status: Status.Ok, opaque: 2, value: "" });
    expect(await blockedClients()).toBe(base);
    expect(await cli("DEL", "mp:all")).toBe("1\n");
    for (const c of [text, bin, admin]) c.close();
  });

  test("an ALL pause ends at its timeout; a WRITE pause after it holds a delete until UNPAUSE", async () => {
    const admin = await RawClient.connect(server.port);
    admin.write(resp("CLIENT", "PAUSE", "100", "ALL"));
    await expectBytes(admin, "+OK\r\n");
    const c = await RawClient.connect(mcPort);
    c.write("get mp:none\r\n");
    await expectBytes(c, "END\r\n");
    admin.write(resp("CLIENT", "UNPAUSE"));
    await expectBytes(admin, "+OK\r\n");
    const base = await blockedClients();
    admin.write(resp("CLIENT", "PAUSE", "20000", "WRITE"));
    await expectBytes(admin, "+OK\r\n");
    c.write("delete mp:none\r\n");
    await waitFor(async () => (await blockedClients()) === base + 1, 5000, "delete to be held");
    admin.write(resp("CLIENT", "UNPAUSE"));
    await expectBytes(admin, "+OK\r\n");
    await expectBytes(c, "NOT_FOUND\r\n");
    for (const x of [c, admin]) x.close();
  });
});
