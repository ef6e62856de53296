// The composition root in-process, with a stand-in server: what startServer receives, the
// admin endpoint beside it, logging to a file, and how start-up failures are reported.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resetShimForTests } from "../../../ffi/shim.ts";
import { main } from "../../../src/cli/main.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "crucible-wiring-"));
  dirs.push(d);
  return d;
}

interface StartCall {
  config: any;
  source: string;
  start: any;
}

function standIn(behaviour: { fail?: unknown } = {}) {
  const calls: StartCall[] = [];
  let ready = true;
  const loadServer = async () => ({
    startServer: (async (config: any, _log: any, source: string, start: any) => {
      calls.push({ config, source, start });
      if (behaviour.fail) throw behaviour.fail;
      return { listeners: [], ready: () => ready, stop: async () => start.onStopped() };
    }) as any,
  });
  return { calls, loadServer, setReady: (r: boolean) => (ready = r) };
}

function capture() {
  const out = { stdout: "", stderr: "", exits: [] as number[] };
  return {
    out,
    deps: {
      stdout: (t: string) => void (out.stdout += t),
      stderr: (t: string) => void (out.stderr += t),
      exit: (c: number) => void out.exits.push(c),
    },
  };
}

describe("running the server", () => {
  test("startServer gets the effective config, its source and a CONFIG SET validator; admin serves beside it", async () => {
    const dir = tmp();
    const logFile = join(dir, "logs", "crucible.log");
    const s = standIn();
    const c = capture();
    const code = await main(
      ["--port", "0", "--set", "metrics.address=127.0.0.1:0", "--set", `logging.file=${logFile}`, "--set", "logging.format=json", "--set", "server.maxclients=42"],
      { cwd: dir, env: {}, loadServer: s.loadServer, ...c.deps },
    );
    expect(c.out.stderr).toBe("");
    expect(code).toBe(0);
    expect(s.calls).toHaveLength(1);
    const call = s.calls[0]!;
    expect(call.source).toBe("built-in defaults");
    expect(call.config.listener).toEqual([{ protocol: "resp", address: "127.0.0.1:0", path: "" }]);
    expect(call.config.server.maxclients).toBe(42);
    expect(call.start.validate("server", "maxclients", "500")).toEqual({ ok: true, value: 500 });
    expect(call.start.validate("cache", "heap_size", "2GB")).toEqual({ ok: true, value: 2 * 1024 ** 3 });
    const bad = call.start.validate("server", "maxclients", "many");
    expect(bad.ok).toBe(false);
    expect(bad.error).toContain("expected an integer");

    // The log went to the file (appending, directory created), saying which config was used.
    const log = readFileSync(logFile, "utf8");
    const lines = log.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.some((l) => l.msg === "using config: built-in defaults")).toBe(true);
    const metricsLine = lines.find((l) => String(l.msg).startsWith("metrics on http://"));
    const port = Number(/:(\d+)\/metrics$/.exec(metricsLine.msg)![1]);

    expect(await (await fetch(`http://127.0.0.1:${port}/health`)).text()).toBe("OK");
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
    s.setReady(false);
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(503);
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain("cache_hits_total");

    // When the server has stopped, the admin endpoint goes and the process exits 0.
    call.start.onStopped();
    expect(c.out.exits).toEqual([0]);
    expect(await fetch(`http://127.0.0.1:${port}/health`).then(() => "up", () => "down")).toBe("down");
  });

  test("startServer gets the arena mapped before it (one buffer per chunk) and what placement is in effect", async () => {
    const dir = tmp();
    const logFile = join(dir, "crucible.log");
    const s = standIn();
    const c = capture();
    // The shim is loaded once per process: forget it so this run sees CRUCIBLE_SHIM=off.
    resetShimForTests();
    const code = await main(
      ["--port", "0", "--set", "metrics.address=", "--set", "cache.heap_size=6MB", "--set", "cache.segment_size=1MB", "--set", `logging.file=${logFile}`, "--set", "logging.format=json"],
      { cwd: dir, env: { CRUCIBLE_SHIM: "off" }, loadServer: s.loadServer, ...c.deps },
    );
    expect(code).toBe(0);
    const placement = s.calls[0]!.start.placement;
    expect(placement.chunks.map((b: ArrayBuffer) => b.byteLength)).toEqual([6 * 1024 * 1024]);
    expect(placement).toMatchObject({ pageSize: "4k", numaNode: -1, pinnedCpus: "" });
    const lines = readFileSync(logFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.find((l) => l.msg.startsWith("placement: "))).toMatchObject({
      level: "info", msg: "placement: heap on 4 KiB pages, no NUMA binding, not pinned", page_size: "4k", mapped_by: "arraybuffer",
    });
    expect(lines.some((l) => l.level === "warn" && l.msg === "the native shim is not loaded (CRUCIBLE_SHIM=off): the heap is ordinary memory")).toBe(true);
    s.calls[0]!.start.onStopped();
    resetShimForTests();
  });

  test("address in use from the server: its message on stderr, exit 2, admin released", async () => {
    const err = Object.assign(new Error("Address already in use: 127.0.0.1:6379 (another process is listening there; find it with: ss -ltnp 'sport = :6379')"), { code: "EADDRINUSE" });
    const s = standIn({ fail: err });
    const c = capture();
    const dir = tmp();
    const code = await main(["--set", "metrics.address=127.0.0.1:0", "--set", `logging.file=${join(dir, "log")}`], { cwd: dir, env: {}, loadServer: s.loadServer, ...c.deps });
    expect(code).toBe(2);
    expect(c.out.stderr).toBe(`Error: ${err.message}\n`);
    const port = Number(/metrics on http:\/\/127\.0\.0\.1:(\d+)/.exec(readFileSync(join(dir, "log"), "utf8"))![1]);
    expect(await fetch(`http://127.0.0.1:${port}/health`).then(() => "up", () => "down")).toBe("down");
  });

  test("any error with exitCode 2 is an operator error; others exit 1 with the stack", async () => {
    const dir = tmp();
    const opErr = Object.assign(new Error("Cannot listen on 10.9.9.9:6379: not an address of this host"), { exitCode: 2 });
    let c = capture();
    expect(await main(["--set", "metrics.address=", "--set", `logging.file=${join(dir, "log")}`], { cwd: dir, env: {}, loadServer: standIn({ fail: opErr }).loadServer, ...c.deps })).toBe(2);
    expect(c.out.stderr).toBe(`Error: ${opErr.message}\n`);
    c = capture();
    expect(await main(["--set", "metrics.address=", "--set", `logging.file=${join(dir, "log")}`], { cwd: dir, env: {}, loadServer: standIn({ fail: new TypeError("boom") }).loadServer, ...c.deps })).toBe(1);
    expect(c.out.stderr).toStartWith("Error: TypeError: boom");
  });

  test("the metrics port in use stops start-up before the server is loaded", async () => {
    const holder = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const s = standIn();
      const c = capture();
      const dir = tmp();
      const code = await main(["--set", `metrics.address=127.0.0.1:${holder.port}`, "--set", `logging.file=${join(dir, "log")}`], { cwd: dir, env: {}, loadServer: s.loadServer, ...c.deps });
      expect(code).toBe(2);
      expect(c.out.stderr).toContain(`Error: Address already in use: 127.0.0.1:${holder.port}`);
      expect(s.calls).toHaveLength(0);
    } finally {
      holder.stop(true);
    }
  });

  test("doctor's exit code does not leak into the process", async () => {
    const holder = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const c = capture();
      expect(await main(["doctor", "--port", String(holder.port), "--set", "metrics.address="], { cwd: tmp(), env: {}, ...c.deps })).toBe(1);
      expect(process.exitCode ?? 0).toBe(0);
      expect(await main(["--test-config"], { cwd: tmp(), env: {}, ...c.deps })).toBe(0);
    } finally {
      holder.stop(true);
    }
  });
});
