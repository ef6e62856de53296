/* C smoke test: the ABI version, and one request through a real ring over loopback. */
#define _GNU_SOURCE
#include "shim.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHECK(cond, ...)                                  \
    do {                                                  \
        if (!(cond)) {                                    \
            fprintf(stderr, "smoke test failed: " __VA_ARGS__); \
            fprintf(stderr, "\n");                        \
            return 1;                                     \
        }                                                 \
    } while (0)

static int uring_round_trip(void) {
    int32_t what = 0;
    int ret = crucible_uring_probe(&what);
    if (ret < 0) {
        printf("io_uring unavailable here (probe step %d, errno %d): skipping the ring test\n", what, -ret);
        return 0;
    }
    int32_t err = 0;
    crucible_engine *e = crucible_uring_create(64, 16, 4096, 0, &err);
    CHECK(e != NULL, "create: errno %d", err);
    int lfd = crucible_listen_tcp("127.0.0.1", 0, 16);
    CHECK(lfd >= 0, "listen: %d", lfd);
    int port = crucible_local_port(lfd);
    CHECK(port > 0, "local port: %d", port);
    CHECK(crucible_uring_accept(e, lfd) == 0, "accept");

    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    CHECK(connect(c, (struct sockaddr *)&sa, sizeof sa) == 0, "connect");

    int32_t ev[CRUCIBLE_EVENT_WORDS * 8];
    int conn = -1;
    for (int tries = 0; tries < 10 && conn < 0; tries++) {
        int n = crucible_uring_run(e, 1000, ev, 8);
        CHECK(n >= 0, "run: %d", n);
        for (int i = 0; i < n; i++)
            if (ev[i * CRUCIBLE_EVENT_WORDS] == CRUCIBLE_EV_ACCEPT) conn = ev[i * CRUCIBLE_EVENT_WORDS + 3];
    }
    CHECK(conn >= 0, "no accept completion");
    uint8_t name[64];
    CHECK(crucible_sock_name(conn, 1, name, sizeof name) > 0 && strncmp((char *)name, "127.0.0.1:", 10) == 0, "peer name %s", name);
    CHECK(crucible_sock_setup(conn, 300) == 0, "sock setup");
    CHECK(crucible_uring_recv(e, conn, 7) == 0, "recv");
    CHECK(write(c, "PING", 4) == 4, "client write");

    int got = 0;
    for (int tries = 0; tries < 10 && !got; tries++) {
        int n = crucible_uring_run(e, 1000, ev, 8);
        for (int i = 0; i < n; i++) {
            int32_t *x = ev + i * CRUCIBLE_EVENT_WORDS;
            if (x[0] != CRUCIBLE_EV_RECV) continue;
            CHECK(x[1] == conn && x[2] == 7 && x[3] == 4 && x[4] >= 0, "recv event %d %d %d %d", x[1], x[2], x[3], x[4]);
            const uint8_t *data = (const uint8_t *)crucible_uring_buffers(e) + (size_t)x[4] * 4096;
            CHECK(memcmp(data, "PING", 4) == 0, "recv bytes");
            crucible_uring_recycle(e, x[4]);
            got = 1;
        }
    }
    CHECK(got, "no recv completion");
    static const uint8_t pong[] = "+PONG\r\n";
    CHECK(crucible_uring_send(e, conn, 7, pong, 7) == 0, "send");
    int sent = 0;
    for (int tries = 0; tries < 10 && !sent; tries++) {
        int n = crucible_uring_run(e, 1000, ev, 8);
        for (int i = 0; i < n; i++)
            if (ev[i * CRUCIBLE_EVENT_WORDS] == CRUCIBLE_EV_SEND) sent = ev[i * CRUCIBLE_EVENT_WORDS + 3];
    }
    CHECK(sent == 7, "send completion %d", sent);
    char reply[16] = {0};
    CHECK(read(c, reply, sizeof reply) == 7 && memcmp(reply, "+PONG\r\n", 7) == 0, "client read");

    CHECK(crucible_uring_wake(e) == 0, "wake");
    int woke = 0;
    for (int tries = 0; tries < 10 && !woke; tries++) {
        int n = crucible_uring_run(e, 1000, ev, 8);
        for (int i = 0; i < n; i++) woke |= ev[i * CRUCIBLE_EVENT_WORDS] == CRUCIBLE_EV_WAKE;
    }
    CHECK(woke, "no wake event");
    close(c);
    crucible_close(conn);
    crucible_close(lfd);
    crucible_uring_destroy(e);
    printf("io_uring round trip ok\n");
    return 0;
}

static int memory_and_affinity(void) {
    int32_t err = 0;
    uint64_t bytes = 8u << 20;
    uint8_t *p = crucible_map(bytes, CRUCIBLE_PAGES_4K, &err);
    CHECK(p != NULL, "map: errno %d", err);
    CHECK(p[bytes - 1] == 0, "fresh mapping is zeroed");
    p[12345] = 42;
    /* Node 0 exists wherever NUMA does; a kernel without NUMA answers ENOSYS. */
    int bound = crucible_bind_node(p, bytes, 0);
    CHECK(bound == 0 || bound == -38, "bind to node 0: %d", bound);
    CHECK(crucible_bind_node(p, bytes, 1000) == -22, "bind to a missing node is EINVAL");
    CHECK(crucible_unmap(p, bytes) == 0, "unmap");
    CHECK(crucible_map(bytes, 7, &err) == NULL && err == 22, "bad page kind is EINVAL");
    uint8_t mask[128];
    int n = crucible_get_affinity(mask, sizeof mask);
    CHECK(n > 0, "get affinity %d", n);
    CHECK(crucible_set_affinity(mask, n) == 0, "set affinity to what it was");
    printf("memory and affinity ok\n");
    return 0;
}

int main(void) {
    CHECK(crucible_abi_version() == CRUCIBLE_SHIM_ABI, "abi %d", crucible_abi_version());
    double t0 = crucible_ticks();
    double t1 = crucible_ticks();
    CHECK(t1 >= t0 && t0 >= 0, "ticks %f then %f", t0, t1);
    if (memory_and_affinity() != 0) return 1;
    if (uring_round_trip() != 0) return 1;
    printf("smoke test passed\n");
    return 0;
}
