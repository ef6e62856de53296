// `crucible-server doctor`: check the host against the configuration and print each
// problem with the command that fixes it.

import { accessSync, constants, readFileSync } from "node:fs";
import { dirname } from "node:path";
import os from "node:os";
import {
  allowedCpus,
  type Config,
  formatCpuList,
  formatSize,
  numaNodeCpus,
  numaNodes,
  parseAddress,
  parseCpuList,
} from "../config/index.ts";
import {
  availablePages,
  hugepagePool,
  type HugepagePool,
  loadShim,
  nrHugepagesNeeded,
  probeUring,
  reserveCommand,
  type ShimLoad,
  transparentHugePageMode,
} from "../../ffi/index.ts";

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

/** What doctor learns from the native layer before the checks run (loading the shim is async). */
export interface NativeFacts {
  shim: ShimLoad;
  /** null: the io_uring probe passed; else why io_uring is not usable. */
  uringProblem: string | null;
}

export async function nativeFacts(env: Record<string, string | undefined>): Promise<NativeFacts> {
  const shim = await loadShim(env);
  let uringProblem: string | null;
  if (process.platform !== "linux") uringProblem = `not on Linux (${process.platform})`;
  else if (!shim.loaded) uringProblem = `cannot probe without the native shim (${shim.why})`;
  else uringProblem = probeUring(shim.shim);
  return { shim, uringProblem };
}

/** The kernel's version as [major, minor], or null when it cannot be read. */
export function kernelVersion(release = os.release()): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** io_uring with SINGLE_ISSUER | DEFER_TASKRUN, what the engine needs, arrived in Linux 6.1. */
const URING_KERNEL: [number, number] = [6, 1];
const THP_ENABLED = "/sys/kernel/mm/transparent_hugepage/enabled";
/** CAP_SYS_NICE's bit in CapEff: SQPOLL needs it (or root). */
const CAP_SYS_NICE = 23;

function hasSysNice(): boolean {
  if (process.getuid?.() === 0) return true;
  const hex = /^CapEff:\s*([0-9a-f]+)/m.exec(readText("/proc/self/status") ?? "")?.[1];
  return hex !== undefined && (BigInt(`0x${hex}`) & (1n << BigInt(CAP_SYS_NICE))) !== 0n;
}

function kernelCheck(): Check {
  const release = os.release();
  const v = kernelVersion(release);
  if (os.type() !== "Linux" || v === null) {
    return { status: "warn", name: "kernel", detail: `${os.type()} ${release}: the io_uring engine, hugepages, NUMA binding and CPU pinning need Linux` };
  }
  const [need, needMinor] = URING_KERNEL;
  if (v[0] < need || (v[0] === need && v[1] < needMinor)) {
    return {
      status: "warn", name: "kernel",
      detail: `Linux ${release}: the io_uring engine needs ${need}.${needMinor}+ (SINGLE_ISSUER | DEFER_TASKRUN); io_engine = "auto" will use Bun's socket layer`,
      fix: [`check: uname -r`, `upgrade the kernel to ${need}.${needMinor} or newer for io_uring`],
    };
  }
  return { status: "ok", name: "kernel", detail: `Linux ${release} (${need}.${needMinor}+ has everything the io_uring engine uses)` };
}

function shimCheck(config: Config, shim: ShimLoad): Check {
  if (shim.loaded) return { status: "ok", name: "shim", detail: `loaded ${shim.path}` };
  const fix = /CRUCIBLE_SHIM=off/.test(shim.why)
    ? ["unset CRUCIBLE_SHIM to load it"]
    : ["build it: make -C liburing-shim (needs gcc and liburing-dev), or point CRUCIBLE_SHIM at libcrucible_shim.so"];
  // Settings only the shim can carry out: without it they fall back (or, for uring, fail).
  const asked = [
    config.cache.hugepage !== "none" ? `hugepage = "${config.cache.hugepage}"` : "",
    config.cache.numa_node >= 0 ? `numa_node = ${config.cache.numa_node}` : "",
    config.workers.cpu_affinity !== "" ? `cpu_affinity = "${config.workers.cpu_affinity}"` : "",
    config.io_engine === "uring" ? `io_engine = "uring"` : "",
  ].filter(Boolean);
  return {
    status: asked.length > 0 ? "PROBLEM" : "warn", name: "shim",
    detail: `not loaded (${shim.why}): no io_uring, no hugepage-backed heap, no NUMA binding, no CPU pinning` +
      (asked.length > 0 ? `; the config asks for ${asked.join(", ")}` : ""),
    fix,
  };
}

