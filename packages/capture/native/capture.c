/*
 * N-API surface (node_api.h only). JavaScript sees:
 *   open(iface, { snaplen, filter, bufferSize, timeoutMs, immediate, promisc, nano, flushMs })
 *       -> handle; throws Error with .kind in
 *          'permission' | 'no_such_device' | 'iface_not_up' | 'bad_filter' | 'other'
 *   info(handle)   -> { linkType, nano, snaplen, warning }
 *   start(handle, slots: Buffer[], cb)   cb(kind, slot, count, used, message)
 *   stop(handle)   asks the thread to drain and end; the END item follows every batch
 *   stats(handle)  -> { received, dropped, ifDropped }  (the capture thread's latest snapshot)
 *   dropPrivileges(user) -> { uid, gid }   (privileges.c)
 *   libVersion()   -> pcap_lib_version()
 */
#include "capture.h"

#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define CHECK(call)                                                                  \
  do {                                                                               \
    if ((call) != napi_ok) {                                                         \
      napi_throw_error(env, NULL, "tcplens_capture: N-API call failed: " #call);     \
      return NULL;                                                                   \
    }                                                                                \
  } while (0)

static napi_value throw_kind(napi_env env, const char *kind, int status, const char *message) {
  napi_value msg, err, k, s;
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, NULL, msg, &err);
  napi_create_string_utf8(env, kind, NAPI_AUTO_LENGTH, &k);
  napi_set_named_property(env, err, "kind", k);
  napi_create_int32(env, status, &s);
  napi_set_named_property(env, err, "pcapStatus", s);
  napi_throw(env, err);
  return NULL;
}

static int32_t get_int(napi_env env, napi_value obj, const char *name, int32_t dflt) {
  napi_value v;
  napi_valuetype t;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok) return dflt;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number) return dflt;
  int32_t out = dflt;
  napi_get_value_int32(env, v, &out);
  return out;
}

static int get_bool(napi_env env, napi_value obj, const char *name, int dflt) {
  napi_value v;
  napi_valuetype t;
  bool out = dflt;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok) return dflt;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_boolean) return dflt;
  napi_get_value_bool(env, v, &out);
  return out;
}

static void close_pcap(cap_handle *c) {
  if (!c->closed && c->pcap != NULL) {
    pcap_close(c->pcap);
    close(c->wake_fds[0]);
    close(c->wake_fds[1]);
  }
  c->closed = 1;
  c->pcap = NULL;
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  cap_handle *c = data;
  if (c->thread_started) {
    /* Only reachable if JS dropped a running capture; the tsfn keeps the handle alive then. */
    return;
  }
  close_pcap(c);
  pthread_mutex_destroy(&c->lock);
  pthread_cond_destroy(&c->cond);
  free(c);
}

static cap_handle *get_handle(napi_env env, napi_value v) {
  void *data = NULL;
  if (napi_get_value_external(env, v, &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, NULL, "tcplens_capture: not a capture handle");
    return NULL;
  }
  return data;
}

