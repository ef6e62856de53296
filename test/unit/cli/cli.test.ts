// The crucible-server command line, run as a real process: outputs and exit codes.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configTemplate, defaultConfig, loadConfig, parseConfigText } from "../../../src/config/index.ts";

const ROOT = join(import.meta.dir, "..", "..", "..");
const MAIN = join(ROOT, "src", "cli", "main.ts");

const dirs: string[] = [];
function tmp(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "crucible-cli-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run crucible-server to completion (these paths never start the server). */
async function cli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<Result> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", ...opts.env };
  if (!opts.env?.CRUCIBLE_LOG) delete env.CRUCIBLE_LOG;
  const proc = Bun.spawn([process.execPath, MAIN, ...args], {
    cwd: opts.cwd ?? tmp(),
    env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

describe("version and help", () => {
  test("--version and version", async () => {
    for (const args of [["--version"], ["version"], ["-V"]]) {
      const r = await cli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^crucible-server \d+\.\d+\.\d+ \(bun /);
    }
  });

  test("--help lists the options and subcommands", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    for (const s of ["--dump-config", "--test-config", "--set", "--bind", "--port", "init", "doctor", "diagnostics", "version"]) expect(r.stdout).toContain(s);
    const diagnostics = await cli(["diagnostics", "--help"]);
    expect(diagnostics.code).toBe(0);
    for (const s of ["--output", "--host", "--port", "--config", "--metrics"]) expect(diagnostics.stdout).toContain(s);
    const init = await cli(["init", "--help"]);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain("--output");
    expect(init.stdout).toContain("--force");
  });

  test("an unknown option or extra argument is a usage error (exit 2)", async () => {
    let r = await cli(["--frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Error: Unknown option --frobnicate");
    expect(r.stderr).toContain("--help");
    r = await cli(["a.toml", "b.toml", "--test-config"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("only one config file");
    r = await cli(["--test-config", "--set"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--set needs a value");
  });
});

describe("--test-config and resolution", () => {
  test("no file: built-in defaults", async () => {
    const r = await cli(["--test-config"]);
    expect(r).toEqual({ code: 0, stdout: "configuration OK: built-in defaults\n", stderr: "" });
  });

  test("./crucible.toml in the working directory is used when present", async () => {
    const dir = tmp({ "crucible.toml": "[server]\nmaxclients = 5\n" });
    const r = await cli(["--test-config"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`configuration OK: ${join(dir, "crucible.toml")}\n`);
    expect((await cli(["--dump-config"], { cwd: dir })).stdout).toContain("maxclients = 5");
  });

  test("an explicit file wins over ./crucible.toml, as CONFIG or --config", async () => {
    const dir = tmp({ "crucible.toml": "[server]\nmaxclients = 5\n", "other.toml": "[server]\nmaxclients = 6\n" });
    for (const args of [["other.toml"], ["--config", "other.toml"], ["-c", "other.toml"], ["--config=other.toml"]]) {
      const r = await cli([...args, "--dump-config"], { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("maxclients = 6");
      expect(r.stdout).toContain("(from other.toml)");
    }
  });
});

describe("configuration errors exit 2 with the message on stderr", () => {
  test("file not found, in the guide's form", async () => {
    const r = await cli(["missing.toml"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toStartWith("Error: Config file not found: missing.toml\n");
    expect(r.stderr).toContain("crucible-server init --output missing.toml");
  });

  test("TOML syntax error with line and column", async () => {
    const dir = tmp({ "bad.toml": '[cache]\nheap_size = "1GB"\nhugepage = yes\n' });
    const r = await cli(["bad.toml", "--test-config"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith("Error: Failed to parse config: TOML parse error at line 3, column 12:");
    expect(r.stderr).toContain("bad.toml");
  });

  test("unknown key with did-you-mean, file and line", async () => {
    const dir = tmp({ "c.toml": "[server]\n\nmaxclient = 10\n" });
    const r = await cli(["c.toml", "--test-config"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith('Error: Unknown key "maxclient" in section [server] in c.toml (line 3); did you mean "maxclients"?');
  });

  test("bad value names the key, the value and what is allowed", async () => {
    const dir = tmp({ "c.toml": '[cache]\neviction = "lru"\n' });
    const r = await cli(["c.toml"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith('Error: Invalid value for cache.eviction in c.toml (line 2): "lru": expected one of "fifo", "random", "s3fifo", "noeviction"');
  });

  test("capability not built yet", async () => {
    const dir = tmp({ "c.toml": "[workers]\nthreads = 8\ncpu_affinity = \"0-7\"\n" });
    const r = await cli(["c.toml"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith("Error: Unsupported setting workers.threads = 8 in c.toml (line 2): multi-threaded workers are not built yet");
  });

  test("section not supported yet", async () => {
    const dir = tmp({ "c.toml": "[tls]\ncert_file = \"/x\"\n" });
    const r = await cli(["c.toml"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith("Error: Unsupported section [tls] in c.toml (line 1): TLS ([tls]) is not supported yet");
  });

  test("bad --set, --port and CRUCIBLE_LOG", async () => {
    let r = await cli(["--set", "cache.heap_size=lots", "--test-config"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith('Error: Invalid value for cache.heap_size in --set cache.heap_size=lots: "lots"');
    r = await cli(["--set", "cache.nope=1", "--test-config"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown key "nope" in section [cache]');
    r = await cli(["--port", "99999", "--test-config"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Invalid value for --port");
    r = await cli(["--test-config"], { env: { CRUCIBLE_LOG: "chatty" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Invalid CRUCIBLE_LOG");
    r = await cli(["--test-config"], { env: { CRUCIBLE_LOG: "info,tokio=debug" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith('Error: Invalid CRUCIBLE_LOG="info,tokio=debug": "tokio" is not a Crucible module');
  });
});

describe("--dump-config", () => {
  test("dump → load gives the same config", async () => {
    const dir = tmp({ "crucible.toml": '[cache]\nheap_size = "3GB"\neviction = "fifo"\n[[listener]]\naddress = "127.0.0.1:7000"\n[[listener]]\naddress = "127.0.0.1:7001"\n' });
    const r = await cli(["--dump-config", "--set", "server.timeout=5m", "--set", "metrics.address="], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const expected = loadConfig({ cwd: dir, env: {}, overrides: ["server.timeout=5m", "metrics.address="] }).config;
    expect(parseConfigText(r.stdout, "dump")).toEqual(expected);
    expect(expected.cache.heap_size).toBe(3 * 1024 ** 3);
    expect(expected.server.timeout).toBe(300);
    expect(expected.metrics.address).toBe("");
    // And dumping the dump gives the same TOML (apart from the source line).
    writeFileSync(join(dir, "dump.toml"), r.stdout);
    const again = await cli(["dump.toml", "--dump-config"], { cwd: dir });
    const body = (s: string) => s.split("\n").slice(1).join("\n");
    expect(body(again.stdout)).toBe(body(r.stdout));
  });

  test("--set overrides, in order", async () => {
    const r = await cli(["--dump-config", "--set", "cache.heap_size=1GB", "--set=server.maxclients=77", "--set", "cache.heap_size=2GB"]);
    const cfg = parseConfigText(r.stdout, "dump");
    expect(cfg.cache.heap_size).toBe(2 * 1024 ** 3);
    expect(cfg.server.maxclients).toBe(77);
  });

  test("--bind and --port set the first RESP listener", async () => {
    const r = await cli(["--dump-config", "--bind", "0.0.0.0", "--port", "6380"]);
    expect(parseConfigText(r.stdout, "dump").listener).toEqual([{ protocol: "resp", address: "0.0.0.0:6380", path: "" }]);
    const p = await cli(["--dump-config", "-p", "6390"]);
    expect(parseConfigText(p.stdout, "dump").listener[0]!.address).toBe("127.0.0.1:6390");
  });

  test("CRUCIBLE_LOG overrides logging.level", async () => {
    const dir = tmp({ "crucible.toml": '[logging]\nlevel = "warn"\n' });
    for (const [value, level] of [["debug", "debug"], ["crucible=trace", "trace"], ["crucible::storage=debug,crucible=info", "info"], ["server=debug", "warn"]]) {
      const r = await cli(["--dump-config"], { cwd: dir, env: { CRUCIBLE_LOG: value! } });
      expect(r.code).toBe(0);
      expect(parseConfigText(r.stdout, "dump").logging.level).toBe(level as never);
    }
    const plain = await cli(["--dump-config"], { cwd: dir });
    expect(parseConfigText(plain.stdout, "dump").logging.level).toBe("warn");
  });
});

describe("init", () => {
  test("writes a file that loads to the defaults", async () => {
    const dir = tmp();
    const r = await cli(["init", "--output", "crucible.toml"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("wrote crucible.toml");
    const text = readFileSync(join(dir, "crucible.toml"), "utf8");
    expect(text).toBe(configTemplate());
    expect(parseConfigText(text, "init")).toEqual(defaultConfig());
    const t = await cli(["--test-config"], { cwd: dir });
    expect(t.stdout).toBe(`configuration OK: ${join(dir, "crucible.toml")}\n`);
  });

  test("refuses to overwrite without --force", async () => {
    const dir = tmp({ "crucible.toml": "# mine\n" });
    const r = await cli(["init", "--output", "crucible.toml"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("crucible.toml already exists; not overwriting it (use --force to replace it)");
    expect(readFileSync(join(dir, "crucible.toml"), "utf8")).toBe("# mine\n");
    const f = await cli(["init", "-o", "crucible.toml", "--force"], { cwd: dir });
    expect(f.code).toBe(0);
    expect(readFileSync(join(dir, "crucible.toml"), "utf8")).toBe(configTemplate());
  });

  test("without --output prints the template", async () => {
    const r = await cli(["init"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(configTemplate());
  });
});

describe("doctor", () => {
  test("a healthy host: resolved source, OS, open files, ports; exit 0", async () => {
    const r = await cli(["doctor", "--port", "0", "--set", "metrics.address=127.0.0.1:0", "--set", "server.maxclients=10"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok\s+config\s+built-in defaults$/m);
    expect(r.stdout).toMatch(/^ok\s+os\s+\S+/m);
    expect(r.stdout).toMatch(/^ok\s+open files\s+limit/m);
    expect(r.stdout).toContain("No problems found.");
  });

  test("reports the config file it resolved", async () => {
    const dir = tmp({ "crucible.toml": '[[listener]]\naddress = "127.0.0.1:0"\n[metrics]\naddress = ""\n' });
    const r = await cli(["doctor"], { cwd: dir });
    expect(r.stdout).toMatch(new RegExp(`^ok\\s+config\\s+${join(dir, "crucible.toml").replaceAll("/", "\\/")}$`, "m"));
    expect(r.stdout).toMatch(/^ok\s+metrics\s+disabled/m);
  });

  test("a port in use is a problem with the command that finds its owner; exit 1", async () => {
    const holder = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const r = await cli(["doctor", "--port", String(holder.port), "--set", "metrics.address="]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`^PROBLEM\\s+port ${holder.port}\\s+resp listener 127\\.0\\.0\\.1:${holder.port} is in use`, "m"));
      expect(r.stdout).toContain(`ss -ltnp 'sport = :${holder.port}'`);
      expect(r.stdout).toContain(`crucible-server --port ${holder.port + 1}`);
      expect(r.stdout).toContain("1 problem found.");
    } finally {
      holder.stop(true);
    }
  });

  test("an open-file limit below maxclients is a problem with the ulimit fix", async () => {
    const limits = readFileSync("/proc/self/limits", "utf8");
    const soft = Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1] ?? NaN);
    if (!Number.isFinite(soft) || soft > 999_000) return; // unlimited here: nothing to provoke
    const r = await cli(["doctor", "--port", "0", "--set", "metrics.address=", "--set", "server.maxclients=1000000"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^PROBLEM\s+open files\s+limit \d+ is below maxclients 1000000/m);
    expect(r.stdout).toContain("ulimit -n 1000032");
    expect(r.stdout).toContain("LimitNOFILE=1000032");
  });

  test("a broken config is a configuration error (exit 2)", async () => {
    const dir = tmp({ "crucible.toml": "[cache]\nheap = 1\n" });
    const r = await cli(["doctor"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown key "heap" in section [cache]');
  });
});

describe("start-up failures exit 2", () => {
  test("metrics address in use", async () => {
    const holder = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const r = await cli(["--port", "0", "--set", `metrics.address=127.0.0.1:${holder.port}`, "--set", "logging.format=json"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `Error: Address already in use: 127.0.0.1:${holder.port} (another process is listening there; find it with: ss -ltnp 'sport = :${holder.port}')`,
      );
    } finally {
      holder.stop(true);
    }
  });

  test("log file that cannot be opened", async () => {
    const dir = tmp({ "plain-file": "" });
    const r = await cli(["--port", "0", "--set", "metrics.address=", "--set", `logging.file=${join(dir, "plain-file", "x.log")}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith(`Error: Cannot open log file ${join(dir, "plain-file", "x.log")}`);
  });
});
