import type { Logger } from "../stdx/index.ts";
import type { ServerOptions, ServerPlacement, ValueValidator } from "./options.ts";
import { chooseEngine } from "./engine.ts";
import { Server } from "./server.ts";

export type { ServerOptions, ServerPlacement, ValueValidator } from "./options.ts";
export { CRUCIBLE_VERSION } from "./info.ts";

export interface RunningServer {
  /** Addresses actually bound (port 0 resolved). */
  readonly listeners: { protocol: string; address: string }[];
  readonly ready: () => boolean;
  stop(reason: string): Promise<void>;
}

export interface StartOptions {
  validate?: ValueValidator;
  /** Called once the graceful shutdown has finished; the default exits the process with 0. */
  onStopped?: () => void;
  /** Called as a graceful shutdown begins (signal, SHUTDOWN command or stop()). */
  onStopping?: () => void;
  /** Install SIGTERM/SIGINT handlers (default true). */
  signals?: boolean;
  /** The arena memory the composition root mapped, and its placement; absent: the store allocates. */
  placement?: ServerPlacement;
}

/** Start every listener; shutdown on SIGTERM, SIGINT or SHUTDOWN drains clients and exits 0. */
export async function startServer(options: ServerOptions, log: Logger, configSource: string, start: StartOptions = {}): Promise<RunningServer> {
  const server = new Server(options, log, configSource, start.validate ?? null, start.onStopped ?? (() => process.exit(0)), start.placement ?? null);
  server.onStopping = start.onStopping ?? null;
  await chooseEngine(server, options, log);
  server.start();
  if (start.signals !== false) {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.on(signal, () => {
        log.info(`received ${signal}, shutting down`);
        void server.stop(signal);
      });
    }
  }
  return {
    listeners: server.listeners.map(({ protocol, address }) => ({ protocol, address })),
    ready: () => !server.shuttingDown,
    stop: (reason) => server.stop(reason),
  };
}
