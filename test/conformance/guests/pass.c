/* The conformance guest in C on wasi-libc, built as a reactor: passes the request on with
 * `x-echo-trail: c` appended, and appends `x-echo: c` to the response, as middleware/echo
 * does in pass mode. The tag is set by a C constructor, which runs only when the host
 * runs the reactor's `_initialize` (wit-component calls it from a second core module's
 * start function): without it, the headers say `unset`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct { const char *ptr; size_t len; } str;
typedef struct { str name, value; } header;

static const char *tag = "unset";
/* Allocates, so the compiler cannot evaluate the constructor at build time. */
__attribute__((constructor)) static void set_tag(void) {
  char *t = malloc(2);
  t[0] = 'c', t[1] = 0;
  tag = t;
}

/* The return area: an action (40 bytes) or a response (20 bytes), 4-aligned. */
static uint32_t ret[10];

static header *appended(const header *h, size_t n, const char *name) {
  header *out = malloc((n + 1) * sizeof(header));
  if (n) memcpy(out, h, n * sizeof(header));
  out[n].name = (str){name, strlen(name)};
  out[n].value = (str){tag, strlen(tag)};
  return out;
}

__attribute__((export_name("cabi_realloc"))) void *cabi_realloc(void *p, size_t old, size_t align, size_t size) {
  (void)old;
  (void)align;
  return realloc(p, size ? size : 1);
}

__attribute__((export_name("witline:middleware/config@0.1.0#configure"))) uint32_t *configure(void *p, size_t n) {
  (void)p;
  ret[0] = 0; /* ok (settings are ignored: the model passes none) */
  (void)n;
  return ret;
}

__attribute__((export_name("witline:middleware/request-handler@0.1.0#on-request"))) uint32_t *
on_request(const char *mp, size_t ml, const char *up, size_t ul, header *hp, size_t hl, uint32_t bt, uint8_t *bp, size_t bl) {
  ret[0] = 0; /* next(request): tag 0, the request from offset 4 */
  ret[1] = (uint32_t)mp, ret[2] = ml, ret[3] = (uint32_t)up, ret[4] = ul;
  ret[5] = (uint32_t)appended(hp, hl, "x-echo-trail"), ret[6] = hl + 1;
  ret[7] = bt, ret[8] = (uint32_t)bp, ret[9] = bl;
  return ret;
}

__attribute__((export_name("witline:middleware/response-handler@0.1.0#on-response"))) uint32_t *
on_response(const char *mp, size_t ml, const char *up, size_t ul, header *hp, size_t hl, uint32_t bt, uint8_t *bp, size_t bl, uint32_t st,
            header *rhp, size_t rhl, uint8_t *rbp, size_t rbl) {
  (void)mp, (void)ml, (void)up, (void)ul, (void)hp, (void)hl, (void)bt, (void)bp, (void)bl;
  ret[0] = st;
  ret[1] = (uint32_t)appended(rhp, rhl, "x-echo"), ret[2] = rhl + 1;
  ret[3] = (uint32_t)rbp, ret[4] = rbl;
  return ret;
}
