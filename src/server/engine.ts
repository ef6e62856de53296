import { loadShim, uringUnavailable, type Shim } from "../../ffi/index.ts";
import type { Logger } from "../stdx/index.ts";
import type { ServerOptions } from "./options.ts";
import type { Server } from "./server.ts";
import { UringEngine } from "./uring/index.ts";

/**
 * io_engine: "uring" demands the io_uring engine and fails start-up (exit code 2) when the
 * kernel or the shim can't give it; "auto" takes it when it can and otherwise stays on
 * Bun.listen, saying why; "bun" never tries.
 */
export async function chooseEngine(server: Server, options: ServerOptions, log: Logger): Promise<void> {
  const wanted = options.io_engine;
  if (wanted === "bun") {
    log.info("network engine: bun (Bun.listen)", { engine: "bun", io_engine: wanted, why: 'io_engine = "bun"' });
    return;
  }
  const unavailable = await uringUnavailable();
  if (unavailable !== null) {
    if (wanted === "uring") {
      throw Object.assign(
        new Error(
          `io_uring not supported on this system: ${unavailable}. ` +
            "Check: cat /proc/sys/kernel/io_uring_disabled (0 enables it: echo 0 | sudo tee /proc/sys/kernel/io_uring_disabled), " +
            'or set io_engine = "auto" or "bun"',
        ),
        { exitCode: 2 },
      );
    }
    log.info("io_engine auto: using Bun's socket layer", { engine: "bun", io_engine: wanted, fallback: true, why: unavailable });
    return;
  }
  const u = options.uring;
  const shim = (await loadShim()) as { loaded: true; shim: Shim };
  let engine: UringEngine;
  try {
    engine = new UringEngine(server, shim.shim, { sqDepth: u.sq_depth, bufferCount: u.buffer_count, bufferSize: u.buffer_size, sqpoll: u.sqpoll });
  } catch (e) {
    const errno = (e as { errno?: number }).errno;
    const why = u.sqpoll && (errno === 1 || errno === 13) ? `${(e as Error).message}; sqpoll requires root or CAP_SYS_NICE (set [uring] sqpoll = false)` : (e as Error).message;
    if (wanted === "uring" || u.sqpoll) throw Object.assign(new Error(why), { exitCode: 2 });
    log.warn("io_engine auto: io_uring setup failed, using Bun's socket layer", { engine: "bun", io_engine: wanted, fallback: true, why });
    return;
  }
  server.useUring(engine);
  log.info("network engine: io_uring", { engine: "io_uring", io_engine: wanted, sq_depth: u.sq_depth, buffer_count: u.buffer_count, buffer_size: u.buffer_size, sqpoll: u.sqpoll });
}
