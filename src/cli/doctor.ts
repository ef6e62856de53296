// `crucible-server doctor`: check the host against the configuration and print each
// problem with the command that fixes it.

import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import { type Config, formatSize, parseAddress } from "../config/index.ts";

export type CheckStatus = "ok" | "warn" | "PROBLEM";

export interface Check {
  status: CheckStatus;
  name: string;
  detail: string;
  /** Commands or steps that fix it, one per line. */
  fix?: string[];
}

/** Descriptors the server needs beside its clients (listeners, log file, stdio), as Redis reserves. */
export const reservedFds = 32;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The soft open-file limit of this process (what the server would get), or undefined. */
export function openFileLimit(): number | undefined {
  const limits = readText("/proc/self/limits");
  const line = limits?.split("\n").find((l) => l.startsWith("Max open files"));
  if (line) {
    const soft = line.replace("Max open files", "").trim().split(/\s+/)[0]!;
    return soft === "unlimited" ? Infinity : Number(soft);
  }
  const r = Bun.spawnSync(["sh", "-c", "ulimit -n"], { stdout: "pipe", stderr: "ignore" });
  const out = r.stdout.toString().trim();
  if (out === "unlimited") return Infinity;
  return /^\d+$/.test(out) ? Number(out) : undefined;
}

function meminfo(): { totalBytes: number; availableBytes: number } | undefined {
  const text = readText("/proc/meminfo");
  if (!text) return { totalBytes: os.totalmem(), availableBytes: os.freemem() };
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN) * 1024;
  const total = kb("MemTotal");
  const avail = kb("MemAvailable");
  return { totalBytes: total, availableBytes: Number.isFinite(avail) ? avail : kb("MemFree") };
}

/** Bytes for people: "22.7GB", "512MB". */
function humanSize(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  let v = bytes;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || Number.isInteger(v) ? Math.round(v) : v.toFixed(1)}${units[i]}`;
}

/** Try to bind host:port; the error code (EADDRINUSE, EACCES, ...) or null when free. */
export function tryBind(host: string, port: number): string | null {
  try {
    const l = Bun.listen({ hostname: host, port, socket: { data() {} } });
    l.stop(true);
    return null;
  } catch (e) {
    return (e as { code?: string }).code ?? (e as Error).message;
  }
}

function portCheck(what: string, address: string, flagFix: string): Check {
  const hp = parseAddress(address)!;
  const name = `port ${hp.port}`;
  if (hp.port === 0) return { status: "ok", name, detail: `${what} ${address}: the OS picks a free port` };
  const err = tryBind(hp.host, hp.port);
  if (err === null) return { status: "ok", name, detail: `${what} ${address} is free` };
  if (err === "EADDRINUSE") {
    return {
      status: "PROBLEM", name,
      detail: `${what} ${address} is in use by another process`,
      fix: [
        `find it: ss -ltnp 'sport = :${hp.port}'   (or: sudo lsof -i :${hp.port})`,
        `stop it, or use another port: ${flagFix}`,
      ],
    };
  }
  if (err === "EACCES") {
    return {
      status: "PROBLEM", name,
      detail: `${what} ${address}: permission denied (ports below 1024 need privileges)`,
      fix: [`use a port above 1024: ${flagFix}`, `or grant the capability: sudo setcap 'cap_net_bind_service=+ep' $(command -v crucible-server)`],
    };
  }
  if (err === "EADDRNOTAVAIL") {
    return {
      status: "PROBLEM", name,
      detail: `${what} ${address}: ${hp.host} is not an address of this host`,
      fix: [`list this host's addresses: ip -br addr`, `bind to one of them, or to all: ${flagFix.replace(/\d+$/, String(hp.port)).replace(/--port \d+/, "--bind 0.0.0.0")}`],
    };
  }
  return { status: "PROBLEM", name, detail: `${what} ${address}: cannot listen (${err})` };
}

