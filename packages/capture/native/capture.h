/*
 * Shared state of one live capture: the libpcap handle, the batch slots the capture thread fills,
 * and the threadsafe function that hands a full slot to JavaScript.
 *
 * Batch layout (host byte order, little-endian on every platform we build for), one record per
 * packet, records back to back:
 *   ts_sec u32 | ts_nsec u32 | caplen u32 | origlen u32 | caplen bytes, zero-padded to 4
 */
#ifndef TCPLENS_CAPTURE_H
#define TCPLENS_CAPTURE_H

#include <node_api.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdint.h>

#define CAP_MAX_SLOTS 16
#define CAP_RECORD_HEADER 16

/* What the thread hands to the main thread. */
enum cap_item_kind { CAP_ITEM_BATCH = 0, CAP_ITEM_ERROR = 1, CAP_ITEM_END = 2 };

typedef struct cap_item {
  int kind;
  int slot;
  uint32_t count;
  uint32_t used;
  char message[PCAP_ERRBUF_SIZE + 64];
} cap_item;

typedef struct cap_handle {
  pcap_t *pcap;
  int link_type;
  int nano;
  uint32_t snaplen;
  uint32_t max_record; /* header + snaplen rounded up to 4 */
  int flush_ms;
  int timeout_ms; /* longest poll() while the kernel ring is empty */

  int nslots;
  uint8_t *slot_data[CAP_MAX_SLOTS];
  uint32_t slot_size;
  napi_ref slot_refs[CAP_MAX_SLOTS];
  int slot_free[CAP_MAX_SLOTS];

  /* Fill state: written by the capture thread only. */
  uint8_t *fill;
  uint32_t fill_used;
  uint32_t fill_cap;
  uint32_t fill_count;

  pthread_t thread;
  int thread_started;
  pthread_mutex_t lock; /* guards slot_free, stopping, stats */
  pthread_cond_t cond;
  int stopping;
  int wake_fds[2]; /* pipe: stop() writes, the capture thread polls it beside the pcap fd */
  napi_threadsafe_function tsfn;

  /* Last pcap_stats snapshot, refreshed by the capture thread (pcap_stats is not called from the
   * main thread while the capture thread may be inside pcap_dispatch on the same handle). */
  struct pcap_stat stats;
  int closed;
  char warning[PCAP_ERRBUF_SIZE + 64]; /* pcap_activate warning, empty if none */
} cap_handle;

/* capture-thread.c */
void *cap_thread_main(void *arg);
void cap_release_slot(cap_handle *c, int slot);
void cap_refresh_stats(cap_handle *c);

#endif
