import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ROOT, startServer, tempDir } from "../helpers/server.ts";

const MAIN = join(ROOT, "src", "cli", "main.ts");

describe("start-up errors", () => {
  test("a RESP address already in use exits 2 and names the address", async () => {
    const first = await startServer();
    const dir = tempDir();
    try {
      const proc = Bun.spawn([process.execPath, MAIN, "--bind", "127.0.0.1", "--port", String(first.port), "--set", "metrics.address="], {
        cwd: dir.path,
        stdout: "pipe",
        stderr: "pipe",
      });
      const code = await proc.exited;
      const stderr = await new Response(proc.stderr).text();
      expect(code).toBe(2);
      expect(stderr).toContain(`Address already in use: 127.0.0.1:${first.port}`);
      expect(stderr).toContain("another process");
    } finally {
      dir.cleanup();
      expect(await first.stop()).toBe(0);
    }
  });

  test("the start-up log says which config source was used", async () => {
    const server = await startServer();
    try {
      expect(server.logs()).toContain("built-in defaults");
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
