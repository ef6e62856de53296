// maxclients needs descriptors: the server warns at start-up when the open-file limit is
// lower than maxclients + 32, with what to raise.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RawClient } from "../helpers/raw.ts";
import { ROOT, startServer } from "../helpers/server.ts";

const MAIN = join(ROOT, "src", "cli", "main.ts");
const hasPrlimit = Bun.which("prlimit") !== null;

function openFileLimit(pid: number): { soft: number; hard: number } {
  const m = /^Max open files\s+(\d+)\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/limits`, "utf8"))!;
  return { soft: Number(m[1]), hard: Number(m[2]) };
}

describe.skipIf(!hasPrlimit)("open-file limit", () => {
  test("the soft limit starts at the hard one (Bun raises it), so a high hard limit is enough", async () => {
    const server = await startServer({ command: ["prlimit", "--nofile=256:20000", process.execPath, MAIN], set: ["server.maxclients=5000"] });
    try {
      expect(openFileLimit(server.proc.pid)).toEqual({ soft: 20000, hard: 20000 });
      expect(server.logs()).not.toContain("open files but the limit");
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  test("a hard limit below what maxclients needs is a warning that says what to raise", async () => {
    const server = await startServer({ command: ["prlimit", "--nofile=200:200", process.execPath, MAIN], set: ["server.maxclients=1000"] });
    try {
      expect(openFileLimit(server.proc.pid)).toEqual({ soft: 200, hard: 200 });
      expect(server.logs()).toContain("maxclients 1000 needs 1032 open files but the limit is 200 (hard 200)");
      expect(server.logs()).toContain("ulimit -n 1032");
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  test("a limit already high enough is left as it is", async () => {
    const server = await startServer({ command: ["prlimit", "--nofile=4096:4096", process.execPath, MAIN], set: ["server.maxclients=100"] });
    try {
      expect(openFileLimit(server.proc.pid).soft).toBe(4096);
      expect(server.logs()).not.toContain("open files but the limit");
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
