// Logging of a real server process: JSON lines, live level changes, CRUCIBLE_LOG, the log
// file and its rotation, and what start-up says.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RawClient } from "../helpers/raw.ts";
import { ROOT, startServer, tempDir, waitFor, type TestServer } from "../helpers/server.ts";

const MAIN = join(ROOT, "src", "cli", "main.ts");

interface Record_ {
  time: string;
  level: string;
  target: string;
  msg: string;
  [field: string]: unknown;
}

/** Every line must be one JSON object with time, level, target and msg. */
function parseLines(text: string): Record_[] {
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      let r: Record_;
      try {
        r = JSON.parse(l);
      } catch {
        throw new Error(`not a JSON line: ${l}`);
      }
      expect(typeof r).toBe("object");
      expect(r.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(["error", "warn", "info", "debug", "trace"]).toContain(r.level);
      expect(typeof r.msg).toBe("string");
      expect(r.target).toMatch(/^crucible(::[a-z:]+)?$/);
      return r;
    });
}

const records = (server: TestServer) => parseLines(server.logs());

/** Open a connection, PING, close: one "client connected" and one "client closed" debug line. */
async function touch(port: number): Promise<void> {
  const c = await RawClient.connect(port);
  expect(await c.call("PING")).toBe("PONG");
  c.close();
}

