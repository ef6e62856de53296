// BITFIELD's SET and INCRBY arithmetic with its OVERFLOW policies (bitops.c
// checkSignedBitfieldOverflow / checkUnsignedBitfieldOverflow). Two paths that agree: plain
// numbers when the field has at most 32 bits and the argument is within ±2^52 (every sum
// is then exact), and BigInt otherwise, mirroring the C code's 64-bit casts exactly (a
// negative SET value of an unsigned field is a huge uint64, so it overflows upwards).

export const Overflow = { Wrap: 0, Sat: 1, Fail: 2 } as const;

/** The largest |argument| the number path takes. */
export const SMALL_ARG_MAX = 2 ** 52;
/** The widest field the number path takes. */
export const SMALL_BITS_MAX = 32;

/** Outcome of the last update: the new field value, unless `failed` (FAIL on overflow). */
export const updated = { value: 0, big: 0n, failed: false };

/**
 * New value of a field of `bits` bits (signed when `sign`) holding `old`, after SET `arg`
 * (isIncr false) or INCRBY `arg`, under overflow policy `ow`. Number path: bits <= 32,
 * |arg| <= 2^52. Result in updated.value / updated.failed.
 */
export function updateSmall(old: number, arg: number, isIncr: boolean, sign: boolean, bits: number, ow: number): void {
  const span = 2 ** bits;
  const max = sign ? span / 2 - 1 : span - 1;
  const min = sign ? -max - 1 : 0;
  const v = isIncr ? old + arg : arg;
  let overflow = 0;
  // An unsigned field's SET value is taken as uint64: a negative one is above any max.
  if (v > max || (!sign && !isIncr && v < 0)) overflow = 1;
  else if (v < min) overflow = -1;
  updated.failed = false;
  if (overflow === 0) {
    updated.value = v;
  } else if (ow === Overflow.Fail) {
    updated.failed = true;
  } else if (ow === Overflow.Sat) {
    updated.value = overflow > 0 ? max : min;
  } else {
    let w = ((v % span) + span) % span;
    if (sign && w > max) w -= span;
    updated.value = w;
  }
}

const INT64_MAX = 9223372036854775807n;

/** The BigInt path of updateSmall, for any width and int64 argument; result in updated.big. */
export function updateLarge(old: bigint, arg: bigint, isIncr: boolean, sign: boolean, bits: number, ow: number): void {
  updated.failed = false;
  if (sign) {
    const value = isIncr ? old : arg;
    const incr = isIncr ? arg : 0n;
    const overflow = checkSigned(value, incr, bits, ow);
    if (overflow !== 0 && ow === Overflow.Fail) updated.failed = true;
    else if (overflow === 0) updated.big = value + incr;
    // else: checkSigned left the wrapped or saturated value in updated.big
  } else {
    const value = isIncr ? old : BigInt.asUintN(64, arg);
    const incr = isIncr ? arg : 0n;
    const overflow = checkUnsigned(value, incr, bits, ow);
    if (overflow !== 0 && ow === Overflow.Fail) updated.failed = true;
    else if (overflow === 0) updated.big = value + incr;
  }
}

/** checkSignedBitfieldOverflow: 1 over, -1 under, 0 fits; the limit goes to updated.big. */
function checkSigned(value: bigint, incr: bigint, bits: number, ow: number): number {
  const max = bits === 64 ? INT64_MAX : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  // C computes these in (u)int64 and they may wrap; they are only trusted where they don't.
  const maxincr = BigInt.asIntN(64, max - value);
  const minincr = BigInt.asIntN(64, min - value);
  let overflow = 0;
  if (value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)) overflow = 1;
  else if (value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)) overflow = -1;
  if (overflow !== 0) {
    if (ow === Overflow.Wrap) updated.big = BigInt.asIntN(bits, value + incr);
    else if (ow === Overflow.Sat) updated.big = overflow > 0 ? max : min;
  }
  return overflow;
}

/** checkUnsignedBitfieldOverflow (value as uint64, bits <= 63); the limit goes to updated.big. */
function checkUnsigned(value: bigint, incr: bigint, bits: number, ow: number): number {
  const max = (1n << BigInt(bits)) - 1n;
  const maxincr = BigInt.asIntN(64, max - value);
  const minincr = BigInt.asIntN(64, -value);
  let overflow = 0;
  if (value > max || (incr > 0n && incr > maxincr)) overflow = 1;
  else if (incr < 0n && incr < minincr) overflow = -1;
  if (overflow !== 0) {
    if (ow === Overflow.Wrap) updated.big = BigInt.asUintN(bits, value + incr);
    else if (ow === Overflow.Sat) updated.big = overflow > 0 ? max : 0n;
  }
  return overflow;
}
