import { readFileSync } from "node:fs";

export interface Mapping {
  start: number;
  end: number;
  flags: string[];
  anonHugeBytes: number;
}

/** The mappings of a process from /proc/PID/smaps, with their VmFlags. */
export function mappings(pid: number | "self"): Mapping[] {
  const out: Mapping[] = [];
  let cur: Mapping | null = null;
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const range = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (range) {
      cur = { start: parseInt(range[1], 16), end: parseInt(range[2], 16), flags: [], anonHugeBytes: 0 };
      out.push(cur);
    } else if (cur && line.startsWith("VmFlags:")) {
      cur.flags = line.slice(8).trim().split(/\s+/);
    } else if (cur && line.startsWith("AnonHugePages:")) {
      cur.anonHugeBytes = Number(/(\d+)/.exec(line)![1]) * 1024;
    }
  }
  return out;
}

/** Bytes of mappings the kernel holds as advised for transparent hugepages (VmFlags "hg"). */
export function hugeAdvisedBytes(pid: number | "self"): number {
  return mappings(pid)
    .filter((m) => m.flags.includes("hg"))
    .reduce((sum, m) => sum + (m.end - m.start), 0);
}
