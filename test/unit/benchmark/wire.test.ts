// crucible-benchmark's bytes on the wire: requests for each protocol, and the incremental
// reply parsers (every reply cut at every byte is "incomplete" until its last byte).
import { describe, expect, test } from "bun:test";
import { KeyChooser, keyString, Rng, writeKey, ZipfSampler } from "../../../src/benchmark/keys.ts";
import { INCOMPLETE, Kind, MALFORMED, ReplyReader, RequestWriter, Status, ValuePool, writeUint } from "../../../src/benchmark/wire.ts";

const enc = new TextEncoder();
const latin1 = (b: Uint8Array) => Array.from(b, (c) => String.fromCharCode(c)).join("");

/** A KeyChooser stand-in that hands out the given indexes in turn. */
function fixedKeys(...indexes: number[]): KeyChooser {
  let i = 0;
  return { count: 1000, next: () => indexes[i++ % indexes.length]! } as unknown as KeyChooser;
}

function writer(protocol: "resp" | "resp3" | "memcache" | "memcache_binary", keys: KeyChooser, valueLength = 4, batch = 3): RequestWriter {
  return new RequestWriter(protocol, 6, batch, keys, new ValuePool(valueLength, valueLength, new Rng(1)));
}

function encode(w: RequestWriter, kind: number): Uint8Array {
  const out = new Uint8Array(w.maxRequestBytes);
  const end = w.write(kind, out, 0);
  return out.slice(0, end);
}

describe("keys", () => {
  test("zero-padded decimal indexes of a fixed length", () => {
    const out = new Uint8Array(8);
    expect(writeKey(out, 1, 6, 42)).toBe(7);
    expect(latin1(out.subarray(1, 7))).toBe("000042");
    writeKey(out, 0, 6, 999999);
    expect(latin1(out.subarray(0, 6))).toBe("999999");
    writeKey(out, 0, 6, 0);
    expect(latin1(out.subarray(0, 6))).toBe("000000");
    expect(keyString(6, 42)).toBe("000042");
  });

  test("writeUint", () => {
    const out = new Uint8Array(20);
    for (const n of [0, 7, 10, 99, 100, 65536, 123456789]) {
      const end = writeUint(out, 2, n);
      expect(latin1(out.subarray(2, end))).toBe(String(n));
    }
  });

  test("uniform draws cover the keyspace evenly", () => {
    const keys = new KeyChooser(10, "uniform", 1, new Rng(7));
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[keys.next()]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(600);
  });

  test("zipf draws follow 1/k^s", () => {
    const n = 1000;
    const s = 1.0;
    const rng = new Rng(3);
    const z = new ZipfSampler(n, s);
    const counts = new Array(n + 1).fill(0);
    const draws = 200_000;
    for (let i = 0; i < draws; i++) counts[z.sample(rng)]++;
    let h = 0;
    for (let k = 1; k <= n; k++) h += 1 / k ** s;
    for (const k of [1, 2, 3, 10]) {
      const expected = draws / k ** s / h;
      expect(Math.abs(counts[k] - expected) / expected).toBeLessThan(0.05);
    }
    expect(counts[0]).toBe(0);
  });

  test("zipf with another exponent, and the chooser's indexes are 0-based", () => {
    const keys = new KeyChooser(100, "zipf", 1.5, new Rng(11));
    let zeros = 0;
    for (let i = 0; i < 50_000; i++) {
      const k = keys.next();
      expect(k >= 0 && k < 100).toBe(true);
      if (k === 0) zeros++;
    }
    let h = 0;
    for (let k = 1; k <= 100; k++) h += 1 / k ** 1.5;
    expect(Math.abs(zeros / 50_000 - 1 / h)).toBeLessThan(0.02);
  });
});

