// memcached's binary protocol over TCP: raw frames replayed against Crucible and a real
// memcached 1.6 run by the test and compared byte for byte (CAS values numbered by first
// appearance), the memjs client, and the keyspace shared with RESP.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Client as MemjsClient } from "memjs";
import { type Memcached, memcachePort, startMemcached } from "../helpers/memcached.ts";
import { parseReply, RawClient, resp, type RespValue } from "../helpers/raw.ts";
import { startServer, type TestServer, waitFor } from "../helpers/server.ts";

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

// ---- frames ------------------------------------------------------------------------------

const Op = {
  Get: 0x00, Set: 0x01, Add: 0x02, Replace: 0x03, Delete: 0x04, Incr: 0x05, Decr: 0x06, Quit: 0x07,
  Flush: 0x08, GetQ: 0x09, Noop: 0x0a, Version: 0x0b, GetK: 0x0c, GetKQ: 0x0d, Append: 0x0e, Prepend: 0x0f,
  Stat: 0x10, SetQ: 0x11, AddQ: 0x12, ReplaceQ: 0x13, DeleteQ: 0x14, IncrQ: 0x15, DecrQ: 0x16, QuitQ: 0x17,
  FlushQ: 0x18, AppendQ: 0x19, PrependQ: 0x1a, Verbosity: 0x1b, Touch: 0x1c, GAT: 0x1d, GATQ: 0x1e,
  SaslList: 0x20, SaslAuth: 0x21, SaslStep: 0x22, GATK: 0x23, GATKQ: 0x24,
} as const;

interface Req {
  op: number;
  key?: string | Uint8Array;
  extras?: number[] | Uint8Array;
  value?: string | Uint8Array;
  cas?: bigint;
  opaque?: number;
  magic?: number;
  datatype?: number;
  vbucket?: number;
  keyLen?: number;
  bodyLen?: number;
}

const enc = new TextEncoder();
const bytes = (v: string | Uint8Array | undefined) => (v === undefined ? new Uint8Array(0) : typeof v === "string" ? enc.encode(v) : v);

function frame(r: Req): Uint8Array {
  const key = bytes(r.key);
  const extras = r.extras instanceof Uint8Array ? r.extras : Uint8Array.from(r.extras ?? []);
  const value = bytes(r.value);
  const out = new Uint8Array(24 + extras.length + key.length + value.length);
  const dv = new DataView(out.buffer);
  out[0] = r.magic ?? 0x80;
  out[1] = r.op;
  dv.setUint16(2, r.keyLen ?? key.length);
  out[4] = extras.length;
  out[5] = r.datatype ?? 0;
  dv.setUint16(6, r.vbucket ?? 0);
  dv.setUint32(8, r.bodyLen ?? extras.length + key.length + value.length);
  dv.setUint32(12, r.opaque ?? 0x01020304);
  dv.setBigUint64(16, r.cas ?? 0n);
  out.set(extras, 24);
  out.set(key, 24 + extras.length);
  out.set(value, 24 + extras.length + key.length);
  return out;
}

const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const u64 = (n: bigint) => [...u32(Number((n >> 32n) & 0xffffffffn)), ...u32(Number(n & 0xffffffffn))];
/** Set/Add/Replace extras: flags, exptime. */
const store = (flags = 0, exptime = 0) => [...u32(flags), ...u32(exptime)];
/** Incr/Decr extras: delta, initial, exptime. */
const arith = (delta: bigint, initial = 0n, exptime = 0) => [...u64(delta), ...u64(initial), ...u32(exptime)];

interface Packet {
  opcode: number;
  status: number;
  opaque: number;
  cas: bigint;
  extras: Uint8Array;
  key: string;
  value: Uint8Array;
  raw: Uint8Array;
}

/** A binary connection: requests out, whole response packets in. */
class BinConn {
  private constructor(private c: RawClient) {}

  static async connect(p: number): Promise<BinConn> {
    return new BinConn(await RawClient.connect(p));
  }

  send(...reqs: Req[]): void {
    for (const r of reqs) this.c.write(frame(r));
  }

  write(data: Uint8Array): void {
    this.c.write(data);
  }

  async flushed(): Promise<void> {
    await this.c.flushed();
  }

  get closed(): boolean {
    return this.c.closed;
  }

  /** The next packet, or null when the peer closed first. */
  async packet(timeoutMs = 5000): Promise<Packet | null> {
    const head = await this.c.readBytes(24, timeoutMs);
    if (head.length < 24) return null;
    const dv = new DataView(head.buffer, head.byteOffset, 24);
    const bodyLen = dv.getUint32(8);
    const body = await this.c.readBytes(bodyLen, timeoutMs);
    if (body.length < bodyLen) return null;
    const keyLen = dv.getUint16(2);
    const extLen = head[4];
    const raw = new Uint8Array(24 + bodyLen);
    raw.set(head);
    raw.set(body, 24);
    return {
      opcode: head[1],
      status: dv.getUint16(6),
      opaque: dv.getUint32(12),
      cas: dv.getBigUint64(16),
      extras: body.subarray(0, extLen),
      key: new TextDecoder().decode(body.subarray(extLen, extLen + keyLen)),
      value: body.subarray(extLen + keyLen),
      raw,
    };
  }

