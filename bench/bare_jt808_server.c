/* The physical ceiling for the JT/T 808 ingest bench: a bare epoll server in C
 * that does nothing but answer each frame as the protocol requires (0x8100
 * with a fixed auth code to a registration, 0x8001 "ok" to everything else).
 * No validation, no storage, no rules. scripts/bench-jt808.sh drives it with
 * the same simulator as Sightline, in the same run, with as many threads as
 * Sightline's terminal listener uses (each thread its own SO_REUSEPORT
 * listener and epoll set), so both sides get the same cores.
 *   bare_jt808_server PORT [THREADS=1]
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXFD 65536
#define BUF 8192

static uint8_t inbuf[MAXFD][256]; /* partial frame per connection (frames here are < 256 bytes) */
static int inlen[MAXFD];

static size_t put_escaped(uint8_t *out, const uint8_t *raw, size_t n) {
  size_t o = 0;
  for (size_t i = 0; i < n; ++i) {
    if (raw[i] == 0x7e) { out[o++] = 0x7d; out[o++] = 0x02; }
    else if (raw[i] == 0x7d) { out[o++] = 0x7d; out[o++] = 0x01; }
    else out[o++] = raw[i];
  }
  return o;
}

/* Answers one unescaped packet (header + body + checksum); returns bytes written to out. */
static size_t answer(const uint8_t *p, size_t n, uint8_t *out) {
  if (n < 13) return 0;
  uint8_t raw[64];
  size_t r = 0;
  const int is_register = p[0] == 0x01 && p[1] == 0x00;
  const uint8_t *phone = p + 4, *serial = p + 10;
  raw[r++] = is_register ? 0x81 : 0x80; raw[r++] = is_register ? 0x00 : 0x01;
  raw[r++] = 0; raw[r++] = is_register ? 4 : 5;
  memcpy(raw + r, phone, 6); r += 6;
  raw[r++] = 0; raw[r++] = 0;
  raw[r++] = serial[0]; raw[r++] = serial[1];
  if (is_register) { raw[r++] = 0; raw[r++] = 'x'; }
  else { raw[r++] = p[0]; raw[r++] = p[1]; raw[r++] = 0; }
  uint8_t sum = 0;
  for (size_t i = 0; i < r; ++i) sum ^= raw[i];
  raw[r++] = sum;
  size_t o = 0;
  out[o++] = 0x7e;
  o += put_escaped(out + o, raw, r);
  out[o++] = 0x7e;
  return o;
}

static void on_data(int fd, const uint8_t *data, ssize_t n) {
  static _Thread_local uint8_t out[BUF * 2];
  size_t o = 0;
  for (ssize_t i = 0; i < n; ++i) {
    uint8_t b = data[i];
    if (b == 0x7e) {
      if (inlen[fd] > 0) { /* end of a frame: unescape and answer */
        uint8_t pkt[256];
        size_t k = 0;
        for (int j = 0; j < inlen[fd]; ++j) {
          if (inbuf[fd][j] == 0x7d && j + 1 < inlen[fd]) { pkt[k++] = inbuf[fd][j + 1] == 0x02 ? 0x7e : 0x7d; ++j; }
          else pkt[k++] = inbuf[fd][j];
        }
        o += answer(pkt, k, out + o);
      }
      inlen[fd] = 0;
    } else if (inlen[fd] < 256) {
      inbuf[fd][inlen[fd]++] = b;
    }
  }
  if (o) (void)!write(fd, out, o);
}

static int port;

/* One event loop: its own listener (SO_REUSEPORT spreads connections over the
 * threads) and epoll set; a connection stays on the thread that accepted it,
 * so the per-fd buffers are never shared. */
static void *serve(void *arg) {
  (void)arg;
  int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(ls, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET; a.sin_port = htons((uint16_t)port); a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 4096)) { perror("listen"); exit(1); }
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls}, evs[1024];
  epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
  static _Thread_local uint8_t buf[BUF];
  for (;;) {
    int n = epoll_wait(ep, evs, 1024, -1);
    for (int i = 0; i < n; ++i) {
      int fd = evs[i].data.fd;
      if (fd == ls) {
        int c;
        while ((c = accept(ls, NULL, NULL)) >= 0) {
          if (c >= MAXFD) { close(c); continue; }
          setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          inlen[c] = 0;
          struct epoll_event ce = {.events = EPOLLIN, .data.fd = c};
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &ce);
          break;
        }
        continue;
      }
      ssize_t r = read(fd, buf, sizeof buf);
      if (r <= 0) { epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL); close(fd); continue; }
      on_data(fd, buf, r);
    }
  }
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s PORT [THREADS]\n", argv[0]); return 2; }
  struct rlimit lim;
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0) { lim.rlim_cur = lim.rlim_max; setrlimit(RLIMIT_NOFILE, &lim); }
  port = atoi(argv[1]);
  int threads = argc > 2 ? atoi(argv[2]) : 1;
  if (threads < 1 || threads > 64) threads = 1;
  pthread_t t[64];
  for (int i = 1; i < threads; ++i) pthread_create(&t[i], NULL, serve, NULL);
  serve(NULL);
  return 0;
}
