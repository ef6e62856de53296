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

/**
 * OBJECT ENCODING for the non-string types. The object store does not report sizes to the
 * commands layer yet, so this is the encoding Redis 7.0 gives a small value of each type.
 */
export const COLLECTION_ENCODINGS: readonly string[] = (() => {
  const names: string[] = [];
  names[ItemType.String] = "raw";
  names[ItemType.Hash] = "listpack";
  names[ItemType.List] = "quicklist";
  names[ItemType.Set] = "hashtable";
  names[ItemType.ZSet] = "listpack";
  names[ItemType.Stream] = "stream";
  return names;
})();
