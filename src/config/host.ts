// Facts about this host that some keys are checked against when the config is loaded: the
// NUMA nodes that exist and the CPUs this process may run on. A value naming a node or a
// CPU the host does not have is a config error (exit 2), not a surprise at start-up.
// config may import only stdx (DESIGN.md), so these are read from /sys and /proc directly
// rather than through ffi/.

import { readdirSync, readFileSync } from "node:fs";
import { parseCpuList } from "./units.ts";

/** Where the facts are read from; tests point them at fixtures. */
export const hostPaths = {
  nodeDir: "/sys/devices/system/node",
  procStatus: "/proc/self/status",
};

/** The NUMA node ids this host has (its nodeN directories), or [] when it shows none. */
export function numaNodes(): number[] {
  try {
    return readdirSync(hostPaths.nodeDir)
      .map((e) => /^node(\d+)$/.exec(e))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  } catch {
    return [];
  }
}

/** The CPUs of NUMA node `node` (its cpulist file), or null when unreadable. */
export function numaNodeCpus(node: number): number[] | null {
  try {
    return parseCpuList(readFileSync(`${hostPaths.nodeDir}/node${node}/cpulist`, "utf8").trim());
  } catch {
    return null;
  }
}

/**
 * The CPUs this process may run on: Cpus_allowed_list of /proc/self/status (what taskset,
 * a cgroup cpuset or a container's --cpuset-cpus left it), or null when unreadable.
 */
export function allowedCpus(): number[] | null {
  try {
    const m = /^Cpus_allowed_list:\s*(\S*)\s*$/m.exec(readFileSync(hostPaths.procStatus, "utf8"));
    return m ? parseCpuList(m[1]!) : null;
  } catch {
    return null;
  }
}
