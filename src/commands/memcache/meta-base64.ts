// Base64 as memcached's base64.c does it (meta commands' `b` flag): the decoder skips bytes
// outside the alphabet, needs a non-zero multiple of four alphabet bytes ('=' counts), and
// stops at the first block holding padding; the encoder always pads.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const INVALID = 0x80;
const ENCODE = new Uint8Array(64);
const DECODE = new Uint8Array(256).fill(INVALID);
for (let i = 0; i < 64; i++) {
  ENCODE[i] = ALPHABET.charCodeAt(i);
  DECODE[ALPHABET.charCodeAt(i)] = i;
}
const PAD = 61; // '='
DECODE[PAD] = 0;

const block = new Uint8Array(4);

/** Decode src[off..off+len) into out (from 0); returns the decoded length, 0 on failure. */
export function base64Decode(src: Uint8Array, off: number, len: number, out: Uint8Array): number {
  let count = 0;
  for (let i = off; i < off + len; i++) if (DECODE[src[i]] !== INVALID) count++;
  if (count === 0 || count % 4 !== 0 || (count / 4) * 3 > out.length) return 0;
  let pos = 0;
  let pad = 0;
  count = 0;
  for (let i = off; i < off + len; i++) {
    const v = DECODE[src[i]];
    if (v === INVALID) continue;
    if (src[i] === PAD) pad++;
    block[count++] = v;
    if (count < 4) continue;
    out[pos++] = ((block[0] << 2) | (block[1] >> 4)) & 0xff;
    out[pos++] = ((block[1] << 4) | (block[2] >> 2)) & 0xff;
    out[pos++] = ((block[2] << 6) | block[3]) & 0xff;
    count = 0;
    if (pad === 0) continue;
    if (pad > 2) return 0;
    pos -= pad;
    break;
  }
  return pos;
}

/** Bytes base64Encode writes for len input bytes. */
export function base64Length(len: number): number {
  return Math.ceil(len / 3) * 4;
}

/** Encode src[off..off+len) into out at `at`; returns the end position. */
export function base64Encode(src: Uint8Array, off: number, len: number, out: Uint8Array, at: number): number {
  let i = off;
  const end = off + len;
  let p = at;
  for (; end - i >= 3; i += 3) {
    out[p++] = ENCODE[src[i] >> 2];
    out[p++] = ENCODE[((src[i] & 0x03) << 4) | (src[i + 1] >> 4)];
    out[p++] = ENCODE[((src[i + 1] & 0x0f) << 2) | (src[i + 2] >> 6)];
    out[p++] = ENCODE[src[i + 2] & 0x3f];
  }
  if (end - i === 1) {
    out[p++] = ENCODE[src[i] >> 2];
    out[p++] = ENCODE[(src[i] & 0x03) << 4];
    out[p++] = PAD;
    out[p++] = PAD;
  } else if (end - i === 2) {
    out[p++] = ENCODE[src[i] >> 2];
    out[p++] = ENCODE[((src[i] & 0x03) << 4) | (src[i + 1] >> 4)];
    out[p++] = ENCODE[(src[i + 1] & 0x0f) << 2];
    out[p++] = PAD;
  }
  return p;
}
