import { connectionCommands } from "./connection/index.ts";
import { keyspaceCommands } from "./keyspace/index.ts";
import { serverCommands } from "./server/index.ts";
import { stringCommands } from "./string/index.ts";
import type { CommandSpec } from "./types.ts";

/** Every command the RESP listeners serve. */
export const allCommands: CommandSpec[] = [...connectionCommands, ...serverCommands, ...stringCommands, ...keyspaceCommands];
