// memcached binary responses, written into the server's shared reply buffer: a 24-byte
// header (magic 0x81, the request's opcode and opaque), then extras, key and value.
import { utf8 } from "../../stdx/index.ts";
import { BINARY_HEADER_BYTES, BinaryStatus, RESPONSE_MAGIC } from "./binary.ts";
import { type ByteSink, writeBytes } from "./reply.ts";

const TWO_POW_32 = 4294967296;
const U32_MASK = 0xffffffffn;

/** memcached's error bodies (write_bin_error), by status. */
const ERROR_TEXT: Record<number, Uint8Array> = {
  [BinaryStatus.KeyNotFound]: utf8("Not found"),
  [BinaryStatus.KeyExists]: utf8("Data exists for key."),
  [BinaryStatus.TooLarge]: utf8("Too large."),
  [BinaryStatus.InvalidArguments]: utf8("Invalid arguments"),
  [BinaryStatus.NotStored]: utf8("Not stored."),
  [BinaryStatus.NonNumeric]: utf8("Non-numeric server-side value for incr or decr"),
  [BinaryStatus.UnknownCommand]: utf8("Unknown command"),
  [BinaryStatus.OutOfMemory]: utf8("Out of memory"),
};

/**
 * The response header; room is ensured for it and `bodyLen` more bytes, which the caller
 * writes next. `cas` is a non-negative integer below 2^53.
 */
export function writeBinaryHeader(
  r: ByteSink, opcode: number, status: number, extrasLen: number, keyLen: number, bodyLen: number, opaque: number, cas: number,
): void {
  r.ensure(BINARY_HEADER_BYTES + bodyLen);
  const b = r.buf;
  const p = r.pos;
  b[p] = RESPONSE_MAGIC;
  b[p + 1] = opcode;
  b[p + 2] = keyLen >>> 8;
  b[p + 3] = keyLen & 0xff;
  b[p + 4] = extrasLen;
  b[p + 5] = 0;
  b[p + 6] = status >>> 8;
  b[p + 7] = status & 0xff;
  putU32(b, p + 8, bodyLen);
  putU32(b, p + 12, opaque);
  const high = Math.floor(cas / TWO_POW_32);
  putU32(b, p + 16, high);
  putU32(b, p + 20, cas - high * TWO_POW_32);
  r.pos = p + BINARY_HEADER_BYTES;
}

/** Success with no body (set, delete, flush, noop, quit...). */
export function writeBinaryOk(r: ByteSink, opcode: number, opaque: number, cas: number): void {
  writeBinaryHeader(r, opcode, BinaryStatus.Ok, 0, 0, 0, opaque, cas);
}

/** An error status with memcached's text for it as the body. */
export function writeBinaryError(r: ByteSink, opcode: number, opaque: number, status: BinaryStatus): void {
  const text = ERROR_TEXT[status];
  writeBinaryHeader(r, opcode, status, 0, 0, text.length, opaque, 0);
  writeBytes(r, text, 0, text.length);
}

/** A miss of GetK/GATK: Not found, with the key and no text. */
export function writeBinaryKeyMiss(r: ByteSink, opcode: number, opaque: number, key: Uint8Array, keyOff: number, keyLen: number): void {
  writeBinaryHeader(r, opcode, BinaryStatus.KeyNotFound, 0, keyLen, keyLen, opaque, 0);
  writeBytes(r, key, keyOff, keyLen);
}

/** A hit: the 4-byte flags as extras, the key when keyLen > 0, the value when valueLen > 0. */
export function writeBinaryValue(
  r: ByteSink, opcode: number, opaque: number, cas: number, flags: number,
  key: Uint8Array, keyOff: number, keyLen: number, value: Uint8Array, valueOff: number, valueLen: number,
): void {
  writeBinaryHeader(r, opcode, BinaryStatus.Ok, 4, keyLen, 4 + keyLen + valueLen, opaque, cas);
  putU32(r.buf, r.pos, flags);
  r.pos += 4;
  if (keyLen > 0) writeBytes(r, key, keyOff, keyLen);
  if (valueLen > 0) writeBytes(r, value, valueOff, valueLen);
}

/** incr/decr: the new value as a 64-bit big-endian body. */
export function writeBinaryCounter(r: ByteSink, opcode: number, opaque: number, cas: number, value: bigint): void {
  writeBinaryHeader(r, opcode, BinaryStatus.Ok, 0, 0, 8, opaque, cas);
  putU32(r.buf, r.pos, Number((value >> 32n) & U32_MASK));
  putU32(r.buf, r.pos + 4, Number(value & U32_MASK));
  r.pos += 8;
}

/** A body of ASCII text (Version). */
export function writeBinaryText(r: ByteSink, opcode: number, opaque: number, text: Uint8Array): void {
  writeBinaryHeader(r, opcode, BinaryStatus.Ok, 0, 0, text.length, opaque, 0);
  writeBytes(r, text, 0, text.length);
}

/** One Stat packet: the name as key, the value as body; the empty name ends the list (cold path). */
export function writeBinaryStat(r: ByteSink, opcode: number, opaque: number, name: string, value: string): void {
  const k = utf8(name);
  const v = utf8(value);
  writeBinaryHeader(r, opcode, BinaryStatus.Ok, 0, k.length, k.length + v.length, opaque, 0);
  writeBytes(r, k, 0, k.length);
  writeBytes(r, v, 0, v.length);
}

function putU32(b: Uint8Array, p: number, v: number): void {
  b[p] = v >>> 24;
  b[p + 1] = (v >>> 16) & 0xff;
  b[p + 2] = (v >>> 8) & 0xff;
  b[p + 3] = v & 0xff;
}