function uringCheck(config: Config, facts: NativeFacts): Check[] {
  const checks: Check[] = [];
  const disabled = readText("/proc/sys/kernel/io_uring_disabled")?.trim();
  const disabledText =
    disabled === undefined || disabled === "0" ? "" : disabled === "1" ? "; kernel.io_uring_disabled = 1 (only root and the io_uring_group may use it)" : `; kernel.io_uring_disabled = ${disabled} (off for everyone)`;
  const engine = `io_engine = "${config.io_engine}"`;
  if (facts.uringProblem === null) {
    checks.push({ status: "ok", name: "io_uring", detail: `available: SINGLE_ISSUER | DEFER_TASKRUN, provided-buffer rings, multishot accept and recv (${engine})${disabledText}` });
  } else {
    const fix: string[] = [];
    if (disabled !== undefined && disabled !== "0") fix.push("enable it: sudo sysctl -w kernel.io_uring_disabled=0   (or: echo 0 | sudo tee /proc/sys/kernel/io_uring_disabled)");
    if (!facts.shim.loaded) fix.push("load the shim (see the shim line above)");
    else {
      fix.push(`check the kernel: uname -r (${URING_KERNEL.join(".")}+ needed); grep -c io_uring /proc/kallsyms`);
      fix.push("in a container: allow the io_uring_setup, io_uring_enter and io_uring_register syscalls in its seccomp profile (docker run --security-opt seccomp=unconfined to test)");
    }
    if (config.io_engine !== "bun") fix.push('or use Bun\'s socket layer: --set io_engine=bun');
    const status: CheckStatus = config.io_engine === "uring" ? "PROBLEM" : config.io_engine === "auto" ? "warn" : "ok";
    const consequence = config.io_engine === "uring" ? "the server will not start with io_engine = \"uring\"" : config.io_engine === "auto" ? "io_engine = \"auto\" will use Bun's socket layer" : "not used (io_engine = \"bun\")";
    checks.push({ status, name: "io_uring", detail: `not usable: ${facts.uringProblem}${disabledText}; ${consequence}`, fix: status === "ok" ? undefined : fix });
  }
  if (config.uring.sqpoll && config.io_engine !== "bun" && !hasSysNice()) {
    checks.push({
      status: "PROBLEM", name: "sqpoll",
      detail: "[uring] sqpoll = true needs root or CAP_SYS_NICE, which this process lacks",
      fix: ["grant it: sudo setcap cap_sys_nice+ep $(command -v crucible-server)", "or run as root, or set [uring] sqpoll = false"],
    });
  }
  return checks;
}

function poolText(p: HugepagePool): string {
  return `${p.size} pool: nr_hugepages ${p.total}, free ${p.free}, reserved ${p.reserved}, surplus ${p.surplus}`;
}

function hugepageChecks(config: Config): Check[] {
  const checks: Check[] = [];
  const size = config.cache.hugepage;
  const pools = (["2mb", "1gb"] as const).map((s) => hugepagePool(s)).filter((p): p is HugepagePool => p !== null);
  if (size === "none") {
    checks.push({
      status: "ok", name: "hugepages",
      detail: `not used (hugepage = "none": 4 KiB pages with transparent hugepages advised)${pools.length ? "; " + pools.map(poolText).join("; ") : ""}`,
    });
  } else {
    const pool = hugepagePool(size);
    const heap = config.cache.heap_size;
    if (pool === null) {
      checks.push({
        status: "PROBLEM", name: "hugepages",
        detail: `hugepage = "${size}", but this kernel has no ${size} hugepage pool; the server will start on 4 KiB pages`,
        fix: size === "1gb" ? ["boot with: hugepagesz=1G hugepages=N (N = heap_size / 1GB)", 'or use 2 MiB pages: --set cache.hugepage=2mb'] : ['use --set cache.hugepage=none'],
      });
    } else {
      const pages = Math.ceil(heap / pool.pageBytes);
      const free = availablePages(pool);
      if (free < pages) {
        const nr = nrHugepagesNeeded(pool, pages);
        checks.push({
          status: "PROBLEM", name: "hugepages",
          detail: `heap_size ${formatSize(heap)} needs ${pages} ${size} pages, ${free} are free (${poolText(pool)}); the server will start on 4 KiB pages`,
          fix: [
            `reserve them (nr_hugepages = ${nr}): ${reserveCommand(size, nr)}`,
            "verify: grep Huge /proc/meminfo (the kernel may reserve fewer when memory is fragmented: reserve early, or reboot)",
            size === "2mb"
              ? `keep it across reboots: echo "vm.nr_hugepages = ${nr}" | sudo tee /etc/sysctl.d/90-crucible.conf`
              : `keep it across reboots: add hugepagesz=1G hugepages=${nr} to the kernel command line`,
          ],
        });
      } else {
        checks.push({ status: "ok", name: "hugepages", detail: `heap_size ${formatSize(heap)} needs ${pages} ${size} pages, ${free} are free (${poolText(pool)})` });
      }
    }
  }
  const mode = transparentHugePageMode();
  if (mode === null) {
    checks.push({ status: "warn", name: "thp", detail: `transparent hugepages unavailable (${THP_ENABLED} unreadable): 4 KiB-page heaps get no hugepage advice` });
  } else if (mode === "never") {
    checks.push({
      status: size === "none" ? "warn" : "ok", name: "thp",
      detail: `transparent hugepages are "never": a heap on 4 KiB pages gets no hugepage advice (more TLB misses)`,
      fix: size === "none" ? [`echo madvise > ${THP_ENABLED}`] : undefined,
    });
  } else {
    checks.push({ status: "ok", name: "thp", detail: `transparent hugepages "${mode}": the heap and index are advised (MADV_HUGEPAGE)` });
  }
  return checks;
}

