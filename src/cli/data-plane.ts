// The data plane: placement (pinning, arena mapping) and the server itself, started on the
// calling thread. The main thread runs it for Bun.listen; a dedicated Worker runs it for the
// io_uring engine (server-worker.ts), whose ring waits block the thread they run on.

import { type Config, rewriteConfigFile, validateValue } from "../config/index.ts";
import type { Logger } from "../stdx/index.ts";
import type { RunningServer, StartOptions } from "../server/index.ts";
import { placeServer } from "./placement.ts";

type StartServer = (typeof import("../server/index.ts"))["startServer"];

export async function startDataPlane(
  config: Config,
  source: string,
  log: Logger,
  env: Record<string, string | undefined>,
  loadServer: () => Promise<{ startServer: StartServer }>,
  options: Pick<StartOptions, "onStopped" | "onStopping" | "signals">,
): Promise<RunningServer> {
  // Pin this thread and map the store's arena (hugepages, NUMA node) before anything else
  // is allocated for the server.
  const { placement } = await placeServer(config, env, log.child("store"));
  const { startServer } = await loadServer();
  return startServer(config, log, source, {
    ...options,
    placement,
    rewriteConfig: rewriteConfigFile,
    validate: (section, key, raw) => {
      try {
        return { ok: true, value: validateValue(section, key, raw) };
      } catch (e) {
        return { ok: false, error: (e as Error).message };
      }
    },
  });
}
