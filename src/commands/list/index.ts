// The list family (Redis's "list" group). Filled in by issue 5.

import type { CommandSpec } from "../types.ts";

export const listCommands: CommandSpec[] = [];