static napi_value open_capture(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char iface[256], filter[4096];
  size_t len;
  if (napi_get_value_string_utf8(env, argv[0], iface, sizeof iface, &len) != napi_ok)
    return throw_kind(env, "other", 0, "interface must be a string");
  napi_value fv;
  CHECK(napi_get_named_property(env, argv[1], "filter", &fv));
  if (napi_get_value_string_utf8(env, fv, filter, sizeof filter, &len) != napi_ok)
    return throw_kind(env, "other", 0, "filter must be a string");

  int snaplen = get_int(env, argv[1], "snaplen", 128);
  int buffer_size = get_int(env, argv[1], "bufferSize", 32 << 20);
  int timeout_ms = get_int(env, argv[1], "timeoutMs", 100);
  int immediate = get_bool(env, argv[1], "immediate", 0);
  int promisc = get_bool(env, argv[1], "promisc", 0);
  int want_nano = get_bool(env, argv[1], "nano", 1);
  int flush_ms = get_int(env, argv[1], "flushMs", 100);

  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_t *p = pcap_create(iface, errbuf);
  if (p == NULL) return throw_kind(env, "other", PCAP_ERROR, errbuf);
  pcap_set_snaplen(p, snaplen);
  pcap_set_promisc(p, promisc);
  pcap_set_timeout(p, timeout_ms);
  pcap_set_buffer_size(p, buffer_size);
  pcap_set_immediate_mode(p, immediate);
  if (want_nano) pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO); /* fails -> stays micro */

  int rc = pcap_activate(p);
  if (rc < 0) {
    char msg[PCAP_ERRBUF_SIZE + 128];
    const char *detail = pcap_geterr(p);
    const char *status = pcap_statustostr(rc);
    int same = detail[0] == '\0' || strcmp(detail, status) == 0;
    snprintf(msg, sizeof msg, "%s: %s%s%s", iface, status, same ? "" : ": ", same ? "" : detail);
    const char *kind = rc == PCAP_ERROR_PERM_DENIED || rc == PCAP_ERROR_PROMISC_PERM_DENIED ? "permission"
                       : rc == PCAP_ERROR_NO_SUCH_DEVICE                                  ? "no_such_device"
                       : rc == PCAP_ERROR_IFACE_NOT_UP                                    ? "iface_not_up"
                                                                                          : "other";
    pcap_close(p);
    return throw_kind(env, kind, rc, msg);
  }
  char warning[PCAP_ERRBUF_SIZE + 64] = "";
  if (rc > 0) snprintf(warning, sizeof warning, "%s: %s", pcap_statustostr(rc), pcap_geterr(p));

  struct bpf_program prog;
  if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
    char msg[PCAP_ERRBUF_SIZE + 4200];
    snprintf(msg, sizeof msg, "filter \"%s\": %s", filter, pcap_geterr(p));
    pcap_close(p);
    return throw_kind(env, "bad_filter", PCAP_ERROR, msg);
  }
  rc = pcap_setfilter(p, &prog);
  pcap_freecode(&prog);
  if (rc != 0) {
    char msg[PCAP_ERRBUF_SIZE + 64];
    snprintf(msg, sizeof msg, "setting the filter: %s", pcap_geterr(p));
    pcap_close(p);
    return throw_kind(env, "other", rc, msg);
  }

  cap_handle *c = calloc(1, sizeof *c);
  if (c == NULL) {
    pcap_close(p);
    return throw_kind(env, "other", 0, "out of memory");
  }
  if (pipe(c->wake_fds) != 0) {
    free(c);
    pcap_close(p);
    return throw_kind(env, "other", 0, "cannot create the wake pipe");
  }
  fcntl(c->wake_fds[1], F_SETFL, O_NONBLOCK);
  c->pcap = p;
  c->link_type = pcap_datalink(p);
  c->nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
  c->snaplen = (uint32_t)pcap_snapshot(p);
  c->max_record = CAP_RECORD_HEADER + ((c->snaplen + 3u) & ~3u);
  c->flush_ms = flush_ms > 0 ? flush_ms : 100;
  c->timeout_ms = timeout_ms > 0 ? timeout_ms : 100;
  pthread_mutex_init(&c->lock, NULL);
  pthread_cond_init(&c->cond, NULL);

  memcpy(c->warning, warning, sizeof c->warning);
  napi_value handle;
  CHECK(napi_create_external(env, c, finalize_handle, NULL, &handle));
  return handle;
}

static napi_value info_capture(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out, v;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  cap_handle *c = get_handle(env, argv[0]);
  if (c == NULL) return NULL;
  CHECK(napi_create_object(env, &out));
  CHECK(napi_create_int32(env, c->link_type, &v));
  CHECK(napi_set_named_property(env, out, "linkType", v));
  CHECK(napi_get_boolean(env, c->nano, &v));
  CHECK(napi_set_named_property(env, out, "nano", v));
  CHECK(napi_create_uint32(env, c->snaplen, &v));
  CHECK(napi_set_named_property(env, out, "snaplen", v));
  CHECK(napi_create_uint32(env, c->max_record, &v));
  CHECK(napi_set_named_property(env, out, "maxRecord", v));
  CHECK(napi_create_string_utf8(env, c->warning, NAPI_AUTO_LENGTH, &v));
  CHECK(napi_set_named_property(env, out, "warning", v));
  return out;
}

/* Runs on the main thread for every item the capture thread queued. */
static void call_js(napi_env env, napi_value cb, void *context, void *data) {
  cap_handle *c = context;
  cap_item *it = data;
  if (env != NULL && cb != NULL) {
    napi_value argv[5], undef;
    napi_get_undefined(env, &undef);
    napi_create_int32(env, it->kind, &argv[0]);
    napi_create_int32(env, it->slot, &argv[1]);
    napi_create_uint32(env, it->count, &argv[2]);
    napi_create_uint32(env, it->used, &argv[3]);
    napi_create_string_utf8(env, it->message, NAPI_AUTO_LENGTH, &argv[4]);
    if (it->kind == CAP_ITEM_END) {
      /* The thread queued END last and is about to return: join it, then close the handle. */
      pthread_join(c->thread, NULL);
      c->thread_started = 0;
      close_pcap(c);
      for (int i = 0; i < c->nslots; i++) napi_delete_reference(env, c->slot_refs[i]);
      c->nslots = 0;
    }
    if (napi_call_function(env, undef, cb, 5, argv, NULL) == napi_pending_exception) {
      /* Node would swallow it here (DEP0168) unless run with a flag: make it uncaught. */
      napi_value exc;
      napi_get_and_clear_last_exception(env, &exc);
      napi_fatal_exception(env, exc);
    }
  }
  if (it->kind == CAP_ITEM_BATCH) cap_release_slot(c, it->slot);
  free(it);
}

