import { readdirSync, readFileSync } from "node:fs";

export interface Mapping {
  start: number;
  end: number;
  flags: string[];
  anonHugeBytes: number;
  /** KernelPageSize: 4096, or 2 MiB / 1 GiB for a hugetlb mapping. */
  kernelPageBytes: number;
}

/** The mappings of a process from /proc/PID/smaps, with their VmFlags. */
export function mappings(pid: number | "self"): Mapping[] {
  const out: Mapping[] = [];
  let cur: Mapping | null = null;
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const range = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (range) {
      cur = { start: parseInt(range[1], 16), end: parseInt(range[2], 16), flags: [], anonHugeBytes: 0, kernelPageBytes: 4096 };
      out.push(cur);
    } else if (cur && line.startsWith("VmFlags:")) {
      cur.flags = line.slice(8).trim().split(/\s+/);
    } else if (cur && line.startsWith("KernelPageSize:")) {
      cur.kernelPageBytes = Number(/(\d+)/.exec(line)![1]) * 1024;
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

/** The /proc/PID/numa_maps line of the mapping that starts at `start` ("bind:0 huge ..."), or undefined. */
export function numaMapsLine(pid: number, start: number): string | undefined {
  const prefix = start.toString(16) + " ";
  return readFileSync(`/proc/${pid}/numa_maps`, "utf8").split("\n").find((l) => l.startsWith(prefix));
}

/** Cpus_allowed_list of one thread of a process (the main thread when tid = pid). */
export function threadCpus(pid: number, tid = pid): string {
  return /^Cpus_allowed_list:\s*(\S*)/m.exec(readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8"))![1]!;
}

/** Cpus_allowed_list of every thread of a process, by thread id. */
export function threadsCpus(pid: number): Map<number, string> {
  const out = new Map<number, string>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) out.set(Number(tid), threadCpus(pid, Number(tid)));
  return out;
}
