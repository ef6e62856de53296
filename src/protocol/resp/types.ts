/**
 * A parsed command: argument i is buf[off[i] .. off[i]+len[i]). `buf` is the receive
 * buffer (no copy) unless an inline command had to be unescaped.
 */
export interface Argv {
  buf: Uint8Array;
  argc: number;
  off: Int32Array;
  len: Int32Array;
}

/** Reply encoder over a growable byte buffer; protocol version decides RESP2 vs RESP3 forms. */
export interface Reply {
  buf: Uint8Array;
  pos: number;
  proto: 2 | 3;
  ok(): void;
  /** "+text\r\n" (text must not contain CR/LF). */
  simple(text: string): void;
  /** "-text\r\n"; text starts with the error code, e.g. "ERR syntax error". */
  error(text: string): void;
  /** Error replies written so far (the dispatcher tells failed calls by it). */
  readonly errors: number;
  integer(n: number): void;
  bigInteger(n: bigint): void;
  bulk(src: Uint8Array, off: number, len: number): void;
  bulkString(text: string): void;
  /** A bulk string of a latin1() string's bytes (one byte per char). */
  bulkLatin1(s: string): void;
  /** "$-1" in RESP2, "_" in RESP3. */
  nullBulk(): void;
  /** "*-1" in RESP2, "_" in RESP3. */
  nullArray(): void;
  arrayHeader(n: number): void;
  /** "%n" in RESP3, "*2n" in RESP2. */
  mapHeader(n: number): void;
  /** "~n" in RESP3, "*n" in RESP2. */
  setHeader(n: number): void;
  /** "," in RESP3, bulk string in RESP2 (Redis's formatting of doubles). */
  double(n: number): void;
  /** "#t"/"#f" in RESP3, ":1"/":0" in RESP2. */
  boolean(b: boolean): void;
  /** "=" in RESP3 (fmt is 3 chars, e.g. "txt"), bulk string in RESP2. */
  verbatim(fmt: string, text: string): void;
  /** ">n" push header (RESP3), "*n" in RESP2. */
  pushHeader(n: number): void;
  /** Pre-encoded bytes, copied as they are. */
  raw(bytes: Uint8Array): void;
  /** Make room for n more bytes. */
  ensure(n: number): void;
}
