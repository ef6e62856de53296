/**
 * A minimal RESP2 client for the benchmarks: one-shot commands (PING, DBSIZE, INFO, a
 * SET/GET probe) and a pipelined bulk loader that writes exactly `count` distinct keys.
 */
import type { Socket } from "bun";

export type Reply = string | number | null | Reply[] | { error: string };

const enc = new TextEncoder();

export function encodeCommand(args: (string | Uint8Array)[]): Uint8Array {
  const parts: Uint8Array[] = [enc.encode(`*${args.length}\r\n`)];
  for (const a of args) {
    const bytes = typeof a === "string" ? enc.encode(a) : a;
    parts.push(enc.encode(`$${bytes.length}\r\n`), bytes, enc.encode("\r\n"));
  }
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Parse one RESP2/RESP3 reply at `pos`; returns undefined when the buffer holds less than a reply. */
function parseReply(buf: Uint8Array, pos: number): { value: Reply; end: number } | undefined {
  if (pos >= buf.length) return undefined;
  let eol = pos;
  while (eol + 1 < buf.length && !(buf[eol] === 13 && buf[eol + 1] === 10)) eol++;
  if (eol + 1 >= buf.length) return undefined;
  const type = String.fromCharCode(buf[pos]!);
  const line = new TextDecoder().decode(buf.subarray(pos + 1, eol));
  const next = eol + 2;
  switch (type) {
    case "+":
      return { value: `+${line}`, end: next };
    case "-":
      return { value: { error: line }, end: next };
    case ":":
      return { value: Number(line), end: next };
    case "_":
      return { value: null, end: next };
    case "$":
    case "=":
    case "!": {
      const len = Number(line);
      if (len < 0) return { value: null, end: next };
      if (next + len + 2 > buf.length) return undefined;
      const s = new TextDecoder().decode(buf.subarray(next, next + len));
      return { value: type === "!" ? { error: s } : s, end: next + len + 2 };
    }
    case "*":
    case "~":
    case ">":
    case "%": {
      const n = Number(line) * (type === "%" ? 2 : 1);
      if (n < 0) return { value: null, end: next };
      const items: Reply[] = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, p);
        if (!r) return undefined;
        items.push(r.value);
        p = r.end;
      }
      return { value: items, end: p };
    }
    default:
      return { value: { error: `unexpected reply type byte ${JSON.stringify(type)}: ${line}` }, end: next };
  }
}

/** Send one command on a fresh connection and return its reply ("+OK", 3, "bulk", null, {error}). */
export async function command(port: number, args: (string | Uint8Array)[], timeoutMs = 5000, host = "127.0.0.1"): Promise<Reply> {
  let buf = new Uint8Array(0);
  let done!: (r: Reply) => void;
  let fail!: (e: Error) => void;
  const result = new Promise<Reply>((resolve, reject) => {
    done = resolve;
    fail = reject;
  });
  // Failures before we await `result` (connect errors) are reported by Bun.connect itself.
  result.catch(() => {});
  const timer = setTimeout(() => fail(new Error(`${args[0]} on port ${port}: no reply within ${timeoutMs} ms`)), timeoutMs);
  let socket: Socket<undefined> | undefined;
  try {
    socket = await Bun.connect({
      hostname: host,
      port,
      socket: {
        binaryType: "uint8array",
        data(_s, chunk: Uint8Array) {
          const next = new Uint8Array(buf.length + chunk.length);
          next.set(buf);
          next.set(chunk, buf.length);
          buf = next;
          const r = parseReply(buf, 0);
          if (r) done(r.value);
        },
        close() {
          fail(new Error(`${args[0]} on port ${port}: connection closed before a reply`));
        },
        error(_s, err) {
          fail(err);
        },
        connectError(_s, err) {
          fail(err);
        },
      },
    });
    socket.write(encodeCommand(args));
    return await result;
  } finally {
    clearTimeout(timer);
    socket?.end();
  }
}

export function isError(r: Reply): r is { error: string } {
  return typeof r === "object" && r !== null && !Array.isArray(r) && "error" in r;
}

/** Parse an INFO reply into a key → value map. */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0 && !line.startsWith("#")) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

export interface LoadResult {
  ok: number;
  errors: number;
  unexpected: number;
  firstError?: string;
  ms: number;
}

export interface LoadOptions {
  /** Number of distinct keys: key:%012d for 0..count-1 (16-byte keys). */
  count: number;
  /** Value length in bytes (default 32). */
  valueLen?: number;
  connections?: number;
  /** Commands per pipelined batch. */
  batch?: number;
  timeoutMs?: number;
}

const KEY_PREFIX = "key:";
const KEY_DIGITS = 12;

/**
 * Write `SET key:%012d <value>` for every index in 0..count-1 over a few pipelined
 * connections (each owns a contiguous range, one batch in flight at a time). Every reply is
 * counted; errors are counted and the first one is kept.
 */
