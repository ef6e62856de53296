// What a request touches: a fast PRNG, the key index drawn by the configured distribution
// (uniform, or zipf by rejection-inversion: O(1) per draw, no table), and the key's bytes
// (a zero-padded decimal index of a fixed length). Nothing here allocates per draw.

/** xorshift128+ on four 32-bit halves (Marsaglia/Vigna): fast, seedable, good enough for load. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    // splitmix32 to spread the seed over the state.
    let z = seed >>> 0;
    const next = () => {
      z = (z + 0x9e3779b9) >>> 0;
      let t = z;
      t = Math.imul(t ^ (t >>> 16), 0x21f0aaad);
      t = Math.imul(t ^ (t >>> 15), 0x735a2d97);
      return (t ^ (t >>> 15)) >>> 0;
    };
    this.s0 = next() | 1;
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** A uniform 32-bit unsigned integer (xorshift128). */
  u32(): number {
    const t = this.s0 ^ (this.s0 << 11);
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.s2 = this.s3;
    this.s3 = this.s3 ^ (this.s3 >>> 19) ^ (t ^ (t >>> 8));
    return this.s3 >>> 0;
  }

  /** A uniform double in [0, 1) with 32 random bits. */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** A uniform integer in [0, n), n <= 2^32. */
  below(n: number): number {
    return Math.floor(this.float() * n);
  }
}

/**
 * Zipf over ranks 1..n with P(k) ∝ 1/k^s, by Hörmann and Derflinger's rejection-inversion
 * ("Rejection-inversion to generate variates from monotone discrete distributions", 1996),
 * as Apache Commons does it: a constant expected number of uniforms per draw, for any n.
 */
export class ZipfSampler {
  private readonly hIntegralX1: number;
  private readonly hIntegralN: number;
  private readonly s: number;

  constructor(
    private readonly n: number,
    private readonly exponent: number,
  ) {
    if (!(n >= 1) || !(exponent > 0)) throw new RangeError("zipf needs n >= 1 and exponent > 0");
    this.hIntegralX1 = this.hIntegral(1.5) - 1;
    this.hIntegralN = this.hIntegral(n + 0.5);
    this.s = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
  }

  /** A rank in [1, n]. */
  sample(rng: Rng): number {
    for (;;) {
      const u = this.hIntegralN + rng.float() * (this.hIntegralX1 - this.hIntegralN);
      const x = this.hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > this.n) k = this.n;
      if (k - x <= this.s || u >= this.hIntegral(k + 0.5) - this.h(k)) return k;
    }
  }

  private hIntegral(x: number): number {
    const logX = Math.log(x);
    return helper2((1 - this.exponent) * logX) * logX;
  }

  private h(x: number): number {
    return Math.exp(-this.exponent * Math.log(x));
  }

  private hIntegralInverse(x: number): number {
    let t = x * (1 - this.exponent);
    if (t < -1) t = -1;
    return Math.exp(helper1(t) * x);
  }
}

/** log1p(x)/x, exact near 0. */
function helper1(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

/** expm1(x)/x, exact near 0. */
function helper2(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + (x / 3) * (1 + 0.25 * x));
}

/** Draws key indexes in [0, count): uniform, or zipf with index 0 the most popular. */
export class KeyChooser {
  private readonly zipf: ZipfSampler | null;

  constructor(
    readonly count: number,
    distribution: "uniform" | "zipf",
    exponent: number,
    private readonly rng: Rng,
  ) {
    this.zipf = distribution === "zipf" ? new ZipfSampler(count, exponent) : null;
  }

  next(): number {
    return this.zipf === null ? this.rng.below(this.count) : this.zipf.sample(this.rng) - 1;
  }
}

/** Write key `index` as `length` zero-padded decimal digits at out[pos]; returns pos + length. */
export function writeKey(out: Uint8Array, pos: number, length: number, index: number): number {
  let i = pos + length - 1;
  let n = index;
  while (n >= 10 && i > pos) {
    const q = Math.floor(n / 10);
    out[i--] = 48 + (n - q * 10);
    n = q;
  }
  out[i--] = 48 + n;
  while (i >= pos) out[i--] = 48;
  return pos + length;
}

/** A key's bytes as a string (tests and messages). */
export function keyString(length: number, index: number): string {
  return String(index).padStart(length, "0");
}
