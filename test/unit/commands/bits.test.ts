// The bit primitives behind the bit commands, against naive models: popcount, findBit,
// readBits/writeBits over random bytes, and BITFIELD's number path agreeing with its BigInt
// path (which mirrors Redis's C) wherever the number path is taken. The commands themselves
// are tested against redis-server in test/blackbox/bits.test.ts.

import { describe, expect, test } from "bun:test";
import { bitAt, findBit, popcount, readBits, writeBits } from "../../../src/commands/bits/bitmap.ts";
import { Overflow, updated, updateLarge, updateSmall } from "../../../src/commands/bits/bitfield-math.ts";

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(rand: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = rand();
    out[i] = r < 0.3 ? 0 : r < 0.6 ? 0xff : Math.floor(rand() * 256);
  }
  return out;
}

/** Bit i of buf, MSB first: the model everything is checked against. */
function modelBit(buf: Uint8Array, i: number): number {
  return (buf[Math.floor(i / 8)] >> (7 - (i % 8))) & 1;
}

describe("bitmap primitives", () => {
  test("popcount and findBit agree with a bit-by-bit scan", () => {
    const rand = prng(1);
    for (let round = 0; round < 300; round++) {
      const len = Math.floor(rand() * 40);
      const pad = Math.floor(rand() * 5);
      const buf = new Uint8Array(pad + len);
      buf.set(randomBytes(rand, len), pad);
      let ones = 0;
      for (let i = 0; i < len * 8; i++) ones += modelBit(buf.subarray(pad), i);
      expect(popcount(buf, pad, len)).toBe(ones);
      if (len === 0) continue;
      for (let q = 0; q < 20; q++) {
        const from = Math.floor(rand() * len * 8);
        const to = from + Math.floor(rand() * (len * 8 - from));
        const bit = rand() < 0.5 ? 0 : 1;
        let want = -1;
        for (let i = from; i <= to; i++) {
          if (modelBit(buf.subarray(pad), i) === bit) {
            want = i;
            break;
          }
        }
        expect(findBit(buf, pad, from, to, bit)).toBe(want);
        expect(bitAt(buf, pad, from)).toBe(modelBit(buf.subarray(pad), from));
      }
    }
  });

  test("writeBits then readBits round-trips and touches nothing else; reads past the end are zeros", () => {
    const rand = prng(2);
    for (let round = 0; round < 2000; round++) {
      const buf = randomBytes(rand, 12);
      const before = buf.slice();
      const bits = 1 + Math.floor(rand() * 32);
      const offset = Math.floor(rand() * (96 - bits + 1));
      const value = Math.floor(rand() * 2 ** bits);
      writeBits(buf, 0, offset, bits, value);
      expect(readBits(buf, 0, 12, offset, bits)).toBe(value);
      for (let i = 0; i < 96; i++) {
        if (i < offset || i >= offset + bits) expect(modelBit(buf, i)).toBe(modelBit(before, i));
      }
      // The same field read as if the string ended early: missing bytes count as zero.
      const len = Math.floor(rand() * 12);
      let want = 0;
      for (let i = offset; i < offset + bits; i++) want = want * 2 + (i < len * 8 ? modelBit(buf, i) : 0);
      expect(readBits(buf, 0, len, offset, bits)).toBe(want);
    }
  });

  test("offsets past 2^32 bits address the right byte", () => {
    const buf = new Uint8Array(4);
    // Relative to a base 2^29 bytes back, bit 2^32 + 9 is bit 9 of buf.
    const base = -(2 ** 29);
    writeBits(buf, base, 2 ** 32 + 9, 3, 5);
    expect(Array.from(buf)).toEqual([0, 0b0101_0000, 0, 0]);
    expect(readBits(buf, base, 2 ** 29 + 4, 2 ** 32 + 8, 8)).toBe(0b0101_0000);
  });
});

