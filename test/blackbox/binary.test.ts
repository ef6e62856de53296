import { describe, expect, test } from "bun:test";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { RawClient } from "../helpers/raw.ts";
import { ROOT, startServer, tempDir } from "../helpers/server.ts";
import { loadShim, probeUring } from "../../ffi/index.ts";

const shim = await loadShim();
const shimBuilt = existsSync(join(ROOT, "liburing-shim", "build", "libcrucible_shim.so"));
const uringAvailable = shim.loaded && probeUring(shim.shim) === null;

describe("compiled binary", () => {
  test("npm run build's dist/crucible-server, copied elsewhere, serves PING", async () => {
    const binary = join(ROOT, "dist", "crucible-server");
    const build = Bun.spawnSync([process.execPath, join(ROOT, "scripts", "build.ts")], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
    expect(build.exitCode).toBe(0);
    expect(existsSync(binary)).toBe(true);
    const dir = tempDir();
    try {
      const copy = join(dir.path, "crucible-server");
      copyFileSync(binary, copy);
      Bun.spawnSync(["chmod", "+x", copy]);
      const version = Bun.spawnSync([copy, "--version"], { cwd: dir.path, stdout: "pipe" });
      expect(version.exitCode).toBe(0);
      const server = await startServer({ command: [copy], cwd: dir.path });
      // The shim travels inside the binary: the copy maps the arena and runs io_uring with it.
      if (shimBuilt) {
        expect(server.logs()).toContain('"mapped_by":"shim"');
        expect(server.logs()).toMatch(/\/\$bunfs\/[^"]*libcrucible_shim[^"]*\.so/);
        if (uringAvailable && process.env.CRUCIBLE_TEST_ENGINE !== "bun") expect(server.logs()).toContain("network engine: io_uring");
      }
      const c = await RawClient.connect(server.port);
      expect(await c.call("PING")).toBe("PONG");
      expect(await c.call("SET", "k", "v")).toBe("OK");
      expect(await c.call("GET", "k")).toBe("v");
      c.close();
      expect(await server.stop()).toBe(0);
    } finally {
      dir.cleanup();
    }
  }, 120_000);
});
