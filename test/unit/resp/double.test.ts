import { describe, expect, test } from "bun:test";
import { formatDouble, writeDouble, MAX_DOUBLE_CHARS } from "../../../src/protocol/resp/index.ts";
import { cachedPower } from "../../../src/protocol/resp/double.ts";
import { POWERS_TEN, referenceFormatDouble } from "./grisu-reference.ts";

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
function fromBits(hex: string): number {
  u64[0] = BigInt("0x" + hex);
  return f64[0];
}

// IEEE bit patterns and the text a C build of Redis 7.2's d2string (util.c) with
// deps/fpconv/fpconv_dtoa.c printed for them.
const GOLDEN: [string, string][] = [
  ["3fb999999999999a", "0.1"],
  ["3ff8000000000000", "1.5"],
  ["4008000000000000", "3"],
  ["7e37e43c8800759c", "1e+300"],
  ["fe37e43c8800759c", "-1e+300"],
  ["444b1ae4d6e2ef50", "1e+21"],
  ["4415af1d78b58c40", "1e+20"],
  ["c415af1d78b58c40", "-1e+20"],
  ["441aabdf2145b430", "1.23e+20"],
  ["3ee9e0fcaf9380fc", "1.234e-5"],
  ["3eb0c6f7a0b5ed8d", "0.000001"],
  ["3e7ad7f29abcaf48", "1e-7"],
  ["3fd3333333333334", "0.30000000000000004"],
  ["40fe240c9fbe76c9", "123456.789"],
  ["43d0000000000000", "4611686018427387904"],
  ["43d0000000000002", "4611686018427390000"],
  ["c3d0000000000000", "-4611686018427387904"],
  ["c3d0000000000002", "-4611686018427390000"],
  ["c3e0000000000000", "-9223372036854776000"],
  ["43e0000000000000", "9223372036854776000"],
  ["3fd5555555555555", "0.3333333333333333"],
  ["0000000000000001", "5e-324"],
  ["0010000000000000", "2.2250738585072014e-308"],
  ["7fefffffffffffff", "1.7976931348623157e+308"],
  ["ffefffffffffffff", "-1.7976931348623157e+308"],
  ["40091eb851eb851f", "3.14"],
  ["c004000000000000", "-2.5"],
  ["4059200000000000", "100.5"],
  ["2b2bff2ee48e0530", "1e-100"],
  ["01b01297d23ab683", "1.5e-300"],
  ["4019b78811b1d92b", "6.4292299999999996"],
  ["4473f4c2b91714ac", "5889999999999999000000"],
  ["402ae9d111d5eb59", "13.456673199999999"],
  ["4084c0429d647f5b", "664.0325267649999"],
  ["4480f0cf064dd592", "1e+22"],
  ["44b52d02c7e14af6", "99999999999999990000000"],
  ["4340000000000000", "9007199254740992"],
  ["432fffffffffffff", "4503599627370495.5"],
  ["3f201f31f46ed246", "0.000123"],
  ["3ee4f8b588e368f1", "0.00001"],
  ["3e8421f5f40d8376", "1.5e-7"],
  ["43e56a95319d63e1", "12345678901234567000"],
  ["3efa36e2eb1c432d", "0.000025"],
  ["bf1a36e2eb1c432d", "-0.0001"],
];

describe("formatDouble (Redis 7.2 d2string)", () => {
  test("special values", () => {
    expect(formatDouble(Infinity)).toBe("inf");
    expect(formatDouble(-Infinity)).toBe("-inf");
    expect(formatDouble(NaN)).toBe("nan");
    expect(formatDouble(0)).toBe("0");
    expect(formatDouble(-0)).toBe("-0");
  });

  test("the brief's examples", () => {
    expect(formatDouble(1.5)).toBe("1.5");
    expect(formatDouble(1e300)).toBe("1e+300");
    expect(formatDouble(0.1)).toBe("0.1");
    expect(formatDouble(3.0)).toBe("3");
    expect(formatDouble(-3)).toBe("-3");
    expect(formatDouble(1e21)).toBe("1e+21");
  });

  test.each(GOLDEN)("bits %s -> %s", (bits, text) => {
    expect(formatDouble(fromBits(bits))).toBe(text);
    expect(referenceFormatDouble(fromBits(bits))).toBe(text);
  });

  test("integral values within 2^62 print as integers, beyond through Grisu2", () => {
    expect(formatDouble(2 ** 62)).toBe("4611686018427387904");
    expect(formatDouble(2 ** 53 + 2)).toBe("9007199254740994");
    expect(formatDouble(-(2 ** 62))).toBe("-4611686018427387904");
    expect(formatDouble(2 ** 63)).toBe("9223372036854776000");
    expect(formatDouble(123456789012)).toBe("123456789012");
  });

  test("cached powers of ten equal fpconv_powers.h", () => {
    // Spot checks against the table in Redis's deps/fpconv/fpconv_powers.h.
    expect(cachedPower(0)).toEqual([18054884314459144840n, -1220]);
    expect(cachedPower(14)).toEqual([9384396036005875287n, -847]);
    expect(cachedPower(45)).toEqual([16777216000000000000n, -24]);
    expect(cachedPower(46)).toEqual([12500000000000000000n, 3]);
    expect(cachedPower(60)).toEqual([12994262207056124023n, 375]);
    expect(cachedPower(86)).toEqual([12648080533535911531n, 1066]);
    for (let i = 0; i < 87; i++) expect(cachedPower(i)).toEqual([POWERS_TEN[i].frac, POWERS_TEN[i].exp]);
  });

  test("matches the BigInt transcription on random doubles", () => {
    let seed = 12345;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    let mismatches = 0;
    for (let i = 0; i < 20000; i++) {
      let x: number;
      switch (i % 4) {
        case 0:
          u64[0] = (BigInt(rand()) << 32n) | BigInt(rand());
          x = f64[0];
          break;
        case 1:
          x = rand() / 1000;
          break;
        case 2:
          x = Number(`${rand() % 1000000}e${(rand() % 60) - 30}`);
          break;
        default:
          x = (rand() / 4294967296 - 0.5) * 10 ** ((rand() % 40) - 20);
      }
      if (formatDouble(x) !== referenceFormatDouble(x)) mismatches++;
      if (Number.isFinite(x)) expect(Number(formatDouble(x))).toBe(x);
    }
    expect(mismatches).toBe(0);
  });

  test("writeDouble writes at an offset and stays within MAX_DOUBLE_CHARS", () => {
    const buf = new Uint8Array(64).fill(0xee);
    const end = writeDouble(buf, 3, -1.7976931348623157e308);
    expect(end - 3).toBeLessThanOrEqual(MAX_DOUBLE_CHARS);
    expect(new TextDecoder().decode(buf.subarray(3, end))).toBe("-1.7976931348623157e+308");
    expect(buf[2]).toBe(0xee);
    expect(buf[end]).toBe(0xee);
  });
});
