import type { Logger } from "../stdx/index.ts";
import type { ConfigRewriter, ServerOptions, ServerPlacement, ValueValidator } from "./options.ts";
import { chooseEngine } from "./engine.ts";
import { loadShim } from "../../ffi/index.ts";
import { CommandTable } from "../commands/index.ts";
import { Server, serverCommandSpecs } from "./server.ts";

export type { ConfigRewriter, ServerOptions, ServerPlacement, ValueValidator } from "./options.ts";
export { CRUCIBLE_VERSION } from "./info.ts";
export { serverCommandSpecs } from "./server.ts";

/**
 * The command of each per-command statistics slot, numbered as the server's command table
 * numbers them: /metrics names its per-command series with these (metrics' setCommandNames),
 * on whichever thread serves it.
 */
export function commandSlotNames(): string[] {
  return new CommandTable(serverCommandSpecs()).slotNames;
}

export interface RunningServer {
  /** Addresses actually bound (port 0 resolved). */
  readonly listeners: { protocol: string; address: string }[];
  readonly ready: () => boolean;
  stop(reason: string): Promise<void>;
}

export interface StartOptions {
  validate?: ValueValidator;
  /** CONFIG REWRITE's writer (the config module's); absent: CONFIG REWRITE finds no config file. */
  rewriteConfig?: ConfigRewriter;
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
export async function startServer(options: ServerOptions, rootLog: Logger, configSource: string, start: StartOptions = {}): Promise<RunningServer> {
  // Lines from here on are the server module's ("crucible::server"; CRUCIBLE_LOG=server=debug).
  const log = rootLog.child("server");
  // The command clock reads the shim's time-stamp counter when it is there.
  await loadShim();
  const server = new Server(options, log, configSource, start.validate ?? null, start.onStopped ?? (() => process.exit(0)), start.placement ?? null, start.rewriteConfig);
  server.onStopping = start.onStopping ?? null;
  await chooseEngine(server, options, log);
  server.start();
  if (start.signals !== false) {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.on(signal, () => {
        if (server.shuttingDown) {
          log.info(`received ${signal} again: shutdown already in progress`, { signal });
          return;
        }
        log.info(`received ${signal}, shutting down`, { signal, drain_timeout_secs: options.shutdown.drain_timeout_secs });
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
