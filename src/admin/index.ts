// The admin HTTP endpoint on the metrics port: /metrics (Prometheus text), /health
// (liveness: the process answers) and /ready (readiness: accepting clients).

import { metricsContentType, metricsText } from "../metrics/index.ts";

export interface AdminOptions {
  /**
   * Readiness, asked on every /ready: true while the server accepts clients (listening, not
   * starting, not shutting down); otherwise false or the reason ("starting", "shutting
   * down"), and /ready answers 503 with it.
   */
  ready: () => boolean | string;
}

export interface AdminServer {
  /** The port actually bound (port 0 resolved). */
  readonly port: number;
  /** "host:port" actually bound. */
  readonly address: string;
  stop(): void;
}

/** An error the CLI reports as-is and exits 2 for (address in use, not available). */
export class AdminStartError extends Error {
  readonly exitCode = 2;
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = "AdminStartError";
    this.code = code;
  }
}

function splitAddress(address: string): { host: string; port: number } | null {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(address);
  if (!m || Number(m[3]) > 65535) return null;
  return { host: m[1] ?? m[2]!, port: Number(m[3]) };
}

function text(body: string, status = 200): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/** Start the admin HTTP server on `address` ("host:port"). Throws AdminStartError. */
export function startAdmin(address: string, opts: AdminOptions): AdminServer {
  const hp = splitAddress(address);
  if (!hp) throw new AdminStartError(`Invalid metrics address: ${JSON.stringify(address)} (expected host:port)`, "EINVAL");
  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({
      hostname: hp.host,
      port: hp.port,
      reusePort: false,
      async fetch(req) {
        const path = new URL(req.url).pathname;
        if (req.method !== "GET" && req.method !== "HEAD") return text("method not allowed\n", 405);
        switch (path) {
          case "/metrics":
            return new Response(await metricsText(), { headers: { "content-type": metricsContentType } });
          case "/health":
            return text("OK");
          case "/ready": {
            const ready = opts.ready();
            return ready === true ? text("OK") : text(`not ready: ${ready === false || ready === "" ? "not accepting connections" : ready}\n`, 503);
          }
          case "/":
            return text("crucible admin: /metrics /health /ready\n");
          default:
            return text("not found\n", 404);
        }
      },
    });
  } catch (e) {
    const code = (e as { code?: string }).code ?? "";
    if (code === "EADDRINUSE") {
      throw new AdminStartError(
        `Address already in use: ${address} (another process is listening there; find it with: ss -ltnp 'sport = :${hp.port}')`,
        code,
      );
    }
    if (code === "EADDRNOTAVAIL") {
      throw new AdminStartError(`Cannot listen on ${address}: the address is not on this host (check [metrics] address; ip -br addr lists this host's addresses)`, code);
    }
    if (code === "EACCES") {
      throw new AdminStartError(`Permission denied listening on ${address}: ports below 1024 need root or: sudo setcap 'cap_net_bind_service=+ep' $(command -v crucible-server)`, code);
    }
    throw e;
  }
  const port = server.port!;
  const host = hp.host.includes(":") ? `[${hp.host}]` : hp.host;
  return {
    port,
    address: `${host}:${port}`,
    stop: () => void server.stop(true),
  };
}
