// The set family (Redis's "set" group). Filled in by issue 5.

import type { CommandSpec } from "../types.ts";

export const setCommands: CommandSpec[] = [];