describe("requests", () => {
  test("RESP", () => {
    const w = writer("resp", fixedKeys(42, 7, 8, 9));
    expect(latin1(encode(w, Kind.Get))).toBe("*2\r\n$3\r\nGET\r\n$6\r\n000042\r\n");
    const set = latin1(encode(w, Kind.Set));
    expect(set).toMatch(/^\*3\r\n\$3\r\nSET\r\n\$6\r\n000007\r\n\$4\r\n[\s\S]{4}\r\n$/);
    expect(latin1(encode(w, Kind.Delete))).toBe("*2\r\n$3\r\nDEL\r\n$6\r\n000008\r\n");
    expect(latin1(encode(w, Kind.Incr))).toBe("*2\r\n$4\r\nINCR\r\n$6\r\nn00009\r\n");
    expect(latin1(encode(w, Kind.Mget))).toBe("*4\r\n$4\r\nMGET\r\n$6\r\n000042\r\n$6\r\n000007\r\n$6\r\n000008\r\n");
  });

  test("memcache text", () => {
    const w = writer("memcache", fixedKeys(1, 2, 3, 4, 5, 6, 7));
    expect(latin1(encode(w, Kind.Get))).toBe("get 000001\r\n");
    expect(latin1(encode(w, Kind.Set))).toMatch(/^set 000002 0 0 4\r\n[\s\S]{4}\r\n$/);
    expect(latin1(encode(w, Kind.Delete))).toBe("delete 000003\r\n");
    expect(latin1(encode(w, Kind.Incr))).toBe("ma n00004 N0\r\n");
    expect(latin1(encode(w, Kind.Mget))).toBe("get 000005 000006 000007\r\n");
  });

  test("memcache binary", () => {
    const w = writer("memcache_binary", fixedKeys(1, 2, 3, 4, 5, 6, 7));
    const get = encode(w, Kind.Get);
    expect(get.length).toBe(24 + 6);
    expect([get[0], get[1], get[2], get[3], get[4]]).toEqual([0x80, 0x00, 0, 6, 0]);
    expect(new DataView(get.buffer).getUint32(8)).toBe(6);
    expect(latin1(get.subarray(24))).toBe("000001");
    const set = encode(w, Kind.Set);
    expect(set[1]).toBe(0x01);
    expect(set[4]).toBe(8);
    expect(new DataView(set.buffer).getUint32(8)).toBe(8 + 6 + 4);
    expect(latin1(set.subarray(32, 38))).toBe("000002");
    expect(set.length).toBe(24 + 8 + 6 + 4);
    const del = encode(w, Kind.Delete);
    expect(del[1]).toBe(0x04);
    const incr = encode(w, Kind.Incr);
    expect(incr[1]).toBe(0x05);
    expect(incr[4]).toBe(20);
    expect(new DataView(incr.buffer).getBigUint64(24)).toBe(1n); // delta
    expect(new DataView(incr.buffer).getBigUint64(32)).toBe(0n); // initial
    expect(latin1(incr.subarray(44))).toBe("n00004");
    const mget = encode(w, Kind.Mget);
    expect(mget.length).toBe(3 * 30 + 24);
    expect([mget[1], mget[31], mget[61], mget[91]]).toEqual([0x0d, 0x0d, 0x0d, 0x0a]);
  });

  test("values have the configured lengths", () => {
    const pool = new ValuePool(5, 9, new Rng(2));
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const n = pool.length();
      expect(n >= 5 && n <= 9).toBe(true);
      seen.add(n);
    }
    expect(seen.size).toBe(5);
    const big = new ValuePool(100_000, 100_000, new Rng(2));
    const out = new Uint8Array(100_010);
    expect(big.copy(out, 5, 100_000)).toBe(100_005);
  });
});

/** Parse `text` whole (expect its full length), and every proper prefix (expect INCOMPLETE). */
function parseAllCuts(reader: ReplyReader, bytes: Uint8Array, kind: number, keys = 1): void {
  for (let cut = 0; cut < bytes.length; cut++) {
    expect(reader.parse(bytes, 0, cut, kind, keys)).toBe(INCOMPLETE);
  }
  // Also at an offset inside a larger buffer.
  const padded = new Uint8Array(bytes.length + 10);
  padded.set(bytes, 3);
  expect(reader.parse(padded, 3, 3 + bytes.length, kind, keys)).toBe(3 + bytes.length);
  expect(reader.parse(bytes, 0, bytes.length, kind, keys)).toBe(bytes.length);
}

