// The zset family (Redis's "zset" group). Filled in by issue 5.

import type { CommandSpec } from "../types.ts";

export const zsetCommands: CommandSpec[] = [];