  /**
   * Send a Noop and return every packet before its answer (the replies to what was sent
   * since the last sync); when the peer closes first, what came before, and `closed`.
   */
  async sync(): Promise<Packet[]> {
    this.send({ op: Op.Noop, opaque: 0x5e5e5e5e });
    const out: Packet[] = [];
    for (;;) {
      const p = await this.packet();
      if (p === null) return out;
      if (p.opcode === Op.Noop && p.opaque === 0x5e5e5e5e) return out;
      out.push(p);
    }
  }

  /** Every packet until the peer closes. */
  async drain(): Promise<Packet[]> {
    const out: Packet[] = [];
    for (;;) {
      const p = await this.packet();
      if (p === null) return out;
      out.push(p);
    }
  }

  close(): void {
    this.c.close();
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** A transcript line per packet, its CAS numbered by first appearance in the transcript. */
class Transcript {
  lines: string[] = [];
  private cas = new Map<bigint, number>();

  add(packets: Packet[]): Packet[] {
    for (const p of packets) {
      let c = "0";
      if (p.cas !== 0n) {
        if (!this.cas.has(p.cas)) this.cas.set(p.cas, this.cas.size + 1);
        c = `#${this.cas.get(p.cas)}`;
      }
      const value = new TextDecoder().decode(p.raw.subarray(24 + p.extras.length + Buffer.byteLength(p.key)));
      this.lines.push(`${hex(p.raw.subarray(0, 16))} cas=${c} ext=${hex(p.extras)} key=${JSON.stringify(p.key)} value=${JSON.stringify(value)}`);
    }
    return packets;
  }
}

/** One server's side of a comparison: `sync` runs the requests sent so far and records the replies. */
interface Side {
  /** A key unique to the scenario (the same on both servers). */
  k(name?: string): string;
  send(...reqs: Req[]): void;
  sync(): Promise<Packet[]>;
  /** Read until the server closes; records "<closed>". */
  drain(): Promise<Packet[]>;
}

type Scenario = (s: Side) => Promise<void>;

let scenarioCount = 0;

async function runOn(p: number, prefix: string, scenario: Scenario): Promise<string[]> {
  const conn = await BinConn.connect(p);
  const t = new Transcript();
  const side: Side = {
    k: (name = "k") => `${prefix}-${name}`,
    send: (...reqs) => conn.send(...reqs),
    sync: async () => t.add(await conn.sync()),
    drain: async () => {
      const out = t.add(await conn.drain());
      t.lines.push("<closed>");
      return out;
    },
  };
  try {
    await scenario(side);
    if (t.lines.at(-1) !== "<closed>") await side.sync();
  } finally {
    conn.close();
  }
  return t.lines;
}

/** Run a scenario against Crucible and memcached; returns [ours, theirs]. */
async function both(scenario: Scenario): Promise<[string[], string[]]> {
  const prefix = `b${++scenarioCount}`;
  const [ours, theirs] = await Promise.all([runOn(port, prefix, scenario), runOn(mc.port, prefix, scenario)]);
  return [ours, theirs];
}

async function expectSame(scenario: Scenario): Promise<string[]> {
  const [ours, theirs] = await both(scenario);
  expect(ours.join("\n")).toBe(theirs.join("\n"));
  expect(ours.length).toBeGreaterThan(0);
  return ours;
}

const big = new Uint8Array(2 * 1024 * 1024).fill(120);

// ---- byte-for-byte against memcached ------------------------------------------------------

describe("binary protocol matches memcached 1.6", () => {
  test("Get, GetQ, GetK, GetKQ on a miss and a hit; flags and opaque come back", async () => {
    const lines = await expectSame(async (s) => {
      const k = s.k();
      s.send({ op: Op.Get, key: k, opaque: 1 }, { op: Op.GetK, key: k, opaque: 2 }, { op: Op.GetQ, key: k }, { op: Op.GetKQ, key: k });
      await s.sync();
      s.send({ op: Op.Set, key: k, extras: store(0xdeadbeef), value: "bar", opaque: 0xffffffff });
      s.send({ op: Op.Get, key: k }, { op: Op.GetK, key: k }, { op: Op.GetQ, key: k, opaque: 3 }, { op: Op.GetKQ, key: k, opaque: 4 });
      await s.sync();
    });
    expect(lines.length).toBe(7);
  });

  test("Set, Add, Replace and their quiet forms: success silent when quiet, errors always", async () => {
    await expectSame(async (s) => {
      const k = s.k();
      s.send({ op: Op.Replace, key: k, extras: store(), value: "r" });
      s.send({ op: Op.Add, key: k, extras: store(1), value: "a" });
      s.send({ op: Op.Add, key: k, extras: store(), value: "b" });
      s.send({ op: Op.Replace, key: k, extras: store(2), value: "c" });
      s.send({ op: Op.Get, key: k });
      s.send({ op: Op.SetQ, key: k, extras: store(3), value: "d" });
      s.send({ op: Op.AddQ, key: k, extras: store(), value: "e" });
      s.send({ op: Op.ReplaceQ, key: s.k("missing"), extras: store(), value: "f" });
      s.send({ op: Op.ReplaceQ, key: k, extras: store(4), value: "g" });
      s.send({ op: Op.AddQ, key: s.k("new"), extras: store(), value: "h" });
      s.send({ op: Op.GetK, key: k }, { op: Op.GetK, key: s.k("new") });
      await s.sync();
    });
  });

  test("CAS on Set, Add and Replace: missing, mismatched, matching, beyond 2^53", async () => {
    await expectSame(async (s) => {
      const k = s.k();
      s.send({ op: Op.Set, key: k, extras: store(), value: "x", cas: 1n });
      s.send({ op: Op.Add, key: k, extras: store(), value: "x", cas: 1n });
      s.send({ op: Op.Set, key: k, extras: store(), value: "v1" });
      const [, , set] = await s.sync();
      s.send({ op: Op.Set, key: k, extras: store(), value: "v2", cas: set.cas + 1000n });
      s.send({ op: Op.Set, key: k, extras: store(), value: "v2", cas: 2n ** 53n });
      s.send({ op: Op.Set, key: k, extras: store(), value: "v2", cas: 2n ** 64n - 1n });
      s.send({ op: Op.Replace, key: k, extras: store(), value: "v2", cas: 5n });
      s.send({ op: Op.Set, key: k, extras: store(9), value: "v2", cas: set.cas });
      const replies = await s.sync();
      const fresh = replies.at(-1)!;
      s.send({ op: Op.Set, key: k, extras: store(), value: "v3", cas: set.cas });
      s.send({ op: Op.Add, key: k, extras: store(7), value: "v3", cas: fresh.cas });
      s.send({ op: Op.GetK, key: k });
      await s.sync();
    });
  });

  test("Append and Prepend: missing key, flags kept, CAS checked, quiet forms", async () => {
    await expectSame(async (s) => {
      const k = s.k();
      s.send({ op: Op.Append, key: k, value: "x" }, { op: Op.PrependQ, key: k, value: "x" }, { op: Op.Append, key: k, value: "x", cas: 1n });
      s.send({ op: Op.Set, key: k, extras: store(42), value: "mid" });
      const [, , , set] = await s.sync();
      s.send({ op: Op.Append, key: k, value: ">" }, { op: Op.Prepend, key: k, value: "<" });
      s.send({ op: Op.AppendQ, key: k, value: "]" }, { op: Op.PrependQ, key: k, value: "[" });
      s.send({ op: Op.Append, key: k, value: "!", cas: set.cas });
      s.send({ op: Op.Append, key: k, value: "!", cas: 2n ** 60n });
      s.send({ op: Op.Get, key: k });
      const got = await s.sync();
      s.send({ op: Op.Prepend, key: k, value: "^", cas: got.at(-1)!.cas });
      s.send({ op: Op.Get, key: k });
      await s.sync();
    });
  });

  test("Delete and DeleteQ: miss, hit, CAS mismatch and match", async () => {
    await expectSame(async (s) => {
      const k = s.k();
      s.send({ op: Op.Delete, key: k }, { op: Op.DeleteQ, key: k }, { op: Op.Delete, key: k, cas: 3n });
      s.send({ op: Op.Set, key: k, extras: store(), value: "x" });
      const [, , , set] = await s.sync();
      s.send({ op: Op.Delete, key: k, cas: set.cas + 1n }, { op: Op.Delete, key: k, cas: 2n ** 63n }, { op: Op.Get, key: k });
      s.send({ op: Op.Delete, key: k, cas: set.cas }, { op: Op.Get, key: k });
      s.send({ op: Op.Set, key: k, extras: store(), value: "y" }, { op: Op.DeleteQ, key: k }, { op: Op.Get, key: k });
      await s.sync();
    });
  });

  test("Increment and Decrement: create from initial, no-create, wrap, floor, CAS, quiet", async () => {
    await expectSame(async (s) => {
      const k = s.k();
      s.send({ op: Op.Incr, key: k, extras: arith(5n, 10n, 0xffffffff) });
      s.send({ op: Op.Decr, key: k, extras: arith(5n, 10n, 0xffffffff) });
      s.send({ op: Op.Incr, key: k, extras: arith(5n, 10n) });
      s.send({ op: Op.Incr, key: k, extras: arith(5n, 10n) });
      s.send({ op: Op.Decr, key: k, extras: arith(3n) });
      s.send({ op: Op.Decr, key: k, extras: arith(100n) });
      // No read after a result that got shorter: memcached pads it with spaces in place.
      s.send({ op: Op.Decr, key: s.k("d"), extras: arith(1n, 2n ** 64n - 1n) });
      s.send({ op: Op.Incr, key: s.k("d"), extras: arith(3n) });
      s.send({ op: Op.IncrQ, key: k, extras: arith(1n) }, { op: Op.DecrQ, key: k, extras: arith(1n) });
      s.send({ op: Op.IncrQ, key: s.k("none"), extras: arith(1n, 0n, 0xffffffff) });
      s.send({ op: Op.DecrQ, key: s.k("q"), extras: arith(1n, 7n) }, { op: Op.Get, key: s.k("q") });
      s.send({ op: Op.Incr, key: s.k("q"), extras: arith(1n), cas: 1n });
      const replies = await s.sync();
      s.send({ op: Op.Incr, key: s.k("q"), extras: arith(1n), cas: replies.at(-2)!.cas });
      await s.sync();
    });
  });

  test("Increment: 64-bit wrap and non-numeric values", async () => {
    await expectSame(async (s) => {
      const k = s.k();
      s.send({ op: Op.Set, key: k, extras: store(), value: "18446744073709551615" }, { op: Op.Incr, key: k, extras: arith(2n) });
      s.send({ op: Op.Set, key: k, extras: store(), value: "18446744073709551616" }, { op: Op.Incr, key: k, extras: arith(1n) });
      s.send({ op: Op.Set, key: k, extras: store(), value: "hello" }, { op: Op.Incr, key: k, extras: arith(1n) });
      s.send({ op: Op.Incr, key: k, extras: arith(1n), cas: 99n }, { op: Op.DecrQ, key: k, extras: arith(1n) });
      s.send({ op: Op.Set, key: k, extras: store(), value: "" }, { op: Op.Incr, key: k, extras: arith(1n) });
      s.send({ op: Op.Incr, key: k, extras: arith(1n), cas: 99n });
      s.send({ op: Op.Set, key: k, extras: store(), value: "-1" }, { op: Op.Decr, key: k, extras: arith(1n) });
      await s.sync();
    });
  });

  test("Touch, GAT, GATQ, GATK, GATKQ: hit and miss; touch into the past expires", async () => {
    await expectSame(async (s) => {
      const k = s.k();
      const m = s.k("missing");
      s.send({ op: Op.Touch, key: m, extras: u32(10) }, { op: Op.GAT, key: m, extras: u32(10) }, { op: Op.GATK, key: m, extras: u32(10) });
      s.send({ op: Op.GATQ, key: m, extras: u32(10) }, { op: Op.GATKQ, key: m, extras: u32(10) });
      s.send({ op: Op.Set, key: k, extras: store(0x0badf00d), value: "value" });
      s.send({ op: Op.Touch, key: k, extras: u32(100) }, { op: Op.GAT, key: k, extras: u32(100) }, { op: Op.GATK, key: k, extras: u32(100) });
      s.send({ op: Op.GATQ, key: k, extras: u32(100) }, { op: Op.GATKQ, key: k, extras: u32(0xffffffff) });
      s.send({ op: Op.GetK, key: k });
      // A Unix time in 1978: the touch answers the item, which is then gone.
      s.send({ op: Op.GAT, key: k, extras: u32(0x10000000) }, { op: Op.GetK, key: k });
      await s.sync();
    });
  });

  test("exptime in Set: far-future absolute times live, past ones expire at once", async () => {
    await expectSame(async (s) => {
      const k = s.k();
      s.send({ op: Op.Set, key: k, extras: store(1, 0xffffffff), value: "a" }, { op: Op.Get, key: k });
      s.send({ op: Op.Set, key: k, extras: store(1, 0x80000000), value: "b" }, { op: Op.Get, key: k });
      s.send({ op: Op.Set, key: k, extras: store(1, 2592000), value: "c" }, { op: Op.Get, key: k });
      s.send({ op: Op.Set, key: k, extras: store(1, 1_000_000_000), value: "d" }, { op: Op.Get, key: k });
      await s.sync();
    });
  });

  test("Noop, Version, unknown opcodes, Verbosity and SASL without SASL", async () => {
    await expectSame(async (s) => {
      s.send({ op: Op.Noop, opaque: 9 }, { op: Op.Version, opaque: 10 });
      // Only value bodies: memcached swallows the extras and key of an unknown opcode twice.
      s.send({ op: Op.Verbosity }, { op: 0x50, value: "abc" }, { op: 0xff, value: "v" }, { op: 0x1f });
      s.send({ op: Op.SaslList }, { op: Op.SaslAuth, key: "PLAIN", value: "\0user\0pass" }, { op: Op.SaslStep, key: "PLAIN" });
      await s.sync();
    });
  });

  test("datatype and vbucket are ignored; a 250-byte key is fine", async () => {
    await expectSame(async (s) => {
      const k = s.k();
      s.send({ op: Op.Set, key: k, extras: store(), value: "v", datatype: 1, vbucket: 77 }, { op: Op.GetK, key: k, datatype: 2 });
      s.send({ op: Op.GetK, key: "k".repeat(250) });
      await s.sync();
    });
  });

  test("values over the limit: Too large., a failed Set drops the old value, the stream goes on", async () => {
    await expectSame(async (s) => {
      const k = s.k();
      const over = big.subarray(0, 1024 * 1024 + 10);
      s.send({ op: Op.Set, key: k, extras: store(), value: "a" }, { op: Op.Set, key: k, extras: store(), value: big }, { op: Op.Get, key: k });
      s.send({ op: Op.Set, key: k, extras: store(), value: "a" }, { op: Op.Replace, key: k, extras: store(), value: big }, { op: Op.Get, key: k });
      s.send({ op: Op.SetQ, key: s.k("q"), extras: store(), value: big }, { op: Op.Append, key: k, value: big }, { op: Op.Get, key: k });
      s.send({ op: Op.Add, key: s.k("a"), extras: store(), value: over }, { op: Op.Set, key: k, extras: store(), value: over }, { op: Op.Get, key: k });
      await s.sync();
    });
  });

  test("Stat errors and reset: unknown section, conns (text only), reset as a prefix", async () => {
    await expectSame(async (s) => {
      s.send({ op: Op.Stat, key: "nosuch" }, { op: Op.Stat, key: "conns" }, { op: Op.Stat, key: "reset", opaque: 7 }, { op: Op.Stat, key: "resetfoo" });
      await s.sync();
    });
  });

  test("Quit answers then closes; QuitQ closes silently", async () => {
    await expectSame(async (s) => {
      s.send({ op: Op.Set, key: s.k(), extras: store(), value: "x" }, { op: Op.Quit }, { op: Op.Get, key: s.k() });
      await s.drain();
    });
    await expectSame(async (s) => {
      s.send({ op: Op.SetQ, key: s.k(), extras: store(), value: "x" }, { op: Op.QuitQ }, { op: Op.Get, key: s.k() });
      await s.drain();
    });
  });

  test("Flush and FlushQ empty the cache", async () => {
    await expectSame(async (s) => {
      const k = s.k();
      s.send({ op: Op.Set, key: k, extras: store(), value: "x" }, { op: Op.Flush }, { op: Op.Get, key: k });
      s.send({ op: Op.Set, key: k, extras: store(), value: "x" }, { op: Op.FlushQ }, { op: Op.Get, key: k });
      s.send({ op: Op.Set, key: k, extras: store(), value: "x" }, { op: Op.Flush, extras: u32(0) }, { op: Op.Get, key: k });
      await s.sync();
    });
  });
});

// Requests memcached will not trust: it answers and closes the connection.
const malformed: [string, Req][] = [
  ["key over 250 bytes", { op: Op.Get, key: "k".repeat(251) }],
  ["key over 250 bytes, unknown opcode", { op: 0x50, key: "k".repeat(251) }],
  ["key and extras longer than the body", { op: Op.Get, key: "xyz", bodyLen: 2 }],
  ["Get with extras", { op: Op.Get, key: "k", extras: [1] }],
  ["Get with a value", { op: Op.Get, key: "k", value: "v" }],
  ["Get without a key", { op: Op.Get }],
  ["Set with 4 bytes of extras", { op: Op.Set, key: "k", extras: [1, 2, 3, 4] }],
  ["Set without a key", { op: Op.Set, extras: store(), value: "v" }],
  ["Add without extras", { op: Op.Add, key: "k", value: "v" }],
  ["Delete with extras", { op: Op.Delete, key: "k", extras: [0, 0, 0, 0] }],
  ["Delete with a value", { op: Op.Delete, key: "k", value: "v" }],
  ["Delete without a key", { op: Op.Delete }],
  ["Increment with short extras", { op: Op.Incr, key: "k", extras: [0, 0, 0, 0] }],
  ["Increment with a value", { op: Op.Incr, key: "k", extras: arith(1n), value: "v" }],
  ["Append with extras", { op: Op.Append, key: "k", extras: [0] }],
  ["Append without a key", { op: Op.Append, value: "x" }],
  ["Touch without extras", { op: Op.Touch, key: "k" }],
  ["GAT without a key", { op: Op.GAT, extras: [0, 0, 0, 0] }],
  ["Stat with extras", { op: Op.Stat, extras: [0, 0, 0, 0] }],
  ["Flush with 5 bytes of extras", { op: Op.Flush, extras: [0, 0, 0, 0, 0] }],
  ["Flush with a key", { op: Op.Flush, key: "x" }],
  ["Noop with a key", { op: Op.Noop, key: "x" }],
  ["Version with a value", { op: Op.Version, value: "x" }],
  ["Quit with a key", { op: Op.Quit, key: "x" }],
  ["SASL list with a value", { op: Op.SaslList, value: "x" }],
  ["SASL auth without a key", { op: Op.SaslAuth }],
];

describe("malformed requests: answered like memcached, then the connection closes", () => {
  for (const [name, req] of malformed) {
    test(name, async () => {
      const lines = await expectSame(async (s) => {
        s.send({ op: Op.Noop, opaque: 1 }, req, { op: Op.Noop, opaque: 2 });
        await s.drain();
      });
      expect(lines.at(-1)).toBe("<closed>");
      expect(lines.length).toBe(3);
    });
  }

  test("a bad magic byte after a good frame: closed without a reply", async () => {
    const lines = await expectSame(async (s) => {
      s.send({ op: Op.Noop, opaque: 1 }, { op: Op.Get, key: "k", magic: 0x81 }, { op: Op.Noop });
      await s.drain();
    });
    expect(lines.length).toBe(2);
  });
});

// ---- Crucible on its own ------------------------------------------------------------------

async function exchangeOurs(...reqs: Req[]): Promise<Packet[]> {
  const c = await BinConn.connect(port);
  try {
    c.send(...reqs);
    return await c.sync();
  } finally {
    c.close();
  }
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe("binary protocol", () => {
  test("a pipelined stream split at every byte gives the same replies as in one write", async () => {
    const reqs: Req[] = [
      { op: Op.Set, key: "split", extras: store(3), value: "hello" },
      { op: Op.GetK, key: "split" },
      { op: Op.AppendQ, key: "split", value: "!" },
      { op: Op.Incr, key: "split-n", extras: arith(1n, 5n) },
      { op: Op.Get, key: "split" },
      { op: Op.Delete, key: "split" },
    ];
    const whole = await exchangeOurs(...reqs);
    const c = await BinConn.connect(port);
    const stream = Buffer.concat([...reqs.map(frame), frame({ op: Op.Noop, opaque: 0x5e5e5e5e })]);
    await exchangeOurs({ op: Op.Delete, key: "split-n" });
    for (const b of stream) {
      c.write(Uint8Array.of(b));
      await c.flushed();
    }
    const split: Packet[] = [];
    for (let p = await c.packet(); p && p.opcode !== Op.Noop; p = await c.packet()) split.push(p);
    c.close();
    const shape = (ps: Packet[]) => ps.map((p) => [p.opcode, p.status, p.key, text(p.value)]);
    expect(shape(split)).toEqual(shape(whole));
    expect(text(whole[3].value)).toBe("hello!");
  });

  test("an oversized value arriving in pieces is swallowed and the stream goes on", async () => {
    const c = await BinConn.connect(port);
    const req = frame({ op: Op.Set, key: "huge", extras: store(), value: new Uint8Array(3 * 1024 * 1024).fill(65), opaque: 77 });
    for (let at = 0; at < req.length; at += 64 * 1024) {
      c.write(req.subarray(at, Math.min(req.length, at + 64 * 1024)));
      await c.flushed();
    }
    const replies = await c.sync();
    c.close();
    expect(replies.map((p) => [p.status, p.opaque, text(p.value)])).toEqual([[3, 77, "Too large."]]);
  });

  test("unknown opcodes with extras or a key (Verbosity too): Unknown command, and the next request is still framed", async () => {
    // memcached 1.6.18 swallows their extras and key twice and loses the stream; Crucible frames them.
    const replies = await exchangeOurs(
      { op: Op.Verbosity, extras: u32(1) }, { op: 0xff, key: "k", value: "v" }, { op: 0x30, extras: [1, 2], key: "kk" }, { op: Op.Version },
    );
    expect(replies.map((p) => [p.opcode, p.status, text(p.value)])).toEqual([
      [Op.Verbosity, 0x81, "Unknown command"], [0xff, 0x81, "Unknown command"], [0x30, 0x81, "Unknown command"], [Op.Version, 0, "1.6.18"],
    ]);
  });

  test("a delayed Flush leaves keys until its time, then drops them", async () => {
    const c = await BinConn.connect(port);
    c.send({ op: Op.Set, key: "later", extras: store(), value: "x" }, { op: Op.Flush, extras: u32(1) }, { op: Op.Get, key: "later" });
    const replies = await c.sync();
    expect(replies.map((p) => p.status)).toEqual([0, 0, 0]);
    await waitFor(async () => {
      c.send({ op: Op.Get, key: "later" });
      const [p] = await c.sync();
      return p.status === 1;
    }, 5000, "the delayed flush");
    c.close();
  });

  test("Stat: general, settings, items and slabs end with an empty packet", async () => {
    const c = await BinConn.connect(port);
    for (const key of ["", "settings", "settingsX", "items", "slabs"]) {
      c.send({ op: Op.Stat, key, opaque: 0xabc });
      const packets = await c.sync();
      const last = packets.at(-1)!;
      expect(last.raw.length).toBe(24);
      expect(last.key).toBe("");
      for (const p of packets) expect([p.opcode, p.status, p.opaque, p.cas]).toEqual([Op.Stat, 0, 0xabc, 0n]);
      const stats = Object.fromEntries(packets.slice(0, -1).map((p) => [p.key, text(p.value)]));
      if (key === "") {
        expect(stats.version).toBe("1.6.18");
        expect(Number(stats.pid)).toBe(server.proc.pid);
        for (const f of ["uptime", "curr_connections", "cmd_get", "get_hits", "curr_items", "total_items", "bytes"]) expect(stats[f]).toMatch(/^\d+$/);
      }
      if (key.startsWith("settings")) {
        expect(stats.item_size_max).toBe(String(1024 * 1024));
        expect(stats.tcpport).toMatch(/^\d+$/);
      }
      if (key === "slabs") expect(stats.active_slabs).toMatch(/^\d+$/);
    }
    c.close();
  });

  test("stat counters move as memcached's do", async () => {
    const counters = [
      "cmd_get", "cmd_set", "cmd_flush", "cmd_touch", "get_hits", "get_misses", "delete_misses", "delete_hits",
      "incr_misses", "incr_hits", "decr_misses", "decr_hits", "cas_misses", "cas_hits", "cas_badval",
      "touch_hits", "touch_misses", "total_items",
    ];
    const run = async (p: number, cas: (c: BinConn) => Promise<bigint>) => {
      const c = await BinConn.connect(p);
      c.send({ op: Op.Stat, key: "reset" });
      await c.sync();
      const k = "stat-k";
      c.send({ op: Op.Get, key: k }, { op: Op.GetKQ, key: k }, { op: Op.Set, key: k, extras: store(), value: "1" }, { op: Op.GetK, key: k });
      c.send({ op: Op.Add, key: k, extras: store(), value: "1" }, { op: Op.Replace, key: k, extras: store(), value: "2" });
      c.send({ op: Op.Set, key: k, extras: store(), value: "3", cas: 1n }, { op: Op.Set, key: "stat-m", extras: store(), value: "3", cas: 1n });
      c.send({ op: Op.Append, key: k, value: "0" }, { op: Op.Incr, key: k, extras: arith(1n) }, { op: Op.Decr, key: k, extras: arith(1n) });
      c.send({ op: Op.Incr, key: "stat-c", extras: arith(1n, 5n) }, { op: Op.Decr, key: "stat-m", extras: arith(1n, 0n, 0xffffffff) });
      c.send({ op: Op.Touch, key: k, extras: u32(100) }, { op: Op.GAT, key: k, extras: u32(100) }, { op: Op.GATQ, key: "stat-m", extras: u32(1) });
      c.send({ op: Op.Delete, key: k, cas: 5n }, { op: Op.Set, key: k, extras: store(), value: "z" });
      await c.sync();
      c.send({ op: Op.Set, key: k, extras: store(), value: "y", cas: await cas(c) }, { op: Op.Delete, key: k }, { op: Op.Delete, key: k });
      c.send({ op: Op.Flush, extras: u32(0) }, { op: Op.Stat });
      const packets = await c.sync();
      c.close();
      const stats = Object.fromEntries(packets.filter((p) => p.opcode === Op.Stat).map((p) => [p.key, text(p.value)]));
      return Object.fromEntries(counters.map((n) => [n, stats[n]]));
    };
    const casOf = async (c: BinConn) => {
      c.send({ op: Op.GetQ, key: "stat-k" });
      const [p] = await c.sync();
      return p.cas;
    };
    const ours = await run(port, casOf);
    const theirs = await run(mc.port, casOf);
    expect(ours).toEqual(theirs);
    expect(ours.cmd_set).not.toBe("0");
  });
});

describe("out of memory", () => {
  test("with noeviction a full heap answers Out of memory (0x0082); a failed Set drops the old value", async () => {
    const small = await startServer({
      set: ["listener.1.protocol=memcache", "listener.1.address=127.0.0.1:0", "cache.heap_size=1MB", "cache.segment_size=64KB", "cache.eviction=noeviction"],
    });
    try {
      const c = await BinConn.connect(memcachePort(small));
      c.send({ op: Op.Set, key: "keep", extras: store(), value: "old" });
      expect((await c.sync())[0].status).toBe(0);
      const value = new Uint8Array(32 * 1024).fill(118);
      let last: Packet | undefined;
      for (let i = 0; i < 1000; i++) {
        c.send({ op: Op.SetQ, key: `fill-${i}`, extras: store(), value });
        [last] = await c.sync();
        if (last) break;
      }
      expect(last && [last.opcode, last.status, text(last.value)]).toEqual([Op.SetQ, 0x82, "Out of memory"]);
      c.send({ op: Op.Set, key: "keep", extras: store(), value }, { op: Op.Get, key: "keep" }, { op: Op.Get, key: "fill-0" });
      const replies = await c.sync();
      expect(replies.map((p) => [p.status, text(p.value).slice(0, 13)])).toEqual([[0x82, "Out of memory"], [1, "Not found"], [0, "vvvvvvvvvvvvv"]]);
      c.close();
    } finally {
      await small.stop();
    }
  });
});

// ---- memjs, a binary-protocol client from npm ------------------------------------------------

async function memjsScript(p: number): Promise<unknown[]> {
  const client = MemjsClient.create(`127.0.0.1:${p}`, { retries: 1, timeout: 2, logger: { log() {} } });
  const out: unknown[] = [];
  const str = (v: Buffer | null | undefined) => (v ? v.toString() : v);
  /** memjs rejects on statuses it has no word for (Not stored., Too large.): keep the message. */
  const attempt = <T>(p: Promise<T>) => p.catch((e: Error) => `error: ${e.message}`);
  try {
    out.push(await client.set("mj-a", "alpha", { expires: 0 }));
    const got = await client.get("mj-a");
    out.push(str(got.value), got.flags ? [...got.flags] : got.flags);
    out.push(str((await client.get("mj-missing")).value));
    out.push(await client.add("mj-a", "x", {}), await client.add("mj-b", "beta", {}));
    out.push(await client.replace("mj-missing", "x", {}), await client.replace("mj-b", "BETA", {}));
    out.push(await client.append("mj-b", "+"), await client.prepend("mj-b", "-"), await attempt(client.append("mj-missing", "+")));
    out.push(str((await client.get("mj-b")).value));
    out.push(await client.increment("mj-n", 5, { initial: 10 }), await client.increment("mj-n", 5, {}));
    out.push(await client.decrement("mj-n", 100, {}));
    out.push(await client.touch("mj-b", 100), await client.touch("mj-missing", 100));
    out.push(await client.delete("mj-a"), await client.delete("mj-a"));
    out.push(str((await client.get("mj-a")).value));
    const stats = await new Promise<Record<string, string>>((resolve, reject) =>
      client.stats((err, _server, s) => (err ? reject(err) : resolve(s ?? {}))),
    );
    out.push(stats.version, typeof stats.pid);
    out.push(Object.values(await client.flush()));
    out.push(str((await client.get("mj-b")).value));
    out.push(await attempt(client.set("mj-big", Buffer.alloc(2 * 1024 * 1024), {})));
  } finally {
    client.close();
  }
  return out;
}

describe("memjs client", () => {
  test("every call gives the same result as against memcached", async () => {
    const ours = await memjsScript(port);
    const theirs = await memjsScript(mc.port);
    expect(ours).toEqual(theirs);
    expect(ours[0]).toBe(true);
    expect(ours[1]).toBe("alpha");
    expect(ours.at(-2)).toBeNull();
    expect(ours.at(-1)).toBe("error: MemJS SET: Value too large");
  });
});

// ---- one keyspace with RESP --------------------------------------------------------------

async function respCall(c: RawClient, ...args: string[]): Promise<RespValue> {
  c.write(resp(...args));
  let got = "";
  for (;;) {
    const r = parseReply(got);
    if (r) return r.value;
    got += await c.read(1);
  }
}

describe("binary and RESP share the keyspace", () => {
  test("set over binary, read over RESP; set over RESP, read over binary", async () => {
    const r = await RawClient.connect(server.port);
    const [set] = await exchangeOurs({ op: Op.Set, key: "xb", extras: store(5, 100), value: "from-binary" });
    expect(set.status).toBe(0);
    expect(await respCall(r, "GET", "xb")).toBe("from-binary");
    expect(await respCall(r, "TTL", "xb")).toBeOneOf([99, 100]);
    expect(await respCall(r, "SET", "xr", "from-resp")).toBe("OK");
    const [get] = await exchangeOurs({ op: Op.GetK, key: "xr" });
    expect([get.status, get.key, [...get.extras], text(get.value)]).toEqual([0, "xr", [0, 0, 0, 0], "from-resp"]);
    // Counters move on both sides.
    await exchangeOurs({ op: Op.Incr, key: "xn", extras: arith(1n, 40n) });
    expect(await respCall(r, "INCR", "xn")).toBe(41);
    const [incr] = await exchangeOurs({ op: Op.Incr, key: "xn", extras: arith(1n) });
    expect(incr.value).toEqual(Uint8Array.from(u64(42n)));
    expect(await respCall(r, "GET", "xn")).toBe("42");
    // Deletes and flush over binary are seen over RESP.
    await exchangeOurs({ op: Op.Delete, key: "xr" });
    expect(await respCall(r, "EXISTS", "xr")).toBe(0);
    // memcache sees database 0 only.
    expect(await respCall(r, "SELECT", "1")).toBe("OK");
    expect(await respCall(r, "SET", "x1", "db1")).toBe("OK");
    const [other] = await exchangeOurs({ op: Op.Get, key: "x1" });
    expect(other.status).toBe(1);
    // A type memcache has no word for is a miss and is not appended to (once lists exist).
    expect(await respCall(r, "SELECT", "0")).toBe("OK");
    const pushed = await respCall(r, "RPUSH", "xl", "a");
    if (typeof pushed === "number") {
      const [miss, app] = await exchangeOurs({ op: Op.Get, key: "xl" }, { op: Op.Append, key: "xl", value: "x" });
      expect([miss.status, app.status]).toEqual([1, 5]);
      expect(await respCall(r, "LRANGE", "xl", "0", "-1")).toEqual(["a"]);
    }
    r.close();
  });
});