function placementChecks(config: Config): Check[] {
  const checks: Check[] = [];
  const nodes = numaNodes();
  const nodeText = nodes.map((n) => `node${n}: CPUs ${formatCpuList(numaNodeCpus(n) ?? []) || "none"}`).join("; ");
  const node = config.cache.numa_node;
  const pinned = parseCpuList(config.workers.cpu_affinity) ?? [];
  if (nodes.length === 0) {
    checks.push({ status: "ok", name: "numa", detail: "this host shows no NUMA nodes (/sys/devices/system/node missing)" });
  } else if (node < 0) {
    checks.push({ status: "ok", name: "numa", detail: `${nodeText}; heap not bound (numa_node = -1)` });
  } else {
    const nodeCpus = numaNodeCpus(node) ?? [];
    const away = pinned.filter((c) => !nodeCpus.includes(c));
    if (away.length > 0) {
      checks.push({
        status: "warn", name: "numa",
        detail: `${nodeText}; the heap is bound to node ${node} but cpu_affinity CPUs ${formatCpuList(away)} are on another node (remote memory access)`,
        fix: [`pin to node ${node}'s CPUs: --set workers.cpu_affinity=${formatCpuList(nodeCpus)}`],
      });
    } else {
      checks.push({ status: "ok", name: "numa", detail: `${nodeText}; heap bound to node ${node}` });
    }
  }
  const allowed = allowedCpus();
  const allowedText = allowed === null ? "unknown (Cpus_allowed_list unreadable)" : formatCpuList(allowed);
  const online = os.cpus().length;
  checks.push({
    status: "ok", name: "cpus",
    detail: `${online} online; this process may run on CPUs ${allowedText}; ` +
      (pinned.length > 0 ? `cpu_affinity pins the server to CPUs ${formatCpuList(pinned)}` : "not pinned (cpu_affinity = \"\")"),
  });
  return checks;
}

/** Run every check for `config` loaded from `source`; `native` adds the shim and io_uring checks. */
export function runChecks(config: Config, source: string, native?: NativeFacts): Check[] {
  const checks: Check[] = [];
  checks.push({ status: "ok", name: "config", detail: source });

  const uname = `${os.type()} ${os.release()} (${os.arch()})`;
  checks.push({ status: "ok", name: "os", detail: uname });
  checks.push({ status: "ok", name: "runtime", detail: `bun ${Bun.version}` });
  checks.push(kernelCheck());
  if (native !== undefined) {
    checks.push(shimCheck(config, native.shim));
    checks.push(...uringCheck(config, native));
  }

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
    if (l.path !== "") {
      checks.push(socketPathCheck(`${l.protocol} listener`, l.path));
      return;
    }
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

  checks.push(...hugepageChecks(config));
  checks.push(...placementChecks(config));
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

/** A Unix socket listener: its directory must exist and be writable; a live socket there is another server. */
function socketPathCheck(name: string, path: string): Check {
  const dir = dirname(path);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    return { status: "PROBLEM", name, detail: `cannot create ${path}: ${dir} is missing or not writable`, fix: [`mkdir -p ${dir}`] };
  }
  return { status: "ok", name, detail: `unix socket ${path}` };
}