describe("RESP replies", () => {
  const r = new ReplyReader("resp3");
  const cases: [string, string, number, number, number][] = [
    // reply, what, status, hits, misses
    ["+OK\r\n", "simple string", Status.Ok, 0, 0],
    [":12\r\n", "integer", Status.Ok, 0, 0],
    ["$3\r\nabc\r\n", "bulk: a hit", Status.Hit, 0, 0],
    ["$0\r\n\r\n", "empty bulk: a hit", Status.Hit, 0, 0],
    ["$-1\r\n", "RESP2 null: a miss", Status.Miss, 0, 0],
    ["_\r\n", "RESP3 null: a miss", Status.Miss, 0, 0],
    ["$4\r\na\r\nb\r\n", "bulk with CRLF inside", Status.Hit, 0, 0],
    ["-ERR unknown command\r\n", "error", Status.Error, 0, 0],
    ["!5\r\nERR x\r\n", "blob error", Status.Error, 0, 0],
    ["*3\r\n$1\r\na\r\n$-1\r\n$2\r\nbc\r\n", "MGET with a null", Status.Ok, 2, 1],
    ["*2\r\n_\r\n$1\r\na\r\n", "RESP3 MGET", Status.Ok, 1, 1],
    ["*-1\r\n", "null array", Status.Miss, 0, 0],
    [",1.5\r\n", "double", Status.Ok, 0, 0],
    ["#t\r\n", "boolean", Status.Ok, 0, 0],
    ["(123\r\n", "big number", Status.Ok, 0, 0],
    ["=7\r\ntxt:abc\r\n", "verbatim", Status.Hit, 0, 0],
    ["%2\r\n+a\r\n:1\r\n+b\r\n*1\r\n%0\r\n", "map with nested aggregates (HELLO)", Status.Ok, 0, 0],
    ["~2\r\n+a\r\n+b\r\n", "set", Status.Ok, 0, 0],
    ["|1\r\n+ttl\r\n:3\r\n$1\r\nx\r\n", "attribute before a bulk", Status.Hit, 0, 0],
  ];
  for (const [reply, what, status, hits, misses] of cases) {
    test(what, () => {
      const bytes = enc.encode(reply);
      parseAllCuts(r, bytes, Kind.Mget);
      expect(r.status).toBe(status);
      expect(r.hits).toBe(hits);
      expect(r.misses).toBe(misses);
    });
  }

  test("error text is located", () => {
    const bytes = enc.encode("-WRONGTYPE Operation\r\n");
    r.parse(bytes, 0, bytes.length, Kind.Get, 1);
    expect(latin1(bytes.subarray(r.errorStart, r.errorEnd))).toBe("-WRONGTYPE Operation");
  });

  test("replies one after another", () => {
    const bytes = enc.encode("+OK\r\n$1\r\nx\r\n:1\r\n");
    expect(r.parse(bytes, 0, bytes.length, Kind.Set, 1)).toBe(5);
    expect(r.parse(bytes, 5, bytes.length, Kind.Get, 1)).toBe(12);
    expect(r.status).toBe(Status.Hit);
    expect(r.parse(bytes, 12, bytes.length, Kind.Delete, 1)).toBe(bytes.length);
  });

  test("malformed bytes", () => {
    for (const bad of ["?x\r\n", "$abc\r\n", "*x\r\n", "+OK\rX"]) {
      const bytes = enc.encode(bad);
      expect(r.parse(bytes, 0, bytes.length, Kind.Get, 1)).toBe(MALFORMED);
    }
  });
});