export async function loadKeys(port: number, opts: LoadOptions): Promise<LoadResult> {
  const valueLen = opts.valueLen ?? 32;
  const conns = Math.max(1, opts.connections ?? 4);
  const batch = opts.batch ?? 1000;
  if (valueLen < KEY_DIGITS) throw new Error("valueLen must be >= 12");
  const t0 = performance.now();
  const per = Math.ceil(opts.count / conns);
  const ranges: [number, number][] = [];
  for (let c = 0; c < conns; c++) {
    const start = c * per;
    const end = Math.min(opts.count, start + per);
    if (start < end) ranges.push([start, end]);
  }
  const results = await Promise.all(ranges.map(([s, e]) => loadRange(port, s, e, valueLen, batch, opts.timeoutMs ?? 120000)));
  const total: LoadResult = { ok: 0, errors: 0, unexpected: 0, ms: performance.now() - t0 };
  for (const r of results) {
    total.ok += r.ok;
    total.errors += r.errors;
    total.unexpected += r.unexpected;
    total.firstError ??= r.firstError;
  }
  return total;
}

async function loadRange(port: number, start: number, end: number, valueLen: number, batch: number, timeoutMs: number): Promise<Omit<LoadResult, "ms">> {
  // One command as bytes, with the key's and the value's last 12 characters as digits to fill in.
  const valuePad = "v".repeat(valueLen - KEY_DIGITS);
  const head = `*3\r\n$3\r\nSET\r\n$${KEY_PREFIX.length + KEY_DIGITS}\r\n${KEY_PREFIX}`;
  const mid = `\r\n$${valueLen}\r\n${valuePad}`;
  const template = enc.encode(`${head}${"0".repeat(KEY_DIGITS)}${mid}${"0".repeat(KEY_DIGITS)}\r\n`);
  const keyDigitsAt = head.length;
  const valueDigitsAt = head.length + KEY_DIGITS + mid.length;
  const cmdLen = template.length;
  const out = new Uint8Array(cmdLen * batch);
  for (let i = 0; i < batch; i++) out.set(template, i * cmdLen);

  const fill = (base: number, index: number) => {
    let n = index;
    for (let d = KEY_DIGITS - 1; d >= 0; d--) {
      const c = 48 + (n % 10);
      n = Math.floor(n / 10);
      out[base + keyDigitsAt + d] = c;
      out[base + valueDigitsAt + d] = c;
    }
  };

  const res = { ok: 0, errors: 0, unexpected: 0, firstError: undefined as string | undefined };
  let expected = 0; // replies still owed for the batch in flight
  let lineStart = true;
  let lineType = 0;
  let errText = "";
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  let pending: Uint8Array | null = null;

  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      binaryType: "uint8array",
      data(_s, chunk: Uint8Array) {
        // Every SET reply is one line: +OK or -ERR ...; count lines by their first byte.
        for (let i = 0; i < chunk.length; i++) {
          const b = chunk[i]!;
          if (lineStart) {
            lineType = b;
            lineStart = false;
            if (b === 45 /* - */) errText = "";
          } else if (b === 10) {
            lineStart = true;
            if (lineType === 43 /* + */) res.ok++;
            else if (lineType === 45) {
              res.errors++;
              res.firstError ??= errText.replace(/\r$/, "");
            } else res.unexpected++;
            expected--;
          } else if (lineType === 45 && errText.length < 200) {
            errText += String.fromCharCode(b);
          }
        }
        if (expected <= 0 && wake) {
          const w = wake;
          wake = null;
          w();
        }
      },
      drain(s) {
        if (pending) {
          const n = s.write(pending);
          pending = n < pending.length ? pending.subarray(n) : null;
        }
      },
      close() {
        failure ??= new Error(`loader: connection to port ${port} closed`);
        wake?.();
      },
      error(_s, err) {
        failure ??= err;
        wake?.();
      },
    },
  });

  const deadline = Date.now() + timeoutMs;
  try {
    for (let i = start; i < end; i += batch) {
      const n = Math.min(batch, end - i);
      for (let k = 0; k < n; k++) fill(k * cmdLen, i + k);
      const bytes = out.subarray(0, n * cmdLen);
      expected = n;
      const done = new Promise<void>((resolve) => (wake = resolve));
      const written = socket.write(bytes);
      // The socket may take only part of the batch; the rest goes on 'drain'. Copy it,
      // because `out` is refilled for the next batch.
      pending = written < bytes.length ? bytes.slice(Math.max(0, written)) : null;
      const left = deadline - Date.now();
      let timer: Timer | undefined;
      await Promise.race([
        done,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, Math.max(0, left));
        }),
      ]);
      clearTimeout(timer);
      if (failure) throw failure;
      if (expected > 0) throw new Error(`loader: timed out with ${expected} replies outstanding (port ${port}, keys ${i}..${i + n - 1})`);
    }
  } finally {
    socket.end();
  }
  return res;
}
