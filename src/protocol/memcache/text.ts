// Framing of memcache's text protocol (classic and meta commands): one command line split
// into space-separated tokens, plus the data block that follows a storage command. Tokens
// are offsets into the receive buffer; nothing here knows what a command does.

/** memcached's key length limit (KEY_MAX_LENGTH). */
export const MAX_KEY_BYTES = 250;
/** memcached's meta token limit: an ms line with this many tokens reads no data block. */
const MAX_META_TOKENS = 20;
/** A line without its newline longer than this closes the connection, unless it is a get (memcached). */
export const MAX_LINE_WITHOUT_NEWLINE = 2048;

const SPACE = 32;
const CR = 13;
const LF = 10;

/** How the request's data block came out. */
export const Data = {
  /** The command carries no data block. */
  None: 0,
  /** dataOff/dataLen hold the block; it ended in \r\n. */
  Ok: 1,
  /** The block did not end in \r\n ("CLIENT_ERROR bad data chunk"); its bytes were consumed. */
  BadChunk: 2,
  /** The declared length is over the limit: the caller answers and swallows `swallowBytes`. */
  TooLarge: 3,
} as const;
export type Data = (typeof Data)[keyof typeof Data];

export interface TextLimits {
  /** Largest data block read into memory (max_value_size); bigger ones are swallowed. */
  maxDataBytes: number;
}

/** Index of the token holding a storage command's byte count, or -1 (by command name and token count). */
function dataLengthToken(buf: Uint8Array, off: number, len: number, ntokens: number): number {
  const c0 = buf[off];
  if (len === 2 && c0 === 109 && buf[off + 1] === 115) return ntokens >= 3 ? 2 : -1; // ms
  if (ntokens !== 5 && ntokens !== 6 && ntokens !== 7) return -1;
  let cas = false;
  if (len === 3) {
    if (c0 === 115 && buf[off + 1] === 101 && buf[off + 2] === 116) cas = false; // set
    else if (c0 === 97 && buf[off + 1] === 100 && buf[off + 2] === 100) cas = false; // add
    else if (c0 === 99 && buf[off + 1] === 97 && buf[off + 2] === 115) cas = true; // cas
    else return -1;
  } else if (!isWord(buf, off, len, REPLACE) && !isWord(buf, off, len, APPEND) && !isWord(buf, off, len, PREPEND)) {
    return -1;
  }
  if (cas ? ntokens < 6 : ntokens > 6) return -1;
  return 4;
}

const REPLACE = new TextEncoder().encode("replace");
const APPEND = new TextEncoder().encode("append");
const PREPEND = new TextEncoder().encode("prepend");

export function isWord(buf: Uint8Array, off: number, len: number, word: Uint8Array): boolean {
  if (len !== word.length) return false;
  for (let i = 0; i < len; i++) if (buf[off + i] !== word[i]) return false;
  return true;
}

/**
 * A decimal number token as memcached's safe_strto* read it: optional '-' (signed only),
 * digits, nothing else. NaN when it is not one or does not fit 2^53.
 */
