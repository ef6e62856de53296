// BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP (filled in below).

import type { CommandSpec } from "../commands/index.ts";

export const blockingCommands: CommandSpec[] = [];
