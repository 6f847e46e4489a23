/* host-calls-c: a test guest calling every host capability through middleware/sdk-c/witline.h
 * (kv get/set/compare-and-swap/delete/incr, clock, log) and answering 299 with what each
 * returned as headers, the request body as the body: checks every import signature. */
#define WITLINE_ON_REQUEST on_request
#include "witline.h"
wl_action on_request(wl_request *req) {
  wl_string k = wl_str("host-calls:v");
  wl_option_bytes before = wl_kv_get(k);
  wl_kv_set(k, wl_bytes_of(wl_str("one")), 0);
  wl_option_bytes mid = wl_kv_get(k);
  bool cas_bad = wl_kv_compare_and_swap(k, (wl_option_bytes){true, wl_bytes_of(wl_str("nope"))}, wl_bytes_of(wl_str("x")), 0);
  bool cas_ok = wl_kv_compare_and_swap(k, mid, wl_bytes_of(wl_str("two")), 1000);
  wl_option_bytes after = wl_kv_get(k);
  wl_kv_delete(k);
  wl_option_bytes gone = wl_kv_get(k);
  bool cas_absent = wl_kv_compare_and_swap(k, (wl_option_bytes){false, {0, 0}}, wl_bytes_of(wl_str("three")), 0);
  int64_t n = wl_kv_incr(wl_str("host-calls:n"), -5, 0);
  uint64_t now = wl_now_ms();
  wl_log(WL_WARN, wl_str("host-calls-c: hello from C ünï"));
  wl_headers h = {0, 0};
  h = wl_headers_append(h, wl_str("before"), before.is_some ? wl_str("some") : wl_str("none"));
  h = wl_headers_append(h, wl_str("mid"), (wl_string){(const char *)mid.val.ptr, mid.val.len});
  h = wl_headers_append(h, wl_str("cas-bad"), cas_bad ? wl_str("1") : wl_str("0"));
  h = wl_headers_append(h, wl_str("cas-ok"), cas_ok ? wl_str("1") : wl_str("0"));
  h = wl_headers_append(h, wl_str("after"), (wl_string){(const char *)after.val.ptr, after.val.len});
  h = wl_headers_append(h, wl_str("gone"), gone.is_some ? wl_str("some") : wl_str("none"));
  h = wl_headers_append(h, wl_str("cas-absent"), cas_absent ? wl_str("1") : wl_str("0"));
  h = wl_headers_append(h, wl_str("n"), wl_i64_str(n));
  h = wl_headers_append(h, wl_str("now"), wl_i64_str((int64_t)now));
  h = wl_headers_append(h, wl_str("method"), req->method);
  h = wl_headers_append(h, wl_str("body-len"), wl_i64_str(req->body.is_some ? (int64_t)req->body.val.len : -1));
  return wl_respond((wl_response){299, h, req->body.val});
}
