/*
 * The io_uring network engine's kernel side: one ring per engine with
 * SINGLE_ISSUER | DEFER_TASKRUN (completion work runs only when we ask for events, on our
 * thread: without it the ring measured worse than epoll), multishot accept, multishot recv
 * into a provided-buffer ring, plain sends, and an eventfd so other threads can wake it.
 * crucible_uring_run is the one call per loop turn: submit everything queued, wait, and
 * copy the completions out as flat int32 events.
 */
#define _GNU_SOURCE
#include "shim.h"

#include <arpa/inet.h>
#include <errno.h>
#include <liburing.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFFER_GROUP 1

struct crucible_engine {
    struct io_uring ring;
    struct io_uring_buf_ring *buf_ring;
    size_t buf_ring_bytes;
    uint8_t *buffers;
    size_t buffers_bytes;
    uint32_t buffer_count;
    uint32_t buffer_size;
    int wake_fd;
    uint64_t wake_value;
};

/* user_data: kind (8 bits) | generation (24 bits) | fd (32 bits). */
static inline uint64_t pack(uint32_t kind, int32_t gen, int32_t fd) {
    return ((uint64_t)kind << 56) | ((uint64_t)((uint32_t)gen & 0xffffff) << 32) | (uint32_t)fd;
}

int crucible_abi_version(void) { return CRUCIBLE_SHIM_ABI; }

static struct io_uring_sqe *sqe_of(crucible_engine *e) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&e->ring);
    if (sqe == NULL) {
        /* The submission queue is full: hand it to the kernel and take a fresh entry. */
        io_uring_submit(&e->ring);
        sqe = io_uring_get_sqe(&e->ring);
    }
    return sqe;
}

static int arm_wake(crucible_engine *e) {
    struct io_uring_sqe *sqe = sqe_of(e);
    if (sqe == NULL) return -EBUSY;
    io_uring_prep_read(sqe, e->wake_fd, &e->wake_value, sizeof e->wake_value, 0);
    io_uring_sqe_set_data64(sqe, pack(CRUCIBLE_EV_WAKE, 0, e->wake_fd));
    return 0;
}

static int setup_ring(struct io_uring *ring, uint32_t entries, uint32_t cq_entries, int sqpoll) {
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_CQSIZE;
    if (sqpoll) {
        p.flags |= IORING_SETUP_SQPOLL;
        p.sq_thread_idle = 1000;
    } else {
        p.flags |= IORING_SETUP_DEFER_TASKRUN;
    }
    p.cq_entries = cq_entries;
    return io_uring_queue_init_params(entries, ring, &p);
}

int32_t crucible_uring_probe(int32_t *what) {
    struct io_uring ring;
    int ret = setup_ring(&ring, 8, 16, 0);
    if (ret < 0) {
        /* Tell a kernel without io_uring (or with it disabled) from one lacking the flags. */
        struct io_uring plain;
        int basic = io_uring_queue_init(8, &plain, 0);
        if (basic < 0) {
            *what = 1;
            return basic;
        }
        io_uring_queue_exit(&plain);
        *what = 2;
        return ret;
    }
    struct io_uring_probe *probe = io_uring_get_probe_ring(&ring);
    int ops_ok = probe != NULL && io_uring_opcode_supported(probe, IORING_OP_ACCEPT) &&
                 io_uring_opcode_supported(probe, IORING_OP_RECV) && io_uring_opcode_supported(probe, IORING_OP_SEND) &&
                 io_uring_opcode_supported(probe, IORING_OP_PROVIDE_BUFFERS);
    if (probe != NULL) io_uring_free_probe(probe);
    if (!ops_ok) {
        io_uring_queue_exit(&ring);
        *what = 4;
        return -EOPNOTSUPP;
    }
    /* Provided-buffer rings (5.19): register a tiny one. */
    size_t bytes = 4096;
    void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        io_uring_queue_exit(&ring);
        *what = 3;
        return -errno;
    }
    struct io_uring_buf_reg reg;
    memset(&reg, 0, sizeof reg);
    reg.ring_addr = (unsigned long)mem;
    reg.ring_entries = 8;
    reg.bgid = BUFFER_GROUP;
    ret = io_uring_register_buf_ring(&ring, &reg, 0);
    munmap(mem, bytes);
    io_uring_queue_exit(&ring);
    if (ret < 0) {
        *what = 3;
        return ret;
    }
    *what = 0;
    return 0;
}

