// The logger (src/stdx/log.ts) and the process logger's file sink with size-based rotation
// (src/cli/logger.ts), in-process.
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createProcessLogger, RotatingFile } from "../../../src/cli/logger.ts";
import { defaultConfig } from "../../../src/config/index.ts";
import { createLogger, createLogState, type LogLevel } from "../../../src/stdx/index.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "crucible-logging-"));
  dirs.push(d);
  return d;
}

function capture(level: LogLevel, format: "json" | "pretty" = "json", extra: { modules?: Record<string, LogLevel>; state?: SharedArrayBuffer } = {}) {
  const lines: string[] = [];
  const log = createLogger({ level, format, write: (l) => lines.push(l), ...extra });
  return { log, lines, records: () => lines.map((l) => JSON.parse(l)) };
}

describe("line formats", () => {
  test("json: one object per line with time (ISO 8601), level, target, msg and the fields", () => {
    const { log, lines, records } = capture("info");
    log.info("listening for resp on 127.0.0.1:6379", { protocol: "resp", port: 6379, big: 2n ** 70n, err: new Error("boom") });
    log.child("server").warn("multi\nline", { level: "shadowed", msg: "also" });
    expect(lines.every((l) => l.endsWith("\n") && l.indexOf("\n") === l.length - 1)).toBe(true);
    const [a, b] = records();
    expect(Object.keys(a).slice(0, 4)).toEqual(["time", "level", "target", "msg"]);
    expect(a.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(new Date(a.time).toISOString()).toBe(a.time);
    expect(a).toMatchObject({ level: "info", target: "crucible", msg: "listening for resp on 127.0.0.1:6379", protocol: "resp", port: 6379, big: String(2n ** 70n) });
    expect(a.err).toContain("Error: boom");
    // A field named like a core key cannot replace it.
    expect(b).toMatchObject({ level: "warn", target: "crucible::server", msg: "multi\nline", field_level: "shadowed", field_msg: "also" });
  });

  test("json: a field with a cycle still gives one parseable line", () => {
    const { log, records } = capture("info");
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    log.info("cycle", { cyclic, n: 1 });
    expect(records()[0]).toMatchObject({ msg: "cycle", cyclic: "[object Object]", n: "1" });
  });

  test("pretty: time, level, message and key=value fields", () => {
    const { log, lines } = capture("info", "pretty");
    log.info("listening", { protocol: "resp", n: 3, list: ["a"] });
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO  listening protocol=resp n=3 list=\["a"\]\n$/);
  });
});

describe("levels", () => {
  test("setLevel takes effect for the very next line, on every child", () => {
    const { log, records } = capture("info");
    const server = log.child("server");
    server.debug("hidden");
    expect(server.enabled("debug")).toBe(false);
    server.setLevel("debug");
    expect(log.level()).toBe("debug");
    server.debug("shown");
    log.child("cli").debug("shown too");
    log.trace("still hidden");
    log.setLevel("warn");
    server.info("hidden again");
    server.warn("a warning");
    expect(records().map((r) => r.msg)).toEqual(["shown", "shown too", "a warning"]);
  });

  test("per-module levels: the most specific wins; setLevel drops them", () => {
    const { log, records } = capture("warn", "json", { modules: { server: "debug", "server::uring": "error", store: "info" } });
    const server = log.child("server");
    server.debug("server debug");
    server.child("uring").warn("uring warn (hidden)");
    server.child("uring").error("uring error");
    log.child("store").info("store info");
    log.child("store").debug("store debug (hidden)");
    log.child("cli").info("cli info (hidden)");
    log.child("cli").warn("cli warn");
    log.setLevel("info");
    server.debug("server debug after setLevel (hidden)");
    log.child("cli").info("cli info after setLevel");
    expect(records().map((r) => `${r.target} ${r.msg}`)).toEqual([
      "crucible::server server debug",
      "crucible::server::uring uring error",
      "crucible::store store info",
      "crucible::cli cli warn",
      "crucible::cli cli info after setLevel",
    ]);
  });

  test("loggers on one state buffer (a Worker's and the main thread's) follow one setLevel", () => {
    const state = createLogState("info");
    const main = capture("info", "json", { state });
    const worker = capture("info", "json", { state });
    worker.log.child("server").setLevel("debug");
    main.log.debug("main sees debug");
    expect(main.log.level()).toBe("debug");
    main.log.setLevel("error");
    worker.log.warn("worker hidden");
    expect(main.records().map((r) => r.msg)).toEqual(["main sees debug"]);
    expect(worker.lines).toEqual([]);
  });
});

