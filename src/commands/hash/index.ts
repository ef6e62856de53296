// The hash family (Redis's "hash" group). Filled in by issue 5.

import type { CommandSpec } from "../types.ts";

export const hashCommands: CommandSpec[] = [];
