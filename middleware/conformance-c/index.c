/* conformance-c: the conformance guest in C on the project's SDK (middleware/sdk-c/witline.h),
 * test/conformance/: passes the request on with `x-echo-trail: c` appended, and appends
 * `x-echo: c` to the response, as middleware/echo does in pass mode. */
#define WITLINE_ON_REQUEST on_request
#define WITLINE_ON_RESPONSE on_response
#include "witline.h"

wl_action on_request(wl_request *req) {
  req->headers = wl_headers_append(req->headers, wl_str("x-echo-trail"), wl_str("c"));
  return wl_next(req);
}

wl_response on_response(wl_request *req, wl_response *resp) {
  (void)req;
  resp->headers = wl_headers_append(resp->headers, wl_str("x-echo"), wl_str("c"));
  return *resp;
}