describe("the log file and its rotation", () => {
  test("rotates before a line would pass max_log_size, keeps max_log_files, loses no line", () => {
    const dir = tmp();
    const path = join(dir, "crucible.log");
    const file = new RotatingFile(path, 1024, 3);
    const lines = Array.from({ length: 200 }, (_, i) => `line ${String(i).padStart(4, "0")} ${"x".repeat(40)}\n`);
    for (const l of lines) file.write(l);
    file.close();
    expect(existsSync(path)).toBe(true);
    for (const i of [1, 2, 3]) expect(existsSync(`${path}.${i}`)).toBe(true);
    expect(existsSync(`${path}.4`)).toBe(false);
    // Oldest first: .3, .2, .1, then the current file; each within the limit, together the
    // newest lines with none missing or split.
    const kept = [`${path}.3`, `${path}.2`, `${path}.1`, path].map((p) => readFileSync(p, "utf8"));
    for (const p of [`${path}.3`, `${path}.2`, `${path}.1`, path]) expect(statSync(p).size).toBeLessThanOrEqual(1024);
    const all = kept.join("");
    expect(lines.join("").endsWith(all)).toBe(true);
    expect(all.startsWith("line ")).toBe(true);
    expect(all.split("\n").length - 1).toBeGreaterThan(3 * Math.floor(1024 / lines[0]!.length));
  });

  test("appends to an existing file, counting what is already there", () => {
    const dir = tmp();
    const path = join(dir, "crucible.log");
    writeFileSync(path, "y".repeat(1000) + "\n");
    const file = new RotatingFile(path, 1024, 2);
    file.write("z".repeat(100) + "\n");
    file.close();
    expect(readFileSync(`${path}.1`, "utf8")).toBe("y".repeat(1000) + "\n");
    expect(readFileSync(path, "utf8")).toBe("z".repeat(100) + "\n");
  });

  test("a file truncated by someone else (logrotate copytruncate) is not rotated early", () => {
    const dir = tmp();
    const path = join(dir, "crucible.log");
    const file = new RotatingFile(path, 1024, 2);
    for (let i = 0; i < 9; i++) file.write("a".repeat(99) + "\n");
    truncateSync(path, 0);
    for (let i = 0; i < 5; i++) file.write("b".repeat(99) + "\n");
    file.close();
    expect(existsSync(`${path}.1`)).toBe(false);
    expect(readFileSync(path, "utf8")).toContain("b".repeat(99));
  });

  test("a line longer than max_log_size gets a file of its own", () => {
    const dir = tmp();
    const path = join(dir, "crucible.log");
    const file = new RotatingFile(path, 1024, 5);
    file.write("short\n");
    file.write("L".repeat(3000) + "\n");
    file.write("after\n");
    file.close();
    expect(readFileSync(`${path}.2`, "utf8")).toBe("short\n");
    expect(readFileSync(`${path}.1`, "utf8")).toBe("L".repeat(3000) + "\n");
    expect(readFileSync(path, "utf8")).toBe("after\n");
  });

  test("max_log_size = 0 never rotates", () => {
    const dir = tmp();
    const path = join(dir, "crucible.log");
    const file = new RotatingFile(path, 0, 2);
    for (let i = 0; i < 100; i++) file.write("c".repeat(99) + "\n");
    file.close();
    expect(existsSync(`${path}.1`)).toBe(false);
    expect(statSync(path).size).toBe(10000);
  });

  test("the process logger writes JSON lines to the file and rotates it; level changes apply at once", () => {
    const dir = tmp();
    const path = join(dir, "logs", "crucible.log");
    const cfg = { ...defaultConfig().logging, file: path, format: "json" as const, max_log_size: 2048, max_log_files: 2 };
    const log = createProcessLogger(cfg);
    const server = log.child("server");
    for (let i = 0; i < 100; i++) server.debug("hidden", { i });
    log.setLevel("debug");
    for (let i = 0; i < 100; i++) server.debug("client connected", { i });
    log.close();
    const files = [`${path}.2`, `${path}.1`, path].filter((p) => existsSync(p));
    expect(files).toHaveLength(3);
    const records = files.flatMap((p) => readFileSync(p, "utf8").trim().split("\n").map((l) => JSON.parse(l)));
    expect(records.every((r) => r.msg === "client connected" && r.level === "debug" && r.target === "crucible::server")).toBe(true);
    const ids = records.map((r) => r.i);
    // The newest lines, in order, none missing.
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, k) => 100 - ids.length + k));
  });
});
