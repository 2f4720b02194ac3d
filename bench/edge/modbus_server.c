/* A minimal libmodbus TCP server for the edge benchmarks: 256 holding registers of float32 ABCD
 * values and 64 closed breaker coils, answering any unit id, several clients at once (select).
 * Usage: modbus_server PORT   (prints "ready" once listening) */
#include <errno.h>
#include <modbus/modbus.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s PORT\n", argv[0]); return 2; }
    modbus_t *ctx = modbus_new_tcp("127.0.0.1", atoi(argv[1]));
    modbus_mapping_t *map = modbus_mapping_new(64, 64, 256, 256);
    if (!ctx || !map) { fprintf(stderr, "setup failed\n"); return 1; }
    for (int i = 0; i < 256; i += 2) {
        float f = 60.0f + (float)i * 0.01f;
        uint32_t u;
        memcpy(&u, &f, sizeof u);
        map->tab_registers[i] = (uint16_t)(u >> 16);
        map->tab_registers[i + 1] = (uint16_t)(u & 0xFFFF);
    }
    for (int i = 0; i < 64; i++) map->tab_bits[i] = 1;
    int server = modbus_tcp_listen(ctx, 16);
    if (server < 0) { fprintf(stderr, "listen: %s\n", modbus_strerror(errno)); return 1; }
    printf("ready\n");
    fflush(stdout);
    fd_set all;
    FD_ZERO(&all);
    FD_SET(server, &all);
    int maxfd = server;
    uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
    for (;;) {
        fd_set ready = all;
        if (select(maxfd + 1, &ready, NULL, NULL, NULL) < 0) { if (errno == EINTR) continue; return 1; }
        for (int fd = 0; fd <= maxfd; fd++) {
            if (!FD_ISSET(fd, &ready)) continue;
            if (fd == server) {
                int client = accept(server, NULL, NULL);
                if (client >= 0) { FD_SET(client, &all); if (client > maxfd) maxfd = client; }
                continue;
            }
            modbus_set_socket(ctx, fd);
            int rc = modbus_receive(ctx, query);
            if (rc > 0) modbus_reply(ctx, query, rc, map);
            else if (rc == -1) { close(fd); FD_CLR(fd, &all); }
        }
    }
}