describe("memcache text replies", () => {
  const r = new ReplyReader("memcache");
  test("a hit", () => {
    parseAllCuts(r, enc.encode("VALUE 000001 0 5\r\nab\r\nc\r\nEND\r\n"), Kind.Get);
    expect(r.status).toBe(Status.Hit);
  });
  test("a hit with a CAS", () => {
    parseAllCuts(r, enc.encode("VALUE k 3 2 99\r\nab\r\nEND\r\n"), Kind.Get);
    expect(r.status).toBe(Status.Hit);
  });
  test("a miss", () => {
    parseAllCuts(r, enc.encode("END\r\n"), Kind.Get);
    expect(r.status).toBe(Status.Miss);
  });
  test("a multi-key get", () => {
    parseAllCuts(r, enc.encode("VALUE a 0 1\r\nx\r\nVALUE c 0 1\r\ny\r\nEND\r\n"), Kind.Mget, 3);
    expect([r.status, r.hits, r.misses]).toEqual([Status.Hit, 2, 1]);
  });
  for (const [line, status] of [
    ["STORED", Status.Ok],
    ["DELETED", Status.Ok],
    ["NOT_FOUND", Status.Ok],
    ["HD", Status.Ok],
    ["NF", Status.Ok],
    ["ERROR", Status.Error],
    ["CLIENT_ERROR bad data chunk", Status.Error],
    ["SERVER_ERROR out of memory storing object", Status.Error],
  ] as const) {
    test(line, () => {
      parseAllCuts(r, enc.encode(`${line}\r\n`), Kind.Set);
      expect(r.status).toBe(status);
    });
  }
  test("an error to a get", () => {
    parseAllCuts(r, enc.encode("SERVER_ERROR busy\r\n"), Kind.Get);
    expect(r.status).toBe(Status.Error);
  });
  test("a bad VALUE line", () => {
    const bytes = enc.encode("VALUE k 0 x\r\n");
    expect(r.parse(bytes, 0, bytes.length, Kind.Get, 1)).toBe(MALFORMED);
  });
});

describe("memcache binary replies", () => {
  const r = new ReplyReader("memcache_binary");
  function frame(op: number, status: number, opts: { extras?: number; key?: string; value?: string } = {}): Uint8Array {
    const key = enc.encode(opts.key ?? "");
    const value = enc.encode(opts.value ?? "");
    const extras = opts.extras ?? 0;
    const out = new Uint8Array(24 + extras + key.length + value.length);
    const dv = new DataView(out.buffer);
    out[0] = 0x81;
    out[1] = op;
    dv.setUint16(2, key.length);
    out[4] = extras;
    dv.setUint16(6, status);
    dv.setUint32(8, extras + key.length + value.length);
    out.set(key, 24 + extras);
    out.set(value, 24 + extras + key.length);
    return out;
  }
  const cat = (...parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };

  test("a hit, a miss", () => {
    parseAllCuts(r, frame(0x00, 0, { extras: 4, value: "hello" }), Kind.Get);
    expect(r.status).toBe(Status.Hit);
    parseAllCuts(r, frame(0x00, 1, { value: "Not found" }), Kind.Get);
    expect(r.status).toBe(Status.Miss);
  });
  test("set, delete of a missing key, incr", () => {
    parseAllCuts(r, frame(0x01, 0), Kind.Set);
    expect(r.status).toBe(Status.Ok);
    parseAllCuts(r, frame(0x04, 1, { value: "Not found" }), Kind.Delete);
    expect(r.status).toBe(Status.Ok);
    parseAllCuts(r, frame(0x05, 0, { value: "\0\0\0\0\0\0\0\x01" }), Kind.Incr);
    expect(r.status).toBe(Status.Ok);
  });
  test("an error status, with its text", () => {
    const bytes = frame(0x01, 0x82, { value: "Out of memory" });
    parseAllCuts(r, bytes, Kind.Set);
    expect(r.status).toBe(Status.Error);
    expect(latin1(bytes.subarray(r.errorStart, r.errorEnd))).toBe("Out of memory");
  });
  test("a multi-key get: GetKQ hits, then the Noop", () => {
    const bytes = cat(frame(0x0d, 0, { extras: 4, key: "a", value: "x" }), frame(0x0d, 0, { extras: 4, key: "b", value: "y" }), frame(0x0a, 0));
    parseAllCuts(r, bytes, Kind.Mget, 5);
    expect([r.status, r.hits, r.misses]).toEqual([Status.Hit, 2, 3]);
  });
  test("a wrong magic byte", () => {
    const bytes = frame(0x00, 0);
    bytes[0] = 0x80;
    expect(r.parse(bytes, 0, bytes.length, Kind.Get, 1)).toBe(MALFORMED);
  });
});
