// Framing of memcached's binary protocol: whole, partial and pipelined frames, bad magic,
// oversized bodies, and the response encoders.
import { describe, expect, test } from "bun:test";
import {
  BinaryParser, BinaryStatus, Data, writeBinaryCounter, writeBinaryError, writeBinaryKeyMiss, writeBinaryOk,
  writeBinaryStat, writeBinaryValue, type ByteSink,
} from "../../../src/protocol/memcache/index.ts";

interface Req {
  op: number;
  key?: string;
  extras?: number[];
  value?: string | Uint8Array;
  cas?: bigint;
  opaque?: number;
  magic?: number;
  /** Overrides of the header's length fields (for malformed frames). */
  keyLen?: number;
  bodyLen?: number;
}

const enc = new TextEncoder();

function frame(r: Req): Uint8Array {
  const key = enc.encode(r.key ?? "");
  const extras = Uint8Array.from(r.extras ?? []);
  const value = typeof r.value === "string" ? enc.encode(r.value) : (r.value ?? new Uint8Array(0));
  const out = new Uint8Array(24 + extras.length + key.length + value.length);
  const dv = new DataView(out.buffer);
  out[0] = r.magic ?? 0x80;
  out[1] = r.op;
  dv.setUint16(2, r.keyLen ?? key.length);
  out[4] = extras.length;
  out[5] = 0;
  dv.setUint16(6, 0);
  dv.setUint32(8, r.bodyLen ?? extras.length + key.length + value.length);
  dv.setUint32(12, r.opaque ?? 0);
  dv.setBigUint64(16, r.cas ?? 0n);
  out.set(extras, 24);
  out.set(key, 24 + extras.length);
  out.set(value, 24 + extras.length + key.length);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const str = (buf: Uint8Array, off: number, len: number) => new TextDecoder().decode(buf.subarray(off, off + len));

function parser(maxDataBytes = 1024 * 1024): BinaryParser {
  return new BinaryParser({ maxDataBytes });
}

describe("BinaryParser", () => {
  test("frames a set: opcode, opaque, CAS, extras, key and value as offsets", () => {
    const p = parser();
    const buf = frame({ op: 0x01, key: "foo", extras: [0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 9], value: "hello", opaque: 0xfeedf00d, cas: 1234567890123n });
    expect(p.parse(buf, 0, buf.length)).toBe(buf.length);
    expect(p.opcode).toBe(0x01);
    expect(p.opaque).toBe(0xfeedf00d);
    expect(p.cas).toBe(1234567890123);
    expect(p.data).toBe(Data.Ok);
    expect(p.bodyLen).toBe(16);
    expect([p.extrasOff, p.extrasLen, p.keyOff, p.keyLen, p.valueOff, p.valueLen]).toEqual([24, 8, 32, 3, 35, 5]);
    expect(str(p.buf, p.keyOff, p.keyLen)).toBe("foo");
    expect(str(p.buf, p.valueOff, p.valueLen)).toBe("hello");
  });

  test("datatype and vbucket are read", () => {
    const p = parser();
    const buf = frame({ op: 0x00, key: "k" });
    buf[5] = 1;
    buf[6] = 0x12;
    buf[7] = 0x34;
    expect(p.parse(buf, 0, buf.length)).toBe(25);
    expect(p.datatype).toBe(1);
    expect(p.vbucket).toBe(0x1234);
  });

  test("a frame with no body is Data.None", () => {
    const p = parser();
    const buf = frame({ op: 0x0a });
    expect(p.parse(buf, 0, buf.length)).toBe(24);
    expect(p.data).toBe(Data.None);
    expect(p.valueLen).toBe(0);
  });

  test("every partial prefix asks for more, with the bytes the request needs", () => {
    const p = parser();
    const buf = frame({ op: 0x01, key: "key", extras: [0, 0, 0, 0, 0, 0, 0, 0], value: "some value" });
    for (let n = 0; n < buf.length; n++) {
      expect(p.parse(buf, 0, n)).toBe(0);
      expect(p.needBytes).toBe(n < 24 ? 24 : buf.length);
    }
    expect(p.parse(buf, 0, buf.length)).toBe(buf.length);
    expect(p.needBytes).toBe(0);
  });

  test("several frames in one buffer are taken one at a time, at any start offset", () => {
    const p = parser();
    const a = frame({ op: 0x09, key: "a", opaque: 1 });
    const b = frame({ op: 0x01, key: "bb", extras: [0, 0, 0, 0, 0, 0, 0, 0], value: "vv", opaque: 2 });
    const c = frame({ op: 0x0a, opaque: 3 });
    const junk = Uint8Array.from([1, 2, 3]);
    const buf = concat(junk, a, b, c, b.subarray(0, 10));
    let at = junk.length;
    const seen: [number, number, string][] = [];
    for (;;) {
      const n = p.parse(buf, at, buf.length);
      if (n === 0) break;
      expect(n).toBeGreaterThan(0);
      seen.push([p.opcode, p.opaque, str(p.buf, p.keyOff, p.keyLen)]);
      at += n;
    }
    expect(seen).toEqual([[0x09, 1, "a"], [0x01, 2, "bb"], [0x0a, 3, ""]]);
    expect(buf.length - at).toBe(10);
    expect(p.needBytes).toBe(24);
  });

  test("a bad magic byte closes the connection, even before a whole header arrived", () => {
    const p = parser();
    const bad = frame({ op: 0x00, key: "k", magic: 0x81 });
    expect(p.parse(bad, 0, bad.length)).toBe(-1);
    expect(p.error).toContain("magic");
    expect(p.parse(Uint8Array.from([0x47]), 0, 1)).toBe(-1);
    const ok = frame({ op: 0x0a });
    const buf = concat(ok, Uint8Array.from([0x00]));
    expect(p.parse(buf, 0, buf.length)).toBe(24);
    expect(p.parse(buf, 24, buf.length)).toBe(-1);
  });

  test("CAS: up to 2^53-1 is exact; 2^53 and more is -1 (matches no item)", () => {
    const p = parser();
    for (const [cas, want] of [[0n, 0], [1n, 1], [2n ** 32n, 2 ** 32], [2n ** 53n - 1n, Number.MAX_SAFE_INTEGER], [2n ** 53n, -1], [2n ** 64n - 1n, -1]] as const) {
      const buf = frame({ op: 0x0a, cas });
      expect(p.parse(buf, 0, buf.length)).toBe(24);
      expect(p.cas).toBe(want);
    }
  });

  test("key and extras longer than the body: framed by the body length, valueLen negative", () => {
    const p = parser();
    const buf = frame({ op: 0x00, key: "xyz", bodyLen: 2 });
    expect(p.parse(buf, 0, buf.length)).toBe(26);
    expect(p.valueLen).toBe(-1);
  });

  test("a body over the limit takes only the header, once extras and key are in, and asks to swallow the body", () => {
    const p = parser(100);
    const value = new Uint8Array(100 + 1024 + 1);
    const buf = frame({ op: 0x01, key: "big", extras: [0, 0, 0, 5, 0, 0, 0, 0], value, opaque: 7 });
    const bodyLen = 8 + 3 + value.length;
    // Header alone, then header plus part of extras/key: wait for extras and key only.
    expect(p.parse(buf, 0, 24)).toBe(0);
    expect(p.needBytes).toBe(24 + 11);
    expect(p.parse(buf, 0, 24 + 10)).toBe(0);
    expect(p.needBytes).toBe(24 + 11);
    expect(p.parse(buf, 0, 24 + 11)).toBe(24);
    expect(p.data).toBe(Data.TooLarge);
    expect(p.swallowBytes).toBe(bodyLen);
    expect(p.opaque).toBe(7);
    expect(str(p.buf, p.keyOff, p.keyLen)).toBe("big");
    expect(p.valueLen).toBe(value.length);
    // The next frame parses normally and clears the state.
    const next = frame({ op: 0x0a });
    expect(p.parse(next, 0, next.length)).toBe(24);
    expect(p.data).toBe(Data.None);
    expect(p.swallowBytes).toBe(0);
  });

  test("a body at the limit plus 1 KiB is still buffered", () => {
    const p = parser(100);
    const buf = frame({ op: 0x01, key: "k", extras: [0, 0, 0, 0, 0, 0, 0, 0], value: new Uint8Array(100 + 1024 - 9) });
    expect(p.parse(buf, 0, buf.length - 1)).toBe(0);
    expect(p.needBytes).toBe(buf.length);
    expect(p.parse(buf, 0, buf.length)).toBe(buf.length);
    expect(p.data).toBe(Data.Ok);
  });

  test("the limit is read on each parse (a live config change applies)", () => {
    const limits = { maxDataBytes: 10 };
    const p = new BinaryParser(limits);
    const buf = frame({ op: 0x01, key: "k", extras: [0, 0, 0, 0, 0, 0, 0, 0], value: new Uint8Array(2000) });
    expect(p.parse(buf, 0, buf.length)).toBe(24);
    limits.maxDataBytes = 4096;
    expect(p.parse(buf, 0, buf.length)).toBe(buf.length);
  });
});

class Sink implements ByteSink {
  buf = new Uint8Array(8);
  pos = 0;
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
  hex(): string {
    return Buffer.from(this.buf.subarray(0, this.pos)).toString("hex");
  }
}

describe("binary response encoders", () => {
  const header = (op: string, keyLen: string, extLen: string, status: string, bodyLen: string, opaque: string, cas: string) =>
    `81${op}${keyLen}${extLen}00${status}${bodyLen}${opaque}${cas}`;

  test("success without body carries the CAS (split in two 32-bit words)", () => {
    const s = new Sink();
    writeBinaryOk(s, 0x01, 0xdeadbeef, 2 ** 40 + 5);
    expect(s.hex()).toBe(header("01", "0000", "00", "0000", "00000000", "deadbeef", "0000010000000005"));
  });

  test("errors carry memcached's text", () => {
    const s = new Sink();
    writeBinaryError(s, 0x00, 1, BinaryStatus.KeyNotFound);
    expect(s.hex()).toBe(header("00", "0000", "00", "0001", "00000009", "00000001", "0000000000000000") + Buffer.from("Not found").toString("hex"));
    const t = new Sink();
    writeBinaryError(t, 0x03, 0, BinaryStatus.TooLarge);
    expect(Buffer.from(t.buf.subarray(24, t.pos)).toString()).toBe("Too large.");
  });

  test("a value: flags as extras, then key, then value", () => {
    const s = new Sink();
    const key = enc.encode("xkey");
    const value = enc.encode("val");
    writeBinaryValue(s, 0x0c, 2, 3, 0x01020304, key, 1, 3, value, 0, 3);
    expect(s.hex()).toBe(header("0c", "0003", "04", "0000", "0000000a", "00000002", "0000000000000003") + "01020304" + Buffer.from("keyval").toString("hex"));
  });

  test("a GetK miss carries the key and no text", () => {
    const s = new Sink();
    writeBinaryKeyMiss(s, 0x0c, 0, enc.encode("k1"), 0, 2);
    expect(s.hex()).toBe(header("0c", "0002", "00", "0001", "00000002", "00000000", "0000000000000000") + "6b31");
  });

  test("a counter is a 64-bit big-endian body", () => {
    const s = new Sink();
    writeBinaryCounter(s, 0x05, 0, 9, 2n ** 64n - 2n);
    expect(s.hex().slice(48)).toBe("fffffffffffffffe");
  });

  test("a stat packet and the terminator", () => {
    const s = new Sink();
    writeBinaryStat(s, 0x10, 5, "pid", "42");
    writeBinaryStat(s, 0x10, 5, "", "");
    expect(s.hex()).toBe(
      header("10", "0003", "00", "0000", "00000005", "00000005", "0000000000000000") + Buffer.from("pid42").toString("hex") +
        header("10", "0000", "00", "0000", "00000000", "00000005", "0000000000000000"),
    );
  });
});
