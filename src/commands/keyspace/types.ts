// Type names as TYPE, SCAN TYPE and OBJECT ENCODING speak them.

import { ItemType } from "../../store/index.ts";
import { utf8 } from "../../stdx/index.ts";

/** TYPE's answer per ItemType (getObjectTypeName). */
export const TYPE_NAMES: readonly string[] = (() => {
  const names: string[] = [];
  names[ItemType.String] = "string";
  names[ItemType.Hash] = "hash";
  names[ItemType.List] = "list";
  names[ItemType.Set] = "set";
  names[ItemType.ZSet] = "zset";
  names[ItemType.Stream] = "stream";
  return names;
})();

/** The same names as bytes, for SCAN TYPE's case-insensitive compare. */
export const TYPE_NAME_BYTES: readonly Uint8Array[] = TYPE_NAMES.map((n) => utf8(n));