/** A server started by hand (the helper always sets logging.level), its output captured. */
function spawnServer(args: string[], opts: { cwd: string; env?: Record<string, string> }) {
  const env: Record<string, string | undefined> = { ...process.env, ...opts.env };
  if (!opts.env?.CRUCIBLE_LOG) delete env.CRUCIBLE_LOG;
  const engine = process.env.CRUCIBLE_TEST_ENGINE;
  const engineSet = engine ? ["--set", `io_engine=${engine}`] : [];
  const proc = Bun.spawn([process.execPath, MAIN, ...args, "--set", "metrics.address=", ...engineSet], { cwd: opts.cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  let text = "";
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  };
  const pumped = Promise.all([pump(proc.stdout), pump(proc.stderr)]);
  return { proc, output: () => text, pumped };
}

function portIn(text: string): number {
  return Number(/listening for resp on [^"\s]*:(\d+)/.exec(text)?.[1] ?? 0);
}

describe("JSON logs and start-up lines", () => {
  test("every line is one JSON object; start-up names the config source, memory, engine and each listener", async () => {
    const dir = tempDir();
    try {
      const sock = join(dir.path, "mc.sock");
      writeFileSync(join(dir.path, "crucible.toml"), `[cache]\nheap_size = "64MB"\n\n[[listener]]\naddress = "127.0.0.1:0"\n\n[[listener]]\nprotocol = "memcache"\npath = "${sock}"\n`);
      const server = await startServer({ cwd: dir.path, args: ["crucible.toml"] });
      await touch(server.port);
      expect(await server.stop()).toBe(0);
      const lines = records(server);
      const find = (re: RegExp) => {
        const r = lines.find((l) => re.test(l.msg));
        if (!r) throw new Error(`no line matching ${re} in:\n${server.logs()}`);
        return r;
      };
      expect(find(/^crucible-server \S+ starting$/)).toMatchObject({ level: "info", target: "crucible::cli", config: "crucible.toml" });
      expect(find(/^using config: /)).toMatchObject({ msg: "using config: crucible.toml", source: "file", path: join(dir.path, "crucible.toml") });
      expect(find(/^using config: /).overrides).toContain("logging.format=json");
      expect(find(/^logging: /)).toMatchObject({ log_level: "info", format: "json", file: "" });
      expect(find(/^memory: heap 64MB/)).toMatchObject({ target: "crucible::store", heap_size: 64 * 1024 * 1024, segment_size: 1024 * 1024, hashtable_power: 20 });
      expect(find(/^placement: heap on /)).toMatchObject({ heap_size: 64 * 1024 * 1024 });
      expect(["4k", "2mb", "1gb"]).toContain(find(/^placement: heap on /).page_size as string);
      expect(typeof find(/^placement: heap on /).numa_node).toBe("number");
      const engine = find(/^network engine: |^io_engine auto: /);
      expect(["bun", "io_uring"]).toContain(engine.engine as string);
      if (process.env.CRUCIBLE_TEST_ENGINE === "bun") expect(engine).toMatchObject({ msg: "network engine: bun (Bun.listen)", engine: "bun", io_engine: "bun" });
      const listening = lines.filter((l) => l.msg.startsWith("listening for "));
      expect(listening.map((l) => [l.protocol, l.engine])).toEqual([
        ["resp", engine.engine],
        ["memcache", engine.engine],
      ]);
      expect(listening[0]!.address).toBe(`127.0.0.1:${server.port}`);
      expect(listening[1]).toMatchObject({ address: sock, unix: true });
      expect(lines.at(-1)).toMatchObject({ msg: "exit: code 0", code: 0 });
    } finally {
      dir.cleanup();
    }
  });

  test("start-up on the embedded defaults says so", async () => {
    const server = await startServer();
    expect(await server.stop()).toBe(0);
    expect(records(server).find((l) => l.msg.startsWith("using config: "))).toMatchObject({ msg: "using config: built-in defaults", source: "defaults" });
  });
});

describe("log levels", () => {
  test("CONFIG SET loglevel shows and hides debug lines at once", async () => {
    const server = await startServer();
    try {
      const admin = await RawClient.connect(server.port);
      expect(await admin.call("CONFIG", "GET", "loglevel")).toEqual(["loglevel", "notice"]);
      await touch(server.port); // client 2, at notice: no lines
      expect(records(server).some((l) => l.level === "debug")).toBe(false);

      expect(await admin.call("CONFIG", "SET", "loglevel", "debug")).toBe("OK");
      expect(await admin.call("CONFIG", "GET", "loglevel")).toEqual(["loglevel", "debug"]);
      await touch(server.port); // client 3
      await waitFor(() => records(server).some((l) => l.msg === "client closed" && l.id === 3), 3000, "debug lines for client 3");
      expect(records(server).find((l) => l.msg === "client connected" && l.id === 3)).toMatchObject({ level: "debug", target: "crucible::server", protocol: "resp" });

      expect(await admin.call("CONFIG", "SET", "loglevel", "notice")).toBe("OK");
      await touch(server.port); // client 4: no lines
      expect(await admin.call("CONFIG", "SET", "loglevel", "debug")).toBe("OK");
      await touch(server.port); // client 5: lines again
      await waitFor(() => records(server).some((l) => l.msg === "client closed" && l.id === 5), 3000, "debug lines for client 5");
      const ids = records(server).filter((l) => l.level === "debug").map((l) => l.id);
      expect(ids).toEqual([3, 3, 5, 5]);
      admin.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  test("CRUCIBLE_LOG overrides the config file's level, for every module or for one", async () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, "crucible.toml"), '[logging]\nlevel = "warn"\nformat = "json"\n');
      // A bare level: every module.
      let s = spawnServer(["crucible.toml", "--port", "0"], { cwd: dir.path, env: { CRUCIBLE_LOG: "debug" } });
      await waitFor(() => portIn(s.output()) > 0 || s.proc.exitCode !== null, 15000, "listening");
      let port = portIn(s.output());
      await touch(port);
      await waitFor(() => s.output().includes('"client closed"'), 5000, "a debug line");
      s.proc.kill("SIGTERM");
      expect(await s.proc.exited).toBe(0);
      await s.pumped;
      let lines = parseLines(s.output());
      expect(lines.find((l) => l.msg.startsWith("using config: "))).toMatchObject({ crucible_log: "debug" });
      expect(lines.find((l) => l.msg.startsWith("logging: "))).toMatchObject({ log_level: "debug" });
      expect(lines.some((l) => l.level === "debug" && l.msg === "client connected")).toBe(true);

      // One module: the server's debug lines, and nothing below warn from the others.
      s = spawnServer(["crucible.toml", "--port", "0"], { cwd: dir.path, env: { CRUCIBLE_LOG: "crucible::server=debug" } });
      await waitFor(() => portIn(s.output()) > 0 || s.proc.exitCode !== null, 15000, "listening");
      port = portIn(s.output());
      await touch(port);
      await waitFor(() => s.output().includes('"client closed"'), 5000, "a debug line");
      s.proc.kill("SIGTERM");
      expect(await s.proc.exited).toBe(0);
      await s.pumped;
      lines = parseLines(s.output());
      expect(lines.some((l) => l.target === "crucible::server" && l.msg === "client connected")).toBe(true);
      expect(lines.filter((l) => l.target !== "crucible::server").every((l) => l.level === "warn" || l.level === "error")).toBe(true);
      expect(lines.some((l) => l.msg.startsWith("using config: "))).toBe(false);

      // What does not map onto Crucible stops start-up with the reason.
      const bad = spawnServer(["crucible.toml", "--port", "0"], { cwd: dir.path, env: { CRUCIBLE_LOG: "info,ferrite::storage=debug" } });
      expect(await bad.proc.exited).toBe(2);
      await bad.pumped;
      expect(bad.output()).toContain('Error: Invalid CRUCIBLE_LOG="info,ferrite::storage=debug": "ferrite::storage" is not a Crucible module');
    } finally {
      dir.cleanup();
    }
  });
});

describe("the log file", () => {
  test("rotates at max_log_size while the server runs, keeps max_log_files, loses no line", async () => {
    const dir = tempDir();
    try {
      writeFileSync(
        join(dir.path, "crucible.toml"),
        '[logging]\nlevel = "debug"\nformat = "json"\nfile = "logs/crucible.log"\nmax_log_size = "1KB"\nmax_log_files = 2\n',
      );
      const path = join(dir.path, "logs", "crucible.log");
      const kept = () => [`${path}.2`, `${path}.1`, path].filter((p) => existsSync(p));
      const all = () => kept().map((p) => readFileSync(p, "utf8")).join("");
      const s = spawnServer(["crucible.toml", "--port", "0"], { cwd: dir.path });
      await waitFor(() => portIn(all()) > 0 || s.proc.exitCode !== null, 15000, "listening (in the log file)");
      const port = portIn(all());
      expect(port).toBeGreaterThan(0);
      for (let i = 0; i < 25; i++) await touch(port);
      await waitFor(() => all().includes('"msg":"client closed","id":25,'), 5000, "the last client's line");
      expect(kept()).toHaveLength(3);
      expect(existsSync(`${path}.3`)).toBe(false);
      for (const p of kept()) expect(statSync(p).size).toBeLessThanOrEqual(1024);
      // Oldest file first: whole JSON lines, client ids in order with none missing.
      const lines = parseLines(all());
      const events = lines.filter((l) => l.msg === "client connected" || l.msg === "client closed").map((l) => `${l.msg === "client connected" ? "+" : "-"}${l.id}`);
      const first = Number(events[0]!.slice(1));
      const expected: string[] = [];
      for (let id = first; id <= 25; id++) expected.push(`+${id}`, `-${id}`);
      expect(events.join(" ")).toEndWith(expected.slice(expected.indexOf(events[0]!)).join(" "));
      s.proc.kill("SIGTERM");
      expect(await s.proc.exited).toBe(0);
      const end = parseLines(all());
      expect(end.map((l) => l.msg)).toContain("shutdown: complete");
      expect(end.at(-1)).toMatchObject({ msg: "exit: code 0" });
      // Nothing went to stderr but what the log file holds.
      await s.pumped;
      expect(s.output()).toBe("");
    } finally {
      dir.cleanup();
    }
  });
});