export function parseNumber(buf: Uint8Array, off: number, len: number, signed: boolean): number {
  let i = off;
  const end = off + len;
  let neg = false;
  if (signed && i < end && buf[i] === 45) {
    neg = true;
    i++;
  }
  if (i === end || end - i > 16) return Number.NaN;
  let v = 0;
  for (; i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return Number.NaN;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

export class TextParser {
  buf: Uint8Array = new Uint8Array(0);
  ntokens = 0;
  off = new Int32Array(32);
  len = new Int32Array(32);
  data: Data = Data.None;
  dataOff = 0;
  dataLen = 0;
  /** Bytes the caller must drop from the stream after answering a Data.TooLarge request. */
  swallowBytes = 0;
  /** After parse() returned 0: bytes the request needs before a retry is worth it (0: unknown). */
  needBytes = 0;
  /** Set when parse() returned -1: why the connection must close. */
  error = "";

  constructor(readonly limits: TextLimits) {}

  /**
   * Frame one request at buf[start..end). Returns the bytes it took (line and data block),
   * 0 when more input is needed, or -1 when the connection must close (`error`).
   */
  parse(buf: Uint8Array, start: number, end: number): number {
    this.needBytes = 0;
    let nl = start;
    while (nl < end && buf[nl] !== LF) nl++;
    if (nl === end) {
      if (end - start > MAX_LINE_WITHOUT_NEWLINE && !startsWithGet(buf, start, end)) {
        this.error = "line too long";
        return -1;
      }
      return 0;
    }
    const lineEnd = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
    this.buf = buf;
    this.tokenize(buf, start, lineEnd);
    this.data = Data.None;
    this.dataLen = 0;
    const lineBytes = nl + 1 - start;
    if (this.ntokens === 0) return lineBytes;
    const t = dataLengthToken(buf, this.off[0], this.len[0], this.ntokens);
    if (t < 0) return lineBytes;
    // memcached reads no data block after a line it rejects (the block is then taken as commands).
    if (t === 4 && !this.storageLineValid()) return lineBytes;
    if (t === 2 && (this.len[1] > MAX_KEY_BYTES || this.ntokens >= MAX_META_TOKENS)) return lineBytes;
    // ms reads its length with strtol, which takes a leading '+'.
    const plus = t === 2 && this.len[t] > 1 && buf[this.off[t]] === 43 ? 1 : 0;
    const vlen = parseNumber(buf, this.off[t] + plus, this.len[t] - plus, plus === 0);
    if (!(vlen >= 0) || vlen > 0x7ffffffd) return lineBytes;
    if (vlen > this.limits.maxDataBytes) {
      this.data = Data.TooLarge;
      this.dataLen = vlen;
      this.swallowBytes = vlen + 2;
      return lineBytes;
    }
    const total = lineBytes + vlen + 2;
    if (end - start < total) {
      this.needBytes = total;
      return 0;
    }
    this.dataOff = nl + 1;
    this.dataLen = vlen;
    this.data = buf[nl + 1 + vlen] === CR && buf[nl + 2 + vlen] === LF ? Data.Ok : Data.BadChunk;
    return total;
  }

  /** Key, flags, exptime (and cas) of a classic storage line are well-formed. */
  private storageLineValid(): boolean {
    const { buf, off, len } = this;
    if (len[1] > MAX_KEY_BYTES) return false;
    const flags = parseNumber(buf, off[2], len[2], false);
    if (!(flags <= 0xffffffff)) return false;
    if (Number.isNaN(parseNumber(buf, off[3], len[3], true))) return false;
    if (buf[off[0]] === 99 && !isDigits(buf, off[5], len[5], 20)) return false;
    return true;
  }

  private tokenize(buf: Uint8Array, from: number, to: number): void {
    let n = 0;
    let i = from;
    while (i < to) {
      while (i < to && buf[i] === SPACE) i++;
      if (i === to) break;
      const s = i;
      while (i < to && buf[i] !== SPACE) i++;
      if (n === this.off.length) this.grow();
      this.off[n] = s;
      this.len[n] = i - s;
      n++;
    }
    this.ntokens = n;
  }

  private grow(): void {
    const off = new Int32Array(this.off.length * 2);
    const len = new Int32Array(this.len.length * 2);
    off.set(this.off);
    len.set(this.len);
    this.off = off;
    this.len = len;
  }
}

/** 1 to `max` ASCII digits. */
export function isDigits(buf: Uint8Array, off: number, len: number, max: number): boolean {
  if (len === 0 || len > max) return false;
  for (let i = off; i < off + len; i++) if (buf[i] < 48 || buf[i] > 57) return false;
  return true;
}

/** A long multi-get line may arrive in pieces: memcached keeps reading "get " and "gets ". */
function startsWithGet(buf: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end && buf[i] === SPACE && i - start <= 100) i++;
  if (end - i < 4 || buf[i] !== 103 || buf[i + 1] !== 101 || buf[i + 2] !== 116) return false;
  return buf[i + 3] === SPACE || (buf[i + 3] === 115 && end - i > 4 && buf[i + 4] === SPACE);
}
