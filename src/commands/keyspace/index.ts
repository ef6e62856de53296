// The keyspace family (Redis's "generic" group).

import type { CommandSpec } from "../types.ts";
import { DEL, EXISTS, TOUCH, TYPE, UNLINK } from "./del.ts";
import {
  EXPIRE, EXPIREAT, EXPIRETIME, PERSIST, PEXPIRE, PEXPIREAT, PEXPIRETIME, PTTL, TTL,
} from "./expire.ts";
import { KEYS, RANDOMKEY, SCAN } from "./keys.ts";
import { MEMORY } from "./memory.ts";
import { OBJECT } from "./object.ts";
import { COPY, MOVE, RENAME, RENAMENX, SWAPDB } from "./rename.ts";

export const keyspaceCommands: CommandSpec[] = [
  DEL, UNLINK, EXISTS, TYPE, TOUCH,
  EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST,
  KEYS, SCAN, RANDOMKEY,
  RENAME, RENAMENX, COPY, MOVE, SWAPDB,
  OBJECT, MEMORY,
];

export {
  COPY, DEL, EXISTS, EXPIRE, EXPIREAT, EXPIRETIME, KEYS, MOVE, OBJECT, PERSIST, PEXPIRE, PEXPIREAT,
  PEXPIRETIME, PTTL, RANDOMKEY, RENAME, RENAMENX, SCAN, SWAPDB, TOUCH, TTL, TYPE, UNLINK,
};
export { keyModified, KeyEvent } from "./signal.ts";
