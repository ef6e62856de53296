/* The store's arena: anonymous mappings, optionally on explicit hugepages, bound to a NUMA node. */
#define _GNU_SOURCE
#include "shim.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
#define MAP_HUGE_2MB_FLAG (21 << MAP_HUGE_SHIFT)
#define MAP_HUGE_1GB_FLAG (30 << MAP_HUGE_SHIFT)
/* From <numaif.h>, which needs libnuma's headers; the syscall needs none of it. */
#define MPOL_BIND_MODE 2
#define MPOL_MF_STRICT_FLAG (1 << 0)
#define MPOL_MF_MOVE_FLAG (1 << 1)

void *crucible_map(uint64_t bytes, int32_t page_kind, int32_t *err) {
    int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
    if (page_kind == CRUCIBLE_PAGES_2M) flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB_FLAG;
    else if (page_kind == CRUCIBLE_PAGES_1G) flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_1GB_FLAG;
    else if (page_kind != CRUCIBLE_PAGES_4K) {
        *err = EINVAL;
        return NULL;
    }
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (p == MAP_FAILED) {
        *err = errno;
        return NULL;
    }
    *err = 0;
    return p;
}

int32_t crucible_unmap(void *addr, uint64_t bytes) { return munmap(addr, bytes) == 0 ? 0 : -errno; }

int32_t crucible_bind_node(void *addr, uint64_t bytes, int32_t node) {
    if (node < 0 || node >= 1024) return -EINVAL;
    unsigned long mask[1024 / (8 * sizeof(unsigned long))] = {0};
    mask[node / (8 * sizeof(unsigned long))] = 1UL << (node % (8 * sizeof(unsigned long)));
    long ret = syscall(SYS_mbind, addr, bytes, MPOL_BIND_MODE, mask, 1024UL, MPOL_MF_STRICT_FLAG | MPOL_MF_MOVE_FLAG);
    return ret == 0 ? 0 : -errno;
}
