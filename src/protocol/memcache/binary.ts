// Framing of memcached's binary protocol (protocol-binary.txt): a 24-byte header, then
// extras, key and value. The parser only frames a request into offsets over the receive
// buffer; what an opcode means is the commands layer's business.
import { Data } from "./text.ts";

export const BINARY_HEADER_BYTES = 24;
export const REQUEST_MAGIC = 0x80;
export const RESPONSE_MAGIC = 0x81;

/** Request opcodes memcached 1.6 knows (the SASL ones it answers only as unknown without SASL). */
export const Opcode = {
  Get: 0x00,
  Set: 0x01,
  Add: 0x02,
  Replace: 0x03,
  Delete: 0x04,
  Increment: 0x05,
  Decrement: 0x06,
  Quit: 0x07,
  Flush: 0x08,
  GetQ: 0x09,
  Noop: 0x0a,
  Version: 0x0b,
  GetK: 0x0c,
  GetKQ: 0x0d,
  Append: 0x0e,
  Prepend: 0x0f,
  Stat: 0x10,
  SetQ: 0x11,
  AddQ: 0x12,
  ReplaceQ: 0x13,
  DeleteQ: 0x14,
  IncrementQ: 0x15,
  DecrementQ: 0x16,
  QuitQ: 0x17,
  FlushQ: 0x18,
  AppendQ: 0x19,
  PrependQ: 0x1a,
  Verbosity: 0x1b,
  Touch: 0x1c,
  GAT: 0x1d,
  GATQ: 0x1e,
  SaslListMechs: 0x20,
  SaslAuth: 0x21,
  SaslStep: 0x22,
  GATK: 0x23,
  GATKQ: 0x24,
} as const;

/** Response statuses memcached sends. */
export const BinaryStatus = {
  Ok: 0x0000,
  KeyNotFound: 0x0001,
  KeyExists: 0x0002,
  TooLarge: 0x0003,
  InvalidArguments: 0x0004,
  NotStored: 0x0005,
  NonNumeric: 0x0006,
  UnknownCommand: 0x0081,
  OutOfMemory: 0x0082,
} as const;
export type BinaryStatus = (typeof BinaryStatus)[keyof typeof BinaryStatus];

export interface BinaryLimits {
  /** Largest value read into memory (max_value_size); a body beyond this plus 1 KiB is swallowed. */
  readonly maxDataBytes: number;
}

/** Room for extras and a key on top of the value limit before a body counts as too large. */
const BODY_SLACK_BYTES = 1024;
const TWO_POW_32 = 4294967296;
/** A CAS whose high word reaches this is at least 2^53: no item has one. */
const CAS_HIGH_LIMIT = 1 << 21;

export class BinaryParser {
  buf: Uint8Array = new Uint8Array(0);
  opcode = 0;
  /** Echoed in the response, untouched (u32). */
  opaque = 0;
  /** The request's CAS; -1 when it is 2^53 or more (no item can have it). */
  cas = 0;
  datatype = 0;
  vbucket = 0;
  /** Total body length from the header: extras + key + value. */
  bodyLen = 0;
  extrasOff = 0;
  extrasLen = 0;
  keyOff = 0;
  keyLen = 0;
  /** For Data.TooLarge the value is not in `buf`: only its length is known. */
  valueOff = 0;
  valueLen = 0;
  data: Data = Data.None;
  /** Bytes the caller must drop from the stream after a Data.TooLarge request (its body). */
  swallowBytes = 0;
  /** After parse() returned 0: bytes the request needs from `start` (0: unknown). */
  needBytes = 0;
  /** Set when parse() returned -1: why the connection must close. */
  error = "";

  constructor(readonly limits: BinaryLimits) {}

  /**
   * Frame one request at buf[start..end). Returns the bytes it took, 0 when more input is
   * needed, or -1 when the connection must close (`error`). A body over the limit takes
   * only the header (24): the caller answers, then drops `swallowBytes`. Extras and key of
   * such a request are still waited for and left in `buf`, so the handler can name the key.
   */
  parse(buf: Uint8Array, start: number, end: number): number {
    this.needBytes = 0;
    if (start < end && buf[start] !== REQUEST_MAGIC) {
      this.error = "bad binary magic byte";
      return -1;
    }
    if (end - start < BINARY_HEADER_BYTES) {
      this.needBytes = BINARY_HEADER_BYTES;
      return 0;
    }
    const keyLen = (buf[start + 2] << 8) | buf[start + 3];
    const extrasLen = buf[start + 4];
    const bodyLen = readU32(buf, start + 8);
    const bodyOff = start + BINARY_HEADER_BYTES;
    if (bodyLen > this.limits.maxDataBytes + BODY_SLACK_BYTES) {
      // Extras and key are small (at most 255 + 65535 bytes): wait for them, not the value.
      const head = Math.min(extrasLen + keyLen, bodyLen);
      if (end - bodyOff < head) {
        this.needBytes = BINARY_HEADER_BYTES + head;
        return 0;
      }
      this.readHeader(buf, start, keyLen, extrasLen, bodyLen);
      this.data = Data.TooLarge;
      this.swallowBytes = bodyLen;
      return BINARY_HEADER_BYTES;
    }
    if (end - bodyOff < bodyLen) {
      this.needBytes = BINARY_HEADER_BYTES + bodyLen;
      return 0;
    }
    this.readHeader(buf, start, keyLen, extrasLen, bodyLen);
    this.data = bodyLen === 0 ? Data.None : Data.Ok;
    this.swallowBytes = 0;
    return BINARY_HEADER_BYTES + bodyLen;
  }

  /** Fill the fields from a header whose frame (or extras and key) is in `buf`. */
  private readHeader(buf: Uint8Array, start: number, keyLen: number, extrasLen: number, bodyLen: number): void {
    this.buf = buf;
    this.opcode = buf[start + 1];
    this.datatype = buf[start + 5];
    this.vbucket = (buf[start + 6] << 8) | buf[start + 7];
    this.bodyLen = bodyLen;
    this.opaque = readU32(buf, start + 12);
    const casHigh = readU32(buf, start + 16);
    this.cas = casHigh >= CAS_HIGH_LIMIT ? -1 : casHigh * TWO_POW_32 + readU32(buf, start + 20);
    const bodyOff = start + BINARY_HEADER_BYTES;
    this.extrasOff = bodyOff;
    this.extrasLen = extrasLen;
    this.keyOff = bodyOff + extrasLen;
    this.keyLen = keyLen;
    this.valueOff = this.keyOff + keyLen;
    // Negative when key and extras claim more than the body: the handler rejects the frame.
    this.valueLen = bodyLen - extrasLen - keyLen;
  }
}

/** Big-endian unsigned 32-bit integer. */
export function readU32(buf: Uint8Array, off: number): number {
  return ((buf[off] << 24) | (buf[off + 1] << 16) | (buf[off + 2] << 8) | buf[off + 3]) >>> 0;
}

/** Big-endian unsigned 64-bit integer (incr/decr's delta and initial value). */
export function readU64BE(buf: Uint8Array, off: number): bigint {
  return (BigInt(readU32(buf, off)) << 32n) | BigInt(readU32(buf, off + 4));
}