crucible_engine *crucible_uring_create(uint32_t sq_depth, uint32_t buffer_count, uint32_t buffer_size, int32_t sqpoll, int32_t *err) {
    if (buffer_count == 0 || (buffer_count & (buffer_count - 1)) != 0 || buffer_count > 32768 || buffer_size == 0) {
        *err = EINVAL;
        return NULL;
    }
    crucible_engine *e = calloc(1, sizeof *e);
    if (e == NULL) {
        *err = ENOMEM;
        return NULL;
    }
    e->wake_fd = -1;
    uint32_t cq = sq_depth * 4 > buffer_count * 2 ? sq_depth * 4 : buffer_count * 2;
    int ret = setup_ring(&e->ring, sq_depth, cq, sqpoll);
    if (ret < 0) {
        free(e);
        *err = -ret;
        return NULL;
    }
    e->buffer_count = buffer_count;
    e->buffer_size = buffer_size;
    e->buffers_bytes = (size_t)buffer_count * buffer_size;
    e->buffers = mmap(NULL, e->buffers_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    e->buf_ring_bytes = (sizeof(struct io_uring_buf) * buffer_count + 4095) & ~(size_t)4095;
    e->buf_ring = mmap(NULL, e->buf_ring_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (e->buffers == MAP_FAILED || e->buf_ring == MAP_FAILED) {
        *err = errno;
        if (e->buffers != MAP_FAILED) munmap(e->buffers, e->buffers_bytes);
        if (e->buf_ring != MAP_FAILED) munmap(e->buf_ring, e->buf_ring_bytes);
        io_uring_queue_exit(&e->ring);
        free(e);
        return NULL;
    }
    struct io_uring_buf_reg reg;
    memset(&reg, 0, sizeof reg);
    reg.ring_addr = (unsigned long)e->buf_ring;
    reg.ring_entries = buffer_count;
    reg.bgid = BUFFER_GROUP;
    ret = io_uring_register_buf_ring(&e->ring, &reg, 0);
    if (ret < 0) {
        *err = -ret;
        crucible_uring_destroy(e);
        return NULL;
    }
    io_uring_buf_ring_init(e->buf_ring);
    int mask = io_uring_buf_ring_mask(buffer_count);
    for (uint32_t i = 0; i < buffer_count; i++) {
        io_uring_buf_ring_add(e->buf_ring, e->buffers + (size_t)i * buffer_size, buffer_size, i, mask, i);
    }
    io_uring_buf_ring_advance(e->buf_ring, buffer_count);
    e->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (e->wake_fd < 0 || arm_wake(e) < 0) {
        *err = e->wake_fd < 0 ? errno : EBUSY;
        crucible_uring_destroy(e);
        return NULL;
    }
    return e;
}

void crucible_uring_destroy(crucible_engine *e) {
    if (e == NULL) return;
    io_uring_queue_exit(&e->ring);
    if (e->wake_fd >= 0) close(e->wake_fd);
    if (e->buffers != NULL && e->buffers != MAP_FAILED) munmap(e->buffers, e->buffers_bytes);
    if (e->buf_ring != NULL && e->buf_ring != MAP_FAILED) munmap(e->buf_ring, e->buf_ring_bytes);
    free(e);
}

void *crucible_uring_buffers(crucible_engine *e) { return e->buffers; }

int32_t crucible_listen_tcp(const char *host, int32_t port, int32_t backlog) {
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    int gai = getaddrinfo(host[0] == '\0' ? NULL : host, service, &hints, &res);
    if (gai != 0) return gai == EAI_SYSTEM ? -errno : -EADDRNOTAVAIL;
    int fd = -1, err = EADDRNOTAVAIL;
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            err = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, backlog) == 0) break;
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd >= 0 ? fd : -err;
}

int32_t crucible_listen_unix(const char *path, int32_t backlog) {
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa.sun_path) return -ENAMETOOLONG;
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) unlink(path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, backlog) != 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    return fd;
}

int32_t crucible_local_port(int32_t fd) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) return -errno;
    if (ss.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return -EAFNOSUPPORT;
}

int32_t crucible_sock_name(int32_t fd, int32_t peer, uint8_t *buf, int32_t len) {
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    int ret = peer ? getpeername(fd, (struct sockaddr *)&ss, &sl) : getsockname(fd, (struct sockaddr *)&ss, &sl);
    if (ret != 0) return -errno;
    char ip[INET6_ADDRSTRLEN];
    int port;
    if (ss.ss_family == AF_INET) {
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, ip, sizeof ip);
        port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    } else if (ss.ss_family == AF_INET6) {
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, ip, sizeof ip);
        port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    } else {
        return -EAFNOSUPPORT;
    }
    /* As Redis's anetFormatAddr: brackets around IPv6 addresses. */
    int n = snprintf((char *)buf, (size_t)len, strchr(ip, ':') ? "[%s]:%d" : "%s:%d", ip, port);
    return n < len ? n : len - 1;
}

