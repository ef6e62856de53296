// What the sorted-set command specs share: one key at argument 1 in Redis's "sorted-set"
// group, and the LIMIT argument and complexity of the range commands.

import type { ArgDoc } from "../types.ts";

export const oneKey = { firstKey: 1, lastKey: 1, step: 1, group: "sorted-set" } as const;

export const LIMIT_ARG: ArgDoc = {
  name: "offset_count", type: "block", token: "LIMIT", optional: true, arguments: [
    { name: "offset", type: "integer" },
    { name: "count", type: "integer" },
  ],
};

export const RANGE_COMPLEXITY =
  "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).";
