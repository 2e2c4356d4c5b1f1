/*
 * The capture thread: non-blocking pcap_dispatch into a batch slot, poll() on the pcap fd and a wake
 * pipe when the kernel has nothing ready. A slot goes to JavaScript when it is nearly full, when the
 * kernel ring ran empty, or when flush_ms passed since its first packet. While JavaScript holds
 * every slot the thread waits and the kernel ring (pcap_set_buffer_size) absorbs the burst; its
 * overflow shows up as ps_drop, never as a silent loss here.
 *
 * Why not blocking pcap_dispatch: with TPACKET_V3 (and in immediate mode) libpcap 1.10 polls with
 * no timeout and relies on the kernel's block-retire timer, so an idle link never returns control
 * and a partly filled slot would wait for the next packet (measured: the last 4,000 packets of a
 * burst stayed in the slot until stop()). Our own poll() timeout bounds that wait.
 *
 * Stopping: the main thread sets `stopping` and writes to the wake pipe. The thread then drains
 * what the kernel already holds (bounded, so a continuing flood cannot keep it busy forever),
 * flushes, queues the END item after every batch, and releases the threadsafe function so the
 * event loop may exit.
 */
#include "capture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

/* Flush a slot once fewer than this many full-size records still fit. */
#define MIN_RECORDS_LEFT 64

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes) {
  cap_handle *c = (cap_handle *)user;
  uint32_t caplen = h->caplen > c->snaplen ? c->snaplen : h->caplen;
  uint32_t rec = CAP_RECORD_HEADER + ((caplen + 3u) & ~3u);
  if (c->fill_used + rec > c->fill_cap) return; /* cannot happen: dispatch count is bounded by room */
  uint8_t *p = c->fill + c->fill_used;
  uint32_t hdr[4];
  hdr[0] = (uint32_t)h->ts.tv_sec;
  /* With PCAP_TSTAMP_PRECISION_NANO libpcap puts nanoseconds in tv_usec. */
  hdr[1] = c->nano ? (uint32_t)h->ts.tv_usec : (uint32_t)h->ts.tv_usec * 1000u;
  hdr[2] = caplen;
  hdr[3] = h->len;
  memcpy(p, hdr, sizeof hdr);
  memcpy(p + CAP_RECORD_HEADER, bytes, caplen);
  if (rec > CAP_RECORD_HEADER + caplen) memset(p + CAP_RECORD_HEADER + caplen, 0, rec - CAP_RECORD_HEADER - caplen);
  c->fill_used += rec;
  c->fill_count++;
}

void cap_refresh_stats(cap_handle *c) {
  struct pcap_stat st;
  if (pcap_stats(c->pcap, &st) != 0) return;
  pthread_mutex_lock(&c->lock);
  c->stats = st;
  pthread_mutex_unlock(&c->lock);
}

/* Waits for a free slot; returns -1 when stopping and `wait` is 0 or no slot comes back. */
static int acquire_slot(cap_handle *c, int wait) {
  pthread_mutex_lock(&c->lock);
  for (;;) {
    for (int i = 0; i < c->nslots; i++) {
      if (c->slot_free[i]) {
        c->slot_free[i] = 0;
        pthread_mutex_unlock(&c->lock);
        return i;
      }
    }
    if (!wait) break;
    pthread_cond_wait(&c->cond, &c->lock);
  }
  pthread_mutex_unlock(&c->lock);
  return -1;
}

void cap_release_slot(cap_handle *c, int slot) {
  pthread_mutex_lock(&c->lock);
  c->slot_free[slot] = 1;
  pthread_cond_signal(&c->cond);
  pthread_mutex_unlock(&c->lock);
}

static int is_stopping(cap_handle *c) {
  pthread_mutex_lock(&c->lock);
  int s = c->stopping;
  pthread_mutex_unlock(&c->lock);
  return s;
}

static void send_item(cap_handle *c, int kind, int slot, const char *message) {
  cap_item *it = calloc(1, sizeof *it);
  if (it == NULL) abort();
  it->kind = kind;
  it->slot = slot;
  it->count = c->fill_count;
  it->used = c->fill_used;
  if (message != NULL) snprintf(it->message, sizeof it->message, "%s", message);
  napi_call_threadsafe_function(c->tsfn, it, napi_tsfn_blocking);
}

void *cap_thread_main(void *arg) {
  cap_handle *c = (cap_handle *)arg;
  int slot = -1;
  int draining = 0;
  uint64_t drain_left = 0;
  uint64_t first_ns = 0, stats_ns = 0;
  char errbuf[PCAP_ERRBUF_SIZE];
  if (pcap_setnonblock(c->pcap, 1, errbuf) != 0) {
    send_item(c, CAP_ITEM_ERROR, -1, errbuf);
    send_item(c, CAP_ITEM_END, -1, NULL);
    napi_release_threadsafe_function(c->tsfn, napi_tsfn_release);
    return NULL;
  }

  for (;;) {
    if (slot < 0) {
      /* Draining with the main thread busy elsewhere is fine: it is never blocked on us. */
      slot = acquire_slot(c, 1);
      if (slot < 0) break;
      c->fill = c->slot_data[slot];
      c->fill_cap = c->slot_size;
      c->fill_used = 0;
      c->fill_count = 0;
    }
    if (!draining && is_stopping(c)) {
      draining = 1;
      /* At most what the kernel ring can hold at the smallest frame size. */
      drain_left = 1 + (uint64_t)c->slot_size * (uint64_t)c->nslots / CAP_RECORD_HEADER;
    }
    int room = (int)((c->fill_cap - c->fill_used) / c->max_record);
    if (draining && (uint64_t)room > drain_left) room = (int)drain_left;
    uint32_t before = c->fill_count;
    int n = room > 0 ? pcap_dispatch(c->pcap, room, on_packet, (u_char *)c) : 0;
    uint64_t t = now_ns();
    if (c->fill_count > 0 && before == 0) first_ns = t;
    if (t - stats_ns >= 50000000u) {
      cap_refresh_stats(c);
      stats_ns = t;
    }
    if (n == PCAP_ERROR_BREAK) continue;
    if (n < 0) {
      send_item(c, CAP_ITEM_ERROR, -1, pcap_geterr(c->pcap));
      break;
    }
    if (draining) {
      drain_left -= (uint64_t)(c->fill_count - before);
      if (n == 0 || drain_left == 0) break;
    }
    int left = (int)((c->fill_cap - c->fill_used) / c->max_record);
    int ring_empty = n == 0;
    int aged = c->fill_count > 0 && t - first_ns >= (uint64_t)c->flush_ms * 1000000u;
    if (c->fill_count > 0 && (left < MIN_RECORDS_LEFT || ring_empty || aged)) {
      send_item(c, CAP_ITEM_BATCH, slot, NULL);
      slot = -1;
    }
    if (ring_empty) {
      struct pollfd fds[2] = {{pcap_get_selectable_fd(c->pcap), POLLIN, 0}, {c->wake_fds[0], POLLIN, 0}};
      poll(fds, 2, c->timeout_ms);
    }
  }
  if (slot >= 0) {
    if (c->fill_count > 0) send_item(c, CAP_ITEM_BATCH, slot, NULL);
    else cap_release_slot(c, slot);
  }
  cap_refresh_stats(c);
  c->fill_count = 0;
  c->fill_used = 0;
  send_item(c, CAP_ITEM_END, -1, NULL);
  napi_release_threadsafe_function(c->tsfn, napi_tsfn_release);
  return NULL;
}
