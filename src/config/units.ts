// Parsing of the value forms the config file accepts: sizes, durations, addresses.
// Each parser returns null for a malformed value so the caller can build one error message
// that names the file, line, key and what is allowed.

const KIB = 1024;
const sizeUnits: Record<string, number> = {
  "": 1,
  b: 1,
  // Binary multiples for the "B" forms, as Pelikan, Segcache and Redis's "kb"/"mb"/"gb" do.
  kb: KIB, kib: KIB,
  mb: KIB ** 2, mib: KIB ** 2,
  gb: KIB ** 3, gib: KIB ** 3,
  tb: KIB ** 4, tib: KIB ** 4,
  // Bare letters are decimal, as in redis.conf ("1k" = 1000, "1kb" = 1024).
  k: 1e3, m: 1e6, g: 1e9, t: 1e12,
};

/**
 * "16KB", "1MB", "1GB", "512mb", "1GiB", "1.5GB", "4096" or a plain integer → bytes.
 * KB/MB/GB/TB and KiB/MiB/GiB/TiB are powers of 1024; bare k/m/g/t are powers of 1000.
 */
export function parseSize(value: unknown): number | null {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value === "bigint") return value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : null;
  if (typeof value !== "string") return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  if (!m) return null;
  const mult = sizeUnits[m[2]!.toLowerCase()];
  if (mult === undefined) return null;
  const bytes = Math.floor(Number(m[1]) * mult);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/** Bytes → the shortest exact size string ("64MB", "1GB", "1536KB"), or a byte count. */
export function formatSize(bytes: number): string {
  for (const [unit, mult] of [["TB", KIB ** 4], ["GB", KIB ** 3], ["MB", KIB ** 2], ["KB", KIB]] as const) {
    if (bytes >= mult && bytes % mult === 0) return `${bytes / mult}${unit}`;
  }
  return String(bytes);
}

const durationUnits: Record<string, number> = { ms: 0.001, s: 1, "": 1, m: 60, h: 3600, d: 86400 };

/** "30s", "5m", "1h", "2d", "1500ms" or an integer number of seconds → whole seconds. */
export function parseDurationSecs(value: unknown): number | null {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value === "bigint") return value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : null;
  if (typeof value !== "string") return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  if (!m) return null;
  const mult = durationUnits[m[2]!.toLowerCase()];
  if (mult === undefined) return null;
  const secs = Number(m[1]) * mult;
  // Whole seconds only: the keys that take durations are second-granular.
  return Number.isSafeInteger(secs) ? secs : null;
}

export interface HostPort {
  host: string;
  port: number;
}

/**
 * "127.0.0.1:6379", "0.0.0.0:6379", "localhost:6379", "[::1]:6379" → host and port.
 * Port 0 asks the OS for a free port (tests use it). IPv6 hosts must be in brackets.
 */
export function parseAddress(value: string): HostPort | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9_.-]+)):(\d{1,5})$/.exec(value);
  if (!m) return null;
  const port = Number(m[3]);
  if (port > 65535) return null;
  const host = m[1] ?? m[2]!;
  if (m[2] !== undefined && /^[\d.]+$/.test(host)) {
    // Looks numeric: insist on a real dotted quad rather than let the resolver guess.
    const parts = host.split(".");
    if (parts.length !== 4 || parts.some((p) => p === "" || Number(p) > 255)) return null;
  }
  return { host, port };
}

/** host and port → "host:port", bracketing IPv6 hosts. */
export function formatAddress(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The highest CPU id a CPU list may name (the shim's affinity mask holds 4096 CPUs). */
export const CPU_ID_MAX = 4095;

/**
 * A CPU list, in the forms taskset and the kernel's cpulist files use: "0-3", "1,3,8",
 * "0-15:2" (a range with a stride: 0,2,...,14), and any of them joined by commas
 * ("0-3,8-15:2"). Returns the sorted unique CPU ids ([] for ""), or null when malformed.
 */
export function parseCpuList(value: string): number[] | null {
  if (value.trim() === "") return [];
  const cpus = new Set<number>();
  for (const part of value.split(",")) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*(?::\s*(\d+)\s*)?)?$/.exec(part);
    if (!m) return null;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    const stride = m[3] === undefined ? 1 : Number(m[3]);
    if (hi < lo || hi > CPU_ID_MAX || stride < 1) return null;
    for (let c = lo; c <= hi; c += stride) cpus.add(c);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** CPU ids -> the shortest list form: [0,1,2,3,8] -> "0-3,8"; [] -> "". */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}
