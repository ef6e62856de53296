import type { CommandSpec } from "../types.ts";
import { dbsize, debug, flushall, flushdb, info, shutdown, time } from "./admin.ts";
import { command } from "./command.ts";
import { config } from "./config.ts";

export const serverCommands: CommandSpec[] = [command, config, info, dbsize, flushdb, flushall, time, debug, shutdown];