int32_t crucible_sock_setup(int32_t fd, int32_t keepalive_secs) {
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) return -errno;
    if (keepalive_secs > 0) {
        /* Redis's anetKeepAlive: probes every third of the idle time, three of them. */
        int interval = keepalive_secs / 3 > 0 ? keepalive_secs / 3 : 1, count = 3;
        if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) != 0 ||
            setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &keepalive_secs, sizeof keepalive_secs) != 0 ||
            setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval) != 0 ||
            setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count) != 0)
            return -errno;
    }
    return 0;
}

int32_t crucible_uring_accept(crucible_engine *e, int32_t listen_fd) {
    struct io_uring_sqe *sqe = sqe_of(e);
    if (sqe == NULL) return -EBUSY;
    io_uring_prep_multishot_accept(sqe, listen_fd, NULL, NULL, SOCK_CLOEXEC);
    io_uring_sqe_set_data64(sqe, pack(CRUCIBLE_EV_ACCEPT, 0, listen_fd));
    return 0;
}

int32_t crucible_uring_recv(crucible_engine *e, int32_t fd, int32_t gen) {
    struct io_uring_sqe *sqe = sqe_of(e);
    if (sqe == NULL) return -EBUSY;
    io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = BUFFER_GROUP;
    io_uring_sqe_set_data64(sqe, pack(CRUCIBLE_EV_RECV, gen, fd));
    return 0;
}

int32_t crucible_uring_send(crucible_engine *e, int32_t fd, int32_t gen, const uint8_t *buf, uint32_t len) {
    struct io_uring_sqe *sqe = sqe_of(e);
    if (sqe == NULL) return -EBUSY;
    io_uring_prep_send(sqe, fd, buf, len, MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, pack(CRUCIBLE_EV_SEND, gen, fd));
    return 0;
}

void crucible_uring_recycle(crucible_engine *e, int32_t bid) {
    io_uring_buf_ring_add(e->buf_ring, e->buffers + (size_t)bid * e->buffer_size, e->buffer_size, (unsigned short)bid,
                          io_uring_buf_ring_mask(e->buffer_count), 0);
    io_uring_buf_ring_advance(e->buf_ring, 1);
}

int32_t crucible_close(int32_t fd) {
    /* shutdown first: a multishot recv still holds the file, and only this ends it. */
    shutdown(fd, SHUT_RDWR);
    return close(fd) == 0 ? 0 : -errno;
}

int32_t crucible_uring_run(crucible_engine *e, int32_t timeout_ms, int32_t *events, int32_t max_events) {
    struct io_uring_cqe *cqe = NULL;
    int ret;
    if (io_uring_cq_ready(&e->ring) > 0) {
        ret = io_uring_submit(&e->ring);
    } else if (timeout_ms == 0) {
        ret = io_uring_submit(&e->ring);
        if (ret >= 0) ret = io_uring_get_events(&e->ring);
    } else if (timeout_ms < 0) {
        ret = io_uring_submit_and_wait(&e->ring, 1);
    } else {
        struct __kernel_timespec ts = {.tv_sec = timeout_ms / 1000, .tv_nsec = (long long)(timeout_ms % 1000) * 1000000};
        ret = io_uring_submit_and_wait_timeout(&e->ring, &cqe, 1, &ts, NULL);
    }
    if (ret < 0 && ret != -ETIME && ret != -EINTR && ret != -EBUSY && ret != -EAGAIN) return ret;
    int n = 0;
    unsigned head;
    unsigned seen = 0;
    io_uring_for_each_cqe(&e->ring, head, cqe) {
        if (n == max_events) break;
        seen++;
        uint64_t ud = io_uring_cqe_get_data64(cqe);
        uint32_t kind = (uint32_t)(ud >> 56);
        int32_t *ev = events + (size_t)n * CRUCIBLE_EVENT_WORDS;
        ev[0] = (int32_t)kind;
        ev[1] = (int32_t)(uint32_t)ud;
        ev[2] = (int32_t)((ud >> 32) & 0xffffff);
        ev[3] = cqe->res;
        ev[4] = (cqe->flags & IORING_CQE_F_BUFFER) ? (int32_t)(cqe->flags >> IORING_CQE_BUFFER_SHIFT) : -1;
        ev[5] = (cqe->flags & IORING_CQE_F_MORE) ? CRUCIBLE_EVF_MORE : 0;
        if (kind == CRUCIBLE_EV_WAKE) arm_wake(e);
        n++;
    }
    io_uring_cq_advance(&e->ring, seen);
    return n;
}

int32_t crucible_uring_wake(crucible_engine *e) {
    uint64_t one = 1;
    return write(e->wake_fd, &one, sizeof one) == sizeof one ? 0 : -errno;
}
