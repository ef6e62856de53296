import { describe, expect, test } from "bun:test";
import { ptr } from "bun:ffi";
import { adviseHugePages, transparentHugePageMode } from "../../../ffi/index.ts";
import { mappings } from "../../helpers/smaps.ts";

const MiB = 1024 * 1024;
const mode = transparentHugePageMode();

describe("transparent hugepage advice", () => {
  test("the kernel's THP mode is read from sysfs", () => {
    expect(["always", "madvise", "never", null]).toContain(mode);
  });

  test.skipIf(mode === null || mode === "never")("a big array gets MADV_HUGEPAGE over its whole 2 MiB pages", () => {
    const view = new Uint8Array(9 * MiB);
    const advice = adviseHugePages([view]);
    if (!advice.advised) throw new Error(advice.why);
    const start = ptr(view);
    const from = Math.ceil(start / (2 * MiB)) * 2 * MiB;
    const to = Math.floor((start + view.byteLength) / (2 * MiB)) * 2 * MiB;
    expect(advice.bytes).toBe(to - from);
    expect(advice.mode).toBe(mode!);
    const covering = mappings("self").find((m) => m.start <= from && from < m.end)!;
    expect(covering.flags).toContain("hg");
    // The memory is still ordinary, zeroed and writable.
    expect(view[5 * MiB]).toBe(0);
    view.fill(7);
    expect(view[9 * MiB - 1]).toBe(7);
  });

  test("arrays smaller than a hugepage are left alone, with the reason", () => {
    const advice = adviseHugePages([new Uint8Array(64 * 1024), new Int32Array(1024)]);
    expect(advice.advised).toBe(false);
    if (!advice.advised) {
      expect(advice.why).toMatch(mode === null || mode === "never" ? /transparent hugepages/ : /no region spans a whole 2 MiB page/);
    }
  });
});
