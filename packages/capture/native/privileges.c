/*
 * dropPrivileges(user) -> { uid, gid }: after pcap_activate the capture socket stays usable, so a
 * sensor opens every interface as root and then becomes `user` for good. Order matters: groups
 * first (setgroups/initgroups need root), then the gid, the uid last; then prove that uid 0 cannot
 * be regained. Throws Error with .kind 'no_such_user' | 'other'. The caller checks for root first.
 */
#include <errno.h>
#include <grp.h>
#include <node_api.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static napi_value fail(napi_env env, const char *kind, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s%s%s", what, err ? ": " : "", err ? strerror(err) : "");
  napi_value m, e, k;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m);
  napi_create_error(env, NULL, m, &e);
  napi_create_string_utf8(env, kind, NAPI_AUTO_LENGTH, &k);
  napi_set_named_property(env, e, "kind", k);
  napi_throw(env, e);
  return NULL;
}

napi_value cap_drop_privileges(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char user[256];
  size_t len;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok ||
      napi_get_value_string_utf8(env, argv[0], user, sizeof user, &len) != napi_ok)
    return fail(env, "other", "user must be a string", 0);
  errno = 0;
  struct passwd *pw = getpwnam(user);
  if (pw == NULL) return fail(env, "no_such_user", "no such user", errno);
  uid_t uid = pw->pw_uid;
  gid_t gid = pw->pw_gid;
  if (initgroups(user, gid) != 0) return fail(env, "other", "initgroups", errno);
  if (setgid(gid) != 0) return fail(env, "other", "setgid", errno);
  if (setuid(uid) != 0) return fail(env, "other", "setuid", errno);
  if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) return fail(env, "other", "uid 0 could be regained after setuid", 0);
  napi_value out, v;
  napi_create_object(env, &out);
  napi_create_uint32(env, (uint32_t)getuid(), &v);
  napi_set_named_property(env, out, "uid", v);
  napi_create_uint32(env, (uint32_t)getgid(), &v);
  napi_set_named_property(env, out, "gid", v);
  return out;
}
