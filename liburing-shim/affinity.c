/* Thread pinning: sched_setaffinity(0, ...) applies to the calling thread only, so each
   server thread (the main one, each Worker) pins itself. */
#define _GNU_SOURCE
#include "shim.h"

#include <errno.h>
#include <sched.h>
#include <string.h>

int32_t crucible_set_affinity(const uint8_t *mask, int32_t mask_bytes) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int32_t cpu = 0; cpu < mask_bytes * 8 && cpu < CPU_SETSIZE; cpu++)
        if (mask[cpu / 8] & (1u << (cpu % 8))) CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set) == 0 ? 0 : -errno;
}

int32_t crucible_get_affinity(uint8_t *mask, int32_t mask_bytes) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -errno;
    memset(mask, 0, (size_t)mask_bytes);
    int32_t n = mask_bytes * 8 < CPU_SETSIZE ? mask_bytes * 8 : CPU_SETSIZE;
    for (int32_t cpu = 0; cpu < n; cpu++)
        if (CPU_ISSET(cpu, &set)) mask[cpu / 8] |= (uint8_t)(1u << (cpu % 8));
    return (n + 7) / 8;
}
