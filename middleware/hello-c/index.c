/* hello-c: the C example stage (middleware/sdk-c/witline.h).
 *   request phase:  passes the request on with `x-client-address: <context.remote-address>`;
 *                   a request to `/hello-c/count` is answered here, with the number of such
 *                   requests so far from the shared kv counter `hello-c:count`;
 *   response phase: sets `x-hello: <greeting>` (setting `greeting`, default "c").
 * Built by `npm run build:middleware` into build/middleware/hello-c.wasm. */
#define WITLINE_CONFIGURE configure
#define WITLINE_ON_REQUEST on_request
#define WITLINE_ON_RESPONSE on_response
#include "witline.h"

/* Settings live in the arena below the mark that configure leaves: valid for the instance's life. */
static wl_string greeting = {"c", 1};

wl_result configure(wl_config config) {
  for (size_t i = 0; i < config.len; i++) {
    wl_header s = config.ptr[i];
    if (wl_str_eq(s.name, wl_str("greeting"))) greeting = s.value;
    else return wl_error(wl_concat(wl_str("hello-c: unknown setting "), s.name));
  }
  return WL_OK;
}

wl_action on_request(wl_request *req) {
  if (wl_str_eq(req->uri, wl_str("/hello-c/count"))) {
    int64_t n = wl_kv_incr(wl_str("hello-c:count"), 1, 0);
    wl_response r = {200, {0, 0}, wl_bytes_of(wl_i64_str(n))};
    r.headers = wl_headers_append(r.headers, wl_str("content-type"), wl_str("text/plain"));
    return wl_respond(r);
  }
  req->headers = wl_headers_set(req->headers, wl_str("x-client-address"), wl_remote_address());
  return wl_next(req);
}

wl_response on_response(wl_request *req, wl_response *resp) {
  (void)req;
  resp->headers = wl_headers_set(resp->headers, wl_str("x-hello"), greeting);
  return *resp;
}