describe("BITFIELD arithmetic", () => {
  /** What the number path decides, as [failed, value]. */
  function small(old: number, arg: number, isIncr: boolean, sign: boolean, bits: number, ow: number): [boolean, bigint] {
    updateSmall(old, arg, isIncr, sign, bits, ow);
    return [updated.failed, updated.failed ? 0n : BigInt(updated.value)];
  }

  function large(old: bigint, arg: bigint, isIncr: boolean, sign: boolean, bits: number, ow: number): [boolean, bigint] {
    updateLarge(old, arg, isIncr, sign, bits, ow);
    return [updated.failed, updated.failed ? 0n : updated.big];
  }

  /** Exact arithmetic: the field's range, and wrap as two's complement truncation. */
  function model(old: bigint, arg: bigint, isIncr: boolean, sign: boolean, bits: number, ow: number): [boolean, bigint] {
    const B = BigInt(bits);
    const max = sign ? (1n << (B - 1n)) - 1n : (1n << B) - 1n;
    const min = sign ? -max - 1n : 0n;
    // An unsigned field's SET value is read as uint64.
    const v = isIncr ? old + arg : sign ? arg : BigInt.asUintN(64, arg);
    if (v >= min && v <= max) return [false, v];
    if (ow === Overflow.Fail) return [true, 0n];
    if (ow === Overflow.Sat) return [false, v > max ? max : min];
    return [false, sign ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v)];
  }

  test("the number path agrees with the BigInt path and with exact arithmetic", () => {
    const rand = prng(3);
    const edgeArgs = [0, 1, -1, 2 ** 31, -(2 ** 31), 2 ** 32, -(2 ** 32), 2 ** 52, -(2 ** 52), 2 ** 32 - 1, 1 - 2 ** 32];
    for (let round = 0; round < 20000; round++) {
      const sign = rand() < 0.5;
      const bits = 1 + Math.floor(rand() * 32);
      const span = 2 ** bits;
      const raw = Math.floor(rand() * span);
      const old = sign && raw >= span / 2 ? raw - span : raw;
      const r = rand();
      const arg =
        r < 0.3 ? edgeArgs[Math.floor(rand() * edgeArgs.length)] : r < 0.7 ? Math.floor(rand() * 2 * span) - span : Math.floor((rand() - 0.5) * 2 ** 53);
      const isIncr = rand() < 0.5;
      const ow = Math.floor(rand() * 3);
      const got = small(old, arg, isIncr, sign, bits, ow);
      const where = { old, arg, isIncr, sign, bits, ow };
      expect({ ...where, got: large(BigInt(old), BigInt(arg), isIncr, sign, bits, ow) }).toEqual({ ...where, got });
      expect({ ...where, got: model(BigInt(old), BigInt(arg), isIncr, sign, bits, ow) }).toEqual({ ...where, got });
    }
  });

  test("the BigInt path follows exact arithmetic except where Redis's int64 casts wrap", () => {
    const rand = prng(4);
    for (let round = 0; round < 20000; round++) {
      const sign = rand() < 0.5;
      const bits = 1 + Math.floor(rand() * (sign ? 64 : 63));
      const B = BigInt(bits);
      const rawOld = BigInt.asUintN(bits, (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32)));
      const old = sign ? BigInt.asIntN(bits, rawOld) : rawOld;
      const arg = BigInt.asIntN(64, (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32))) >> BigInt(Math.floor(rand() * 64));
      const isIncr = rand() < 0.5;
      const ow = Math.floor(rand() * 3);
      // Redis computes max - value in int64: a SET value within `max` of INT64_MIN wraps it
      // and is taken as an overflow upwards. Leave those to the black-box test.
      const max = sign ? (1n << (B - 1n)) - 1n : (1n << B) - 1n;
      if (!isIncr && sign && max - arg > 2n ** 63n - 1n) continue;
      const where = { old, arg, isIncr, sign, bits, ow };
      expect({ ...where, got: large(old, arg, isIncr, sign, bits, ow) }).toEqual({ ...where, got: model(old, arg, isIncr, sign, bits, ow) });
    }
  });

  test("Redis's wrapped int64 cast: SET i8 near INT64_MIN saturates upwards", () => {
    expect(large(0n, -(2n ** 63n), false, true, 8, Overflow.Sat)).toEqual([false, 127n]);
    expect(large(0n, -(2n ** 63n) + 200n, false, true, 8, Overflow.Sat)).toEqual([false, -128n]);
    expect(large(0n, -(2n ** 63n), false, true, 8, Overflow.Wrap)).toEqual([false, 0n]);
    expect(large(0n, -1n, false, false, 8, Overflow.Sat)).toEqual([false, 255n]);
  });
});
