/*
 * crucible-shim: the flat ABI bun:ffi calls. Integers and pointers only (and one double,
 * crucible_ticks, so a 64-bit counter reaches JavaScript as a number); every function
 * that can fail returns a negative errno (or NULL with *err set) so the caller can say why.
 * Bump CRUCIBLE_SHIM_ABI whenever a signature or a shared layout changes; ffi/shim.ts
 * refuses a library whose version differs from the one it was written for.
 */
#ifndef CRUCIBLE_SHIM_H
#define CRUCIBLE_SHIM_H

#include <stdint.h>

#define CRUCIBLE_SHIM_ABI 3

int crucible_abi_version(void);

/* ---- memory (memory.c) ---- */

/* Page kinds for crucible_map. */
#define CRUCIBLE_PAGES_4K 0
#define CRUCIBLE_PAGES_2M 1
#define CRUCIBLE_PAGES_1G 2

/* Anonymous private mapping of `bytes` (a multiple of the page size for hugepages).
   NULL on failure with the errno in *err. */
void *crucible_map(uint64_t bytes, int32_t page_kind, int32_t *err);
int32_t crucible_unmap(void *addr, uint64_t bytes);
/* Bind [addr, addr+bytes) to NUMA node `node` (mbind MPOL_BIND, MPOL_MF_STRICT|MOVE). */
int32_t crucible_bind_node(void *addr, uint64_t bytes, int32_t node);

/* ---- clock (clock.c) ---- */

/* 1 when crucible_ticks reads an invariant time-stamp counter (constant rate, never stops). */
int32_t crucible_tsc_invariant(void);
/* The time-stamp counter on x86-64 since the library was loaded (cycles at a rate
   JavaScript calibrates); elsewhere CLOCK_MONOTONIC in nanoseconds. */
double crucible_ticks(void);

/* ---- CPU affinity (affinity.c) ---- */

/* Pin the calling thread to the CPUs set in `mask` (bytes, bit i = CPU i). */
int32_t crucible_set_affinity(const uint8_t *mask, int32_t mask_bytes);
/* The calling thread's allowed CPUs into `mask`; returns the bytes written or -errno. */
int32_t crucible_get_affinity(uint8_t *mask, int32_t mask_bytes);

/* ---- io_uring network engine (uring.c) ---- */

/* Completion kinds, as reported in the event array. */
#define CRUCIBLE_EV_ACCEPT 1 /* fd = listening socket, res = new fd or -errno */
#define CRUCIBLE_EV_RECV 2   /* fd, res = bytes (0 = peer closed) or -errno, aux = buffer id or -1 */
#define CRUCIBLE_EV_SEND 3   /* fd, res = bytes sent or -errno */
#define CRUCIBLE_EV_WAKE 4   /* another thread called crucible_uring_wake */

/* Event flags (word 4 of an event). */
#define CRUCIBLE_EVF_MORE 1 /* the multishot operation stays armed */

/* Each event is CRUCIBLE_EVENT_WORDS int32 words: kind, fd, generation, res, aux, flags. */
#define CRUCIBLE_EVENT_WORDS 6

/* Feature probe: 0 when everything the engine needs is there, else -errno (why in *what:
   1 setup, 2 SINGLE_ISSUER|DEFER_TASKRUN, 3 provided-buffer rings, 4 multishot recv/accept). */
int32_t crucible_uring_probe(int32_t *what);

typedef struct crucible_engine crucible_engine;

/* A ring with `sq_depth` entries and `buffer_count` receive buffers of `buffer_size`
   bytes (buffer_count a power of two). sqpoll != 0 asks for IORING_SETUP_SQPOLL. */
crucible_engine *crucible_uring_create(uint32_t sq_depth, uint32_t buffer_count, uint32_t buffer_size, int32_t sqpoll, int32_t *err);
void crucible_uring_destroy(crucible_engine *e);
/* Base of the receive buffers (buffer_count * buffer_size bytes, buffer i at i*buffer_size). */
void *crucible_uring_buffers(crucible_engine *e);
/* A listening TCP socket on host:port (port 0: any); returns the fd or -errno. */
int32_t crucible_listen_tcp(const char *host, int32_t port, int32_t backlog);
/* A listening Unix stream socket at path (a stale socket file there is replaced): fd or -errno. */
int32_t crucible_listen_unix(const char *path, int32_t backlog);
/* The local port of a socket, or -errno. */
int32_t crucible_local_port(int32_t fd);
/* "ip:port" of the peer (peer != 0) or the local end into buf; returns the length or -errno. */
int32_t crucible_sock_name(int32_t fd, int32_t peer, uint8_t *buf, int32_t len);
/* TCP_NODELAY, and keepalive with this idle time when keepalive_secs > 0. */
int32_t crucible_sock_setup(int32_t fd, int32_t keepalive_secs);
/* Arm multishot accept on a listening socket. */
int32_t crucible_uring_accept(crucible_engine *e, int32_t listen_fd);
/* Arm multishot recv into the buffer ring for a connection of generation `gen`. */
int32_t crucible_uring_recv(crucible_engine *e, int32_t fd, int32_t gen);
/* Queue a send of [buf, buf+len); the memory must stay valid until its completion. */
int32_t crucible_uring_send(crucible_engine *e, int32_t fd, int32_t gen, const uint8_t *buf, uint32_t len);
/* Hand receive buffer `bid` back to the ring. */
void crucible_uring_recycle(crucible_engine *e, int32_t bid);
/* Shut a socket down (pending operations complete) and close it now. */
int32_t crucible_close(int32_t fd);
/* Submit what is queued, wait up to timeout_ms (0: don't wait, <0: forever) for at least
   one completion, copy up to max_events events into `events`. Returns the count or -errno. */
int32_t crucible_uring_run(crucible_engine *e, int32_t timeout_ms, int32_t *events, int32_t max_events);
/* Wake a thread blocked in crucible_uring_run (from any thread). */
int32_t crucible_uring_wake(crucible_engine *e);

#endif
