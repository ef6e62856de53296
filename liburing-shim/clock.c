/* A cheap clock for timing every command: the CPU's time-stamp counter where it runs at a
   constant rate (invariant TSC), read without a system call. clock_gettime under a VM's
   clock source costs about three times as much as rdtsc through bun:ffi. */
#include <time.h>

#include "shim.h"

#if defined(__x86_64__)
#include <cpuid.h>

int32_t crucible_tsc_invariant(void) {
    unsigned a, b, c, d;
    if (__get_cpuid_max(0x80000000, 0) < 0x80000007) return 0;
    __cpuid(0x80000007, a, b, c, d);
    return (d >> 8) & 1; /* EDX bit 8: invariant TSC */
}

static uint64_t rdtsc(void) {
    unsigned lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Counted from when the library was loaded, so a double holds every tick exactly for
   2^53 of them (about five years at 50 GHz), however long the host has been up. */
static uint64_t tsc_base;
__attribute__((constructor)) static void tsc_start(void) { tsc_base = rdtsc(); }

double crucible_ticks(void) { return (double)(rdtsc() - tsc_base); }
#else
int32_t crucible_tsc_invariant(void) { return 0; }

double crucible_ticks(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}
#endif