static napi_value start_capture(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  cap_handle *c = get_handle(env, argv[0]);
  if (c == NULL) return NULL;
  if (c->closed || c->thread_started) return throw_kind(env, "other", 0, "capture already started or closed");
  uint32_t n;
  CHECK(napi_get_array_length(env, argv[1], &n));
  if (n < 2 || n > CAP_MAX_SLOTS) return throw_kind(env, "other", 0, "need 2..16 batch slots");
  for (uint32_t i = 0; i < n; i++) {
    napi_value b;
    void *data;
    size_t blen;
    CHECK(napi_get_element(env, argv[1], i, &b));
    if (napi_get_buffer_info(env, b, &data, &blen) != napi_ok) return throw_kind(env, "other", 0, "slots must be Buffers");
    if (i == 0) c->slot_size = (uint32_t)blen;
    if (blen != c->slot_size || blen < (size_t)c->max_record * 128)
      return throw_kind(env, "other", 0, "slots must be equal Buffers of at least 128 records");
    c->slot_data[i] = data;
    c->slot_free[i] = 1;
    CHECK(napi_create_reference(env, b, 1, &c->slot_refs[i]));
  }
  c->nslots = (int)n;
  napi_value name;
  CHECK(napi_create_string_utf8(env, "tcplens_capture", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_threadsafe_function(env, argv[2], NULL, name, 0, 1, NULL, NULL, c, call_js, &c->tsfn));
  if (pthread_create(&c->thread, NULL, cap_thread_main, c) != 0) {
    napi_release_threadsafe_function(c->tsfn, napi_tsfn_abort);
    return throw_kind(env, "other", 0, "cannot start the capture thread");
  }
  c->thread_started = 1;
  return NULL;
}

static napi_value stop_capture(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  cap_handle *c = get_handle(env, argv[0]);
  if (c == NULL) return NULL;
  if (c->thread_started) {
    pthread_mutex_lock(&c->lock);
    int already = c->stopping;
    c->stopping = 1;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->lock);
    if (!already && write(c->wake_fds[1], "x", 1) < 0) pcap_breakloop(c->pcap);
  } else {
    close_pcap(c); /* opened but never started */
  }
  return NULL;
}

static napi_value stats_capture(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out, v;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  cap_handle *c = get_handle(env, argv[0]);
  if (c == NULL) return NULL;
  /* Before start there is no thread to race with: read directly. */
  if (!c->thread_started && !c->closed) cap_refresh_stats(c);
  pthread_mutex_lock(&c->lock);
  struct pcap_stat st = c->stats;
  pthread_mutex_unlock(&c->lock);
  CHECK(napi_create_object(env, &out));
  CHECK(napi_create_double(env, st.ps_recv, &v));
  CHECK(napi_set_named_property(env, out, "received", v));
  CHECK(napi_create_double(env, st.ps_drop, &v));
  CHECK(napi_set_named_property(env, out, "dropped", v));
  CHECK(napi_create_double(env, st.ps_ifdrop, &v));
  CHECK(napi_set_named_property(env, out, "ifDropped", v));
  return out;
}

napi_value cap_drop_privileges(napi_env env, napi_callback_info info); /* privileges.c */

static napi_value lib_version(napi_env env, napi_callback_info info) {
  napi_value v;
  CHECK(napi_create_string_utf8(env, pcap_lib_version(), NAPI_AUTO_LENGTH, &v));
  return v;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"open", NULL, open_capture, NULL, NULL, NULL, napi_enumerable, NULL},
      {"info", NULL, info_capture, NULL, NULL, NULL, napi_enumerable, NULL},
      {"start", NULL, start_capture, NULL, NULL, NULL, napi_enumerable, NULL},
      {"stop", NULL, stop_capture, NULL, NULL, NULL, napi_enumerable, NULL},
      {"stats", NULL, stats_capture, NULL, NULL, NULL, napi_enumerable, NULL},
      {"dropPrivileges", NULL, cap_drop_privileges, NULL, NULL, NULL, napi_enumerable, NULL},
      {"libVersion", NULL, lib_version, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
