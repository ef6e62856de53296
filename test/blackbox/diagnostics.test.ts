// `crucible-server diagnostics`: a bundle from a running server, and a clear failure
// without one.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RawClient } from "../helpers/raw.ts";
import { ROOT, startServer, tempDir } from "../helpers/server.ts";

const MAIN = join(ROOT, "src", "cli", "main.ts");

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.CRUCIBLE_LOG;
  const proc = Bun.spawn([process.execPath, MAIN, ...args], { cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

function run(argv: string[], cwd?: string): string {
  const r = Bun.spawnSync(argv, { cwd, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${argv.join(" ")} failed: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

/** A port nothing listens on. */
function freePort(): number {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = l.port;
  l.stop(true);
  return port;
}

describe("crucible-server diagnostics", () => {
  test("collects a bundle from a running server, with secret values redacted", async () => {
    const server = await startServer();
    const dir = tempDir();
    try {
      const c = await RawClient.connect(server.port);
      expect(await c.call("CLIENT", "SETNAME", "diag-peer")).toBe("OK");
      expect(await c.call("SET", "k", "v")).toBe("OK");
      // A configuration with secrets in it, as an operator's might hold (this one no longer
      // loads: [tls] is not supported yet; the bundle still takes it, redacted).
      writeFileSync(
        join(dir.path, "prod.toml"),
        '[server]\nmaxclients = 100\nrequirepass = "hunter2"\n\n[logging]\nlevel = "info"\n\n[tls]\ncert_file = "/etc/crucible/server.pem"\nport = 6380\n',
      );
      const r = await cli(
        ["diagnostics", "--output", "out", "--host", "127.0.0.1", "--port", String(server.port), "--metrics", `127.0.0.1:${server.metricsPort}`, "--config", "prod.toml"],
        dir.path,
      );
      expect(r.code).toBe(0);
      const bundle = r.stdout.trim();
      expect(bundle).toMatch(/^\/.*\/out\/crucible-diagnostics-\d{8}-\d{6}\.tar\.gz$/);
      expect(statSync(bundle).size).toBeGreaterThan(0);
      expect(r.stderr).toContain("note: the configuration does not load");
      // Only the archive is left behind.
      expect(readdirSync(join(dir.path, "out"))).toEqual([bundle.split("/").pop()!]);

      const name = bundle.split("/").pop()!.replace(/\.tar\.gz$/, "");
      const listed = run(["tar", "-tzf", bundle]).trim().split("\n").sort();
      const expected = ["README.txt", "clients.txt", "config-get.txt", "config.toml", "doctor.txt", "info.txt", "metrics.txt", "slowlog.txt", "system.txt", "version.txt"];
      for (const f of expected) expect(listed).toContain(`${name}/${f}`);
      run(["tar", "-xzf", bundle], join(dir.path, "out"));
      const read = (f: string) => readFileSync(join(dir.path, "out", name, f), "utf8");
      for (const f of listed.filter((p) => !p.endsWith("/"))) expect(statSync(join(dir.path, "out", f)).size).toBeGreaterThan(0);

      expect(read("version.txt")).toMatch(/^crucible-server \d+\.\d+\.\d+ \(bun /);
      expect(read("version.txt")).toContain("# Server");
      expect(read("version.txt")).toContain(`tcp_port:${server.port}`);
      for (const section of ["# Server", "# Clients", "# Memory", "# Stats", "# Keyspace"]) expect(read("info.txt")).toContain(section);
      expect(read("info.txt")).toContain("db0:keys=1");
      expect(read("clients.txt")).toContain("name=diag-peer");
      expect(read("config-get.txt")).toContain("maxclients 10000");
      expect(read("config-get.txt")).toMatch(/^loglevel \w+$/m);
      // SLOWLOG: its entries, or the server's error text when it has no SLOWLOG.
      expect(read("slowlog.txt")).toStartWith("# SLOWLOG GET 128\n");
      expect(read("metrics.txt")).toContain("cache_hits_total");
      expect(read("doctor.txt")).toContain("io_uring");
      expect(read("doctor.txt")).toMatch(/No problems found\.|problems? found\./);
      const system = read("system.txt");
      for (const s of ["## uname -a", "## nproc", "## ulimit -n", "## /proc/sys/vm/nr_hugepages", "## io_uring", "MemTotal:"]) expect(system).toContain(s);

      const toml = read("config.toml");
      expect(toml).toContain('requirepass = "[redacted]"');
      expect(toml).toContain('cert_file = "[redacted]"');
      expect(toml).toContain('port = "[redacted]"');
      expect(toml).toContain("maxclients = 100");
      expect(toml).toContain('level = "info"');
      expect(toml).not.toContain("hunter2");
      expect(toml).not.toContain("server.pem");
      expect(read("README.txt")).toContain("the configuration does not load");
      c.close();
    } finally {
      dir.cleanup();
      expect(await server.stop()).toBe(0);
    }
  });

  test("finds the server and its log through --config", async () => {
    const dir = tempDir();
    const port = freePort();
    try {
      writeFileSync(join(dir.path, "crucible.toml"), `[[listener]]\naddress = "127.0.0.1:${port}"\n\n[metrics]\naddress = ""\n\n[logging]\nfile = "crucible.log"\nformat = "json"\n`);
      const proc = Bun.spawn([process.execPath, MAIN, "crucible.toml"], { cwd: dir.path, stdin: "ignore", stdout: "ignore", stderr: "ignore" });
      try {
        const deadline = Date.now() + 15000;
        while (!(existsSync(join(dir.path, "crucible.log")) && readFileSync(join(dir.path, "crucible.log"), "utf8").includes("listening for resp"))) {
          if (Date.now() > deadline || proc.exitCode !== null) throw new Error("the server did not start");
          await Bun.sleep(20);
        }
        const r = await cli(["diagnostics", "-o", ".", "crucible.toml"], dir.path);
        expect(r.code).toBe(0);
        const bundle = r.stdout.trim();
        const name = bundle.split("/").pop()!.replace(/\.tar\.gz$/, "");
        run(["tar", "-xzf", bundle], dir.path);
        expect(readFileSync(join(dir.path, name, "config.toml"), "utf8")).toContain(`address = "127.0.0.1:${port}"`);
        expect(readFileSync(join(dir.path, name, "crucible.log"), "utf8")).toContain("listening for resp");
        expect(readFileSync(join(dir.path, name, "metrics.txt"), "utf8")).toContain("not collected");
        expect(readFileSync(join(dir.path, name, "version.txt"), "utf8")).toContain("config_file:crucible.toml");
      } finally {
        proc.kill("SIGTERM");
        expect(await proc.exited).toBe(0);
      }
    } finally {
      dir.cleanup();
    }
  });

  test("without a server: a clear message, exit 1, no bundle", async () => {
    const dir = tempDir();
    try {
      const port = freePort();
      const r = await cli(["diagnostics", "--output", "out", "--port", String(port)], dir.path);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `Error: Cannot reach crucible-server at 127.0.0.1:${port}: connection refused. Is it running? Point at it with --host HOST --port PORT, or --config FILE to take the address from its configuration.\n`,
      );
      expect(r.stdout).toBe("");
      expect(existsSync(join(dir.path, "out"))).toBe(false);
    } finally {
      dir.cleanup();
    }
  });

  test("bad options are usage errors (exit 2)", async () => {
    const dir = tempDir();
    try {
      let r = await cli(["diagnostics", "--port", "99999"], dir.path);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('Invalid value for --port: "99999"');
      r = await cli(["diagnostics", "--port", "6379", "--metrics", "nowhere"], dir.path);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('Invalid value for --metrics: "nowhere"');
      r = await cli(["diagnostics", "--bogus"], dir.path);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("Unknown option --bogus");
      writeFileSync(join(dir.path, "c.toml"), '[[listener]]\naddress = "127.0.0.1:0"\n');
      r = await cli(["diagnostics", "--config", "c.toml"], dir.path);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("names no RESP address to connect to (its port is 0); give --host HOST --port PORT");
    } finally {
      dir.cleanup();
    }
  });
});
