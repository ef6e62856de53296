import { bitsCommands } from "./bits/index.ts";
import { connectionCommands } from "./connection/index.ts";
import { hashCommands } from "./hash/index.ts";
import { keyspaceCommands } from "./keyspace/index.ts";
import { listCommands } from "./list/index.ts";
import { serverCommands } from "./server/index.ts";
import { setCommands } from "./set/index.ts";
import { sortCommands } from "./sort/index.ts";
import { stringCommands } from "./string/index.ts";
import { zsetCommands } from "./zset/index.ts";
import type { CommandSpec } from "./types.ts";

/** Every command the RESP listeners serve. */
export const allCommands: CommandSpec[] = [
  ...connectionCommands, ...serverCommands, ...stringCommands, ...keyspaceCommands,
  ...hashCommands, ...listCommands, ...setCommands, ...zsetCommands, ...bitsCommands, ...sortCommands,
];
