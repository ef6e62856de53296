/** Machine description, medians and plain-text tables for the benchmark reports. */
import { readFileSync } from "node:fs";
import os from "node:os";
import { CLK_TCK } from "./proc.ts";

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memTotalGiB: number;
  kernel: string;
  bun: string;
  redisServer: string;
  redisBenchmark: string;
  clkTck: number;
  gitCommit: string;
  date: string;
}

function sh(cmd: string[]): string {
  try {
    const r = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe" });
    return `${r.stdout.toString()}${r.stderr.toString()}`.trim();
  } catch (e) {
    return `unavailable (${(e as Error).message})`;
  }
}

export function machineInfo(root: string): MachineInfo {
  let cpuModel = "unknown";
  let memTotalGiB = 0;
  try {
    cpuModel = /^model name\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? "unknown";
    memTotalGiB = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync("/proc/meminfo", "utf8"))?.[1] ?? 0) / 1024 / 1024;
  } catch {
    // not Linux
  }
  const nproc = Number(sh(["nproc"])) || os.availableParallelism();
  const head = sh(["git", "-C", root, "rev-parse", "--short", "HEAD"]);
  const dirty = sh(["git", "-C", root, "status", "--porcelain", "--untracked-files=no", "--", "src"]) ? " (src/ has uncommitted changes)" : "";
  return {
    nproc,
    cpuModel,
    memTotalGiB: Math.round(memTotalGiB * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    bun: Bun.version,
    redisServer: sh(["redis-server", "--version"]),
    redisBenchmark: sh(["redis-benchmark", "--version"]),
    clkTck: CLK_TCK,
    gitCommit: `${head}${dirty}`,
    date: new Date().toISOString(),
  };
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function fmt(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "-";
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString("en-US");
  return n.toFixed(digits);
}

export function ratio(a: number | null | undefined, b: number | null | undefined): number {
  if (a === null || a === undefined || b === null || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return NaN;
  return a / b;
}

export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}x` : "-";
}

/** Render rows as a table; the first row is the header. Numbers are right-aligned. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  const isNum = (s: string) => /^[-+]?[\d,.]+x?$|^-$/.test(s);
  const line = (row: string[]) =>
    row
      .map((c, i) => (i > 0 && isNum(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const out = [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const row of rows.slice(1)) out.push(line(row));
  return out.join("\n");
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
