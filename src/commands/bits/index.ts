// Bit operations on string values (Redis's "bitmap" group).

import type { CommandSpec } from "../types.ts";
import { BITCOUNT } from "./bitcount.ts";
import { BITFIELD, BITFIELD_RO } from "./bitfield.ts";
import { BITOP } from "./bitop.ts";
import { BITPOS } from "./bitpos.ts";
import { GETBIT, SETBIT } from "./setbit.ts";

export const bitsCommands: CommandSpec[] = [SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO];

export { BITCOUNT, BITFIELD, BITFIELD_RO, BITOP, BITPOS, GETBIT, SETBIT };
