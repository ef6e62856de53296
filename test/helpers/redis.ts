// A real redis-server for differential tests: the same commands go to it and to Crucible,
// and the raw reply bytes are compared.

import type { Subprocess } from "bun";
import { RawClient } from "./raw.ts";
import { waitFor } from "./server.ts";

export interface RedisServer {
  proc: Subprocess;
  port: number;
  stop(): Promise<void>;
}

function freePort(): number {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = l.port;
  l.stop(true);
  return port;
}

/** redis-server on 127.0.0.1 with no persistence; `extra` are more `--name value` arguments. */
export async function startRedis(extra: string[] = []): Promise<RedisServer> {
  const port = freePort();
  const proc = Bun.spawn(
    ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", ...extra],
    { stdout: "ignore", stderr: "ignore", cwd: "/tmp" },
  );
  await waitFor(async () => {
    try {
      const c = await RawClient.connect(port);
      c.close();
      return true;
    } catch {
      return proc.exitCode !== null;
    }
  }, 5000, "redis-server to listen");
  if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}`);
  return {
    proc,
    port,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

const encoder = new TextEncoder();

/** One command as a RESP multibulk frame; string arguments are taken as latin1 (one byte per char). */
export function respFrame(args: (string | Uint8Array)[]): Uint8Array {
  const parts: Uint8Array[] = [encoder.encode(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === "string" ? Uint8Array.from(a, (ch) => ch.charCodeAt(0)) : a;
    parts.push(encoder.encode(`$${b.length}\r\n`), b, encoder.encode("\r\n"));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const SENTINEL = "__crucible_test_end__";
const SENTINEL_REPLY = `$${SENTINEL.length}\r\n${SENTINEL}\r\n`;

/**
 * Send the commands (pipelined, on one fresh connection), then an ECHO sentinel; return the
 * raw replies before the sentinel's, as a latin1 string. `hello3` switches to RESP3 first
 * (its own reply is dropped).
 */
export async function exchangeResp(port: number, commands: (string | Uint8Array)[][], opts: { hello3?: boolean; timeoutMs?: number } = {}): Promise<string> {
  const c = await RawClient.connect(port);
  try {
    if (opts.hello3) {
      c.write(respFrame(["HELLO", "3"]));
      // HELLO's map ends with the modules entry, an empty array.
      await readUntil(c, (s) => /modules\r\n\*0\r\n$/.test(s), opts.timeoutMs ?? 5000);
    }
    for (const cmd of commands) c.write(respFrame(cmd));
    c.write(respFrame(["ECHO", SENTINEL]));
    const got = await readUntil(c, (s) => s.endsWith(SENTINEL_REPLY), opts.timeoutMs ?? 5000);
    return got.slice(0, got.length - SENTINEL_REPLY.length);
  } finally {
    c.close();
  }
}

async function readUntil(c: RawClient, done: (s: string) => boolean, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let got = "";
  while (!done(got)) {
    if (c.closed && c.pending() === "") return `${got}<closed>`;
    if (Date.now() > deadline) throw new Error(`no end of replies; got ${JSON.stringify(got.slice(-500))}`);
    const bytes = await c.readSome(Math.max(1, deadline - Date.now())).catch(() => new Uint8Array(0));
    for (let i = 0; i < bytes.length; i++) got += String.fromCharCode(bytes[i]);
  }
  return got;
}

/** Where the reply starting at `pos` ends. */
export function replyEnd(s: string, pos: number): number {
  const lineEnd = s.indexOf("\r\n", pos);
  if (lineEnd < 0) throw new Error(`truncated reply at ${pos}: ${JSON.stringify(s.slice(pos, pos + 80))}`);
  const n = Number(s.slice(pos + 1, lineEnd));
  switch (s[pos]) {
    case "$":
    case "=":
    case "!":
      return n < 0 ? lineEnd + 2 : lineEnd + 2 + n + 2;
    case "*":
    case "~":
    case ">": {
      let p = lineEnd + 2;
      for (let i = 0; i < n; i++) p = replyEnd(s, p);
      return p;
    }
    case "%": {
      let p = lineEnd + 2;
      for (let i = 0; i < 2 * n; i++) p = replyEnd(s, p);
      return p;
    }
    default:
      return lineEnd + 2;
  }
}

/** The top-level replies of a raw reply stream. */
export function splitReplies(raw: string): string[] {
  const out: string[] = [];
  for (let p = 0; p < raw.length; ) {
    const e = replyEnd(raw, p);
    out.push(raw.slice(p, e));
    p = e;
  }
  return out;
}

/** A seeded PRNG (mulberry32) for the randomized differential scripts: floats in [0, 1). */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
