// Bit operations on string values (Redis's "bitmap" group). Filled in by issue 5.

import type { CommandSpec } from "../types.ts";

export const bitsCommands: CommandSpec[] = [];