/** Run every check for `config` loaded from `source`. */
export function runChecks(config: Config, source: string): Check[] {
  const checks: Check[] = [];
  checks.push({ status: "ok", name: "config", detail: source });

  const uname = `${os.type()} ${os.release()} (${os.arch()})`;
  checks.push({ status: "ok", name: "os", detail: uname });
  checks.push({ status: "ok", name: "runtime", detail: `bun ${Bun.version}` });

  const uringDisabled = readText("/proc/sys/kernel/io_uring_disabled")?.trim();
  checks.push({
    status: "ok", name: "io engine",
    detail: `Bun's socket layer (io_engine = "${config.io_engine}"; the io_uring engine is not built yet` +
      (uringDisabled !== undefined && uringDisabled !== "0" ? `; io_uring is disabled on this host: io_uring_disabled=${uringDisabled}` : "") + ")",
  });

  const limit = openFileLimit();
  const needed = config.server.maxclients + reservedFds;
  if (limit === undefined) {
    checks.push({ status: "warn", name: "open files", detail: "could not read the open-file limit (ulimit -n)" });
  } else if (limit < needed) {
    const target = Math.max(needed, 65536);
    checks.push({
      status: "PROBLEM", name: "open files",
      detail: `limit ${limit} is below maxclients ${config.server.maxclients} + ${reservedFds} reserved = ${needed}; clients beyond ${Math.max(0, limit - reservedFds)} will be refused`,
      fix: [
        `this shell: ulimit -n ${target}`,
        `systemd: LimitNOFILE=${target} in the [Service] section`,
        `permanently: add "crucible soft nofile ${target}" and "crucible hard nofile ${target}" to /etc/security/limits.conf`,
        `or lower the limit: --set server.maxclients=${Math.max(1, limit - reservedFds)}`,
      ],
    });
  } else {
    checks.push({ status: "ok", name: "open files", detail: `limit ${limit === Infinity ? "unlimited" : limit} covers maxclients ${config.server.maxclients} + ${reservedFds} reserved` });
  }

  config.listener.forEach((l, i) => {
    const next = (parseAddress(l.address)?.port ?? 6379) + 1;
    const fix = i === 0 ? `crucible-server --port ${next}` : `--set listener.${i}.address=${parseAddress(l.address)!.host}:${next}`;
    checks.push(portCheck(`${l.protocol} listener`, l.address, fix));
  });
  if (config.metrics.address !== "") {
    const hp = parseAddress(config.metrics.address)!;
    checks.push(portCheck("metrics", config.metrics.address, `crucible-server --set metrics.address=${hp.host.includes(":") ? `[${hp.host}]` : hp.host}:${hp.port + 1}`));
  } else {
    checks.push({ status: "ok", name: "metrics", detail: "disabled (metrics.address = \"\")" });
  }

  const mem = meminfo();
  if (mem && Number.isFinite(mem.totalBytes)) {
    const heap = config.cache.heap_size;
    if (heap > mem.totalBytes) {
      checks.push({
        status: "PROBLEM", name: "memory",
        detail: `heap_size ${formatSize(heap)} is more than this host's memory (${humanSize(mem.totalBytes)})`,
        fix: [`reduce it: --set cache.heap_size=${formatSize(Math.max(1, Math.floor(mem.totalBytes / 2 / 1073741824)) * 1073741824)}`],
      });
    } else if (heap > mem.availableBytes) {
      checks.push({
        status: "warn", name: "memory",
        detail: `heap_size ${formatSize(heap)} is more than the memory available now (${humanSize(mem.availableBytes)}); check with: free -h`,
      });
    } else {
      checks.push({ status: "ok", name: "memory", detail: `heap_size ${formatSize(heap)} of ${humanSize(mem.availableBytes)} available` });
    }
  }

  const hugepages = existsSync("/proc/meminfo") ? /^HugePages_Total:\s+(\d+)/m.exec(readText("/proc/meminfo") ?? "")?.[1] : undefined;
  if (hugepages !== undefined) {
    checks.push({ status: "ok", name: "hugepages", detail: `not used (hugepage = "none"; ${hugepages} reserved on this host)` });
  }
  return checks;
}

/** The report as printed; `problems` counts PROBLEM lines. */
export function formatChecks(checks: Check[]): { text: string; problems: number } {
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`${c.status.padEnd(8)} ${c.name.padEnd(width)}  ${c.detail}`);
    for (const f of c.fix ?? []) lines.push(`${" ".repeat(8)} ${" ".repeat(width)}  fix: ${f}`);
  }
  const problems = checks.filter((c) => c.status === "PROBLEM").length;
  lines.push("", problems === 0 ? "No problems found." : `${problems} problem${problems === 1 ? "" : "s"} found.`);
  return { text: lines.join("\n") + "\n", problems };
}
