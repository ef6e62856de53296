import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadShim, SHIM_ABI, type Shim, tickClock } from "../../../ffi/index.ts";
import { resetShimForTests } from "../../../ffi/shim.ts";

const ROOT = join(import.meta.dir, "..", "..", "..");
const built = existsSync(join(ROOT, "liburing-shim", "build", "libcrucible_shim.so"));
const canBuild = Bun.which("make") !== null && Bun.which("gcc") !== null && existsSync("/usr/include/liburing.h");

describe("liburing-shim", () => {
  test.skipIf(!canBuild)("the C smoke test passes (ABI version, mapping, affinity, one io_uring round trip)", () => {
    const run = Bun.spawnSync(["make", "-s", "-C", join(ROOT, "liburing-shim"), "test"], { stdout: "pipe", stderr: "pipe" });
    const out = run.stdout.toString() + run.stderr.toString();
    expect(out).toContain("smoke test passed");
    expect(run.exitCode).toBe(0);
  }, 60_000);

  test.skipIf(!built)("the built library loads, with the ABI version this code expects, and only libc as a dependency", async () => {
    resetShimForTests();
    const load = await loadShim({});
    expect(load.loaded).toBe(true);
    if (load.loaded) expect(load.shim.crucible_abi_version()).toBe(SHIM_ABI);
    const ldd = Bun.spawnSync(["ldd", join(ROOT, "liburing-shim", "build", "libcrucible_shim.so")], { stdout: "pipe" }).stdout.toString();
    expect(ldd).toContain("libc.so.6");
    expect(ldd).not.toContain("liburing");
  });

  test("CRUCIBLE_SHIM=off and a missing path are fallbacks with a reason, not crashes", async () => {
    resetShimForTests();
    expect(await loadShim({ CRUCIBLE_SHIM: "off" })).toEqual({ loaded: false, why: "CRUCIBLE_SHIM=off" });
    resetShimForTests();
    const missing = await loadShim({ CRUCIBLE_SHIM: "/nonexistent/libcrucible_shim.so" });
    expect(missing).toEqual({ loaded: false, why: "CRUCIBLE_SHIM=/nonexistent/libcrucible_shim.so: no such file" });
    resetShimForTests();
  });

  test.skipIf(!existsSync("/lib/x86_64-linux-gnu/libc.so.6"))("a library that is not the shim is refused with the loader's reason", async () => {
    resetShimForTests();
    const load = await loadShim({ CRUCIBLE_SHIM: "/lib/x86_64-linux-gnu/libc.so.6" });
    expect(load.loaded).toBe(false);
    if (!load.loaded) expect(load.why).toContain("could not be loaded");
    resetShimForTests();
  });
});

const loadedForClock = await loadShim();
const invariantTsc = loadedForClock.loaded && loadedForClock.shim.crucible_tsc_invariant() === 1;

describe("tick clock from the shim", () => {
  test.skipIf(!invariantTsc)("on an invariant TSC it calibrates to the real rate: ticks times nsPerTick track Bun.nanoseconds", async () => {
    const c = tickClock((loadedForClock as { shim: Shim }).shim);
    expect(c.source).toMatch(/^tsc \(\d+\.\d\d GHz\)$/);
    const ns0 = Bun.nanoseconds();
    const t0 = c.now();
    await Bun.sleep(50);
    const elapsed = Bun.nanoseconds() - ns0;
    const measured = (c.now() - t0) * c.nsPerTick;
    expect(Math.abs(measured - elapsed) / elapsed).toBeLessThan(0.02);
  });
});
