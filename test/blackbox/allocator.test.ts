import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { startServer } from "../helpers/server.ts";

function environOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
}

describe("allocator tuning", () => {
  test("the server re-execs itself with mimalloc's purge delay, keeping its PID", async () => {
    const env = { ...process.env };
    delete env.MIMALLOC_PURGE_DELAY;
    const server = await startServer({ env: env as Record<string, string> });
    try {
      expect(environOf(server.proc.pid)).toContain("MIMALLOC_PURGE_DELAY=1000");
      expect(server.logs()).not.toContain("allocator tuning skipped");
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  test("an operator's own setting is kept", async () => {
    const server = await startServer({ env: { MIMALLOC_PURGE_DELAY: "25" } });
    try {
      expect(environOf(server.proc.pid)).toContain("MIMALLOC_PURGE_DELAY=25");
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
