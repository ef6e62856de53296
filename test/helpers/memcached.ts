import type { Subprocess } from "bun";
import { RawClient } from "./raw.ts";
import type { TestServer } from "./server.ts";
import { waitFor } from "./server.ts";

/** The port of a server's memcache listener (the first one), from its start-up log. */
export function memcachePort(server: TestServer): number {
  const m = /listening for memcache on [^"\s]*:(\d+)/.exec(server.logs());
  if (!m) throw new Error(`no memcache listener in the log:\n${server.logs()}`);
  return Number(m[1]);
}

/** A free TCP port on 127.0.0.1 (bound and released). */
function freePort(): number {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = l.port;
  l.stop(true);
  return port;
}

export interface Memcached {
  proc: Subprocess;
  port: number;
  stop(): Promise<void>;
}

/** A real memcached (-t 1, no UDP) on 127.0.0.1, for comparing replies byte for byte. */
export async function startMemcached(extra: string[] = []): Promise<Memcached> {
  const port = freePort();
  const proc = Bun.spawn(["memcached", "-p", String(port), "-U", "0", "-l", "127.0.0.1", "-t", "1", "-u", "root", ...extra], {
    stdout: "ignore",
    stderr: "pipe",
  });
  await waitFor(async () => {
    try {
      const c = await RawClient.connect(port);
      c.close();
      return true;
    } catch {
      return proc.exitCode !== null;
    }
  }, 5000, "memcached to listen");
  if (proc.exitCode !== null) throw new Error(`memcached exited with ${proc.exitCode}`);
  return {
    proc,
    port,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

const SENTINEL = "version\r\n";

/**
 * Send `script` then a `version` request, and return every reply byte before the version
 * line (the requests' replies in order), or what came before the peer closed plus "<closed>".
 */
export async function exchange(port: number, script: string | Uint8Array, timeoutMs = 5000): Promise<string> {
  const c = await RawClient.connect(port);
  try {
    c.write(script);
    c.write(SENTINEL);
    const deadline = Date.now() + timeoutMs;
    let got = "";
    for (;;) {
      const m = /VERSION [^\r\n]*\r\n$/.exec(got);
      if (m) return got.slice(0, m.index);
      if (c.closed && c.pending() === "") return got + "<closed>";
      if (Date.now() > deadline) throw new Error(`no version reply; got ${JSON.stringify(got)}`);
      got += await c.read(1, Math.max(1, deadline - Date.now())).catch(() => "");
    }
  } finally {
    c.close();
  }
}
