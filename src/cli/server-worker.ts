// Entry point of the Worker that runs the io_uring engine's data plane: the store, the
// sessions, the commands and the ring, all on this thread (which pins itself). The main
// thread keeps the admin endpoint and the signals, and talks to it with these messages:
//   main → worker: { type: "stop", reason }
//   worker → main: { type: "ready" } | { type: "stopping" } | { type: "stopped" } | { type: "error", message, exitCode }
//                  | { type: "log", line }: a formatted log line for the main thread's sink (stderr or the
//                    rotated log file; one writer per process), posted in order before "stopped"

import { parentPort, workerData } from "node:worker_threads";
import type { Config } from "../config/index.ts";
import type { LogModuleLevels } from "../stdx/index.ts";
import { startDataPlane } from "./data-plane.ts";
import { createProcessLogger } from "./logger.ts";

export interface WorkerData {
  config: Config;
  source: string;
  env: Record<string, string | undefined>;
  countersBuffer: SharedArrayBuffer;
  /** The main thread's log level state: CONFIG SET loglevel here changes both threads at once. */
  logState: SharedArrayBuffer;
  /** Per-module levels from CRUCIBLE_LOG. */
  logModules: LogModuleLevels;
}

const data = workerData as WorkerData;
const port = parentPort!;
const log = createProcessLogger(data.config.logging, {
  state: data.logState,
  modules: data.logModules,
  forward: (line) => port.postMessage({ type: "log", line }),
});

try {
  const running = await startDataPlane(data.config, data.source, log, data.env, () => import("../server/index.ts"), {
    signals: false,
    onStopping: () => port.postMessage({ type: "stopping" }),
    onStopped: () => {
      log.close();
      port.postMessage({ type: "stopped" });
    },
  });
  port.on("message", (m: { type: string; reason?: string }) => {
    if (m.type === "stop") {
      void running.stop(m.reason ?? "stop");
    }
  });
  port.postMessage({ type: "ready" });
} catch (e) {
  const err = e as { message?: string; code?: string; exitCode?: number; stack?: string };
  log.close();
  port.postMessage({ type: "error", message: err?.message ?? String(e), stack: err?.stack, code: err?.code, exitCode: err?.exitCode });
}
