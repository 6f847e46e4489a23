/* witline.h — write a witline:middleware@0.1.0 stage in C. One header, no library.
 *
 * The Canonical ABI glue for wit/middleware.wit, written by hand (there is no
 * wit-bindgen here): the WIT types as C structs whose wasm32 layout IS the Canonical
 * ABI layout, the exports the host calls, their post-return functions, cabi_realloc
 * and the host capabilities as wasm imports.
 *
 * Usage (one .c file per middleware; build with scripts/builders/c.mjs, which compiles
 * freestanding for wasm32 and picks the world from the phases the module exports):
 *
 *   #define WITLINE_ON_REQUEST  on_request    // request phase:  wl_action   f(wl_request *)
 *   #define WITLINE_ON_RESPONSE on_response   // response phase: wl_response f(wl_request *, wl_response *)
 *   #define WITLINE_CONFIGURE   configure     // optional:       wl_result   f(wl_config)
 *   #include "witline.h"
 *   wl_action on_request(wl_request *req) { return wl_next(req); }
 *
 * Define at least one phase. Without WITLINE_CONFIGURE the stage accepts no settings.
 *
 * Memory: one bump arena. The host's arguments (written through cabi_realloc), the
 * stage's own allocations (wl_alloc and every helper below) and the lowered result all
 * live in it; each post-return rewinds it to the mark taken when configure returned,
 * so settings kept in globals during configure stay valid, and nothing allocated
 * during a request may be kept past the call (state that must outlive a call belongs
 * in kv). There is no libc: freestanding, no WASI imports, no start-up code to run.
 *
 * Strings are UTF-8 (ptr, len), not NUL-terminated; a stage must emit valid UTF-8
 * (inside a fused segment the host does not re-check between stages). */
#ifndef WITLINE_H
#define WITLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if !defined(WITLINE_ON_REQUEST) && !defined(WITLINE_ON_RESPONSE)
#error "witline.h: define WITLINE_ON_REQUEST and/or WITLINE_ON_RESPONSE before including it"
#endif

/* ---- The WIT types. Every struct matches the Canonical ABI layout on wasm32. ---- */

typedef struct { const char *ptr; size_t len; } wl_string;   /* string */
typedef struct { const uint8_t *ptr; size_t len; } wl_bytes; /* list<u8> */
typedef struct { wl_string name; wl_string value; } wl_header; /* tuple<string, string>: 16 bytes */
typedef struct { wl_header *ptr; size_t len; } wl_headers;    /* list<tuple<string, string>> */
typedef wl_headers wl_config;                                 /* configure's settings, same shape */

typedef struct { bool is_some; wl_bytes val; } wl_option_bytes; /* option<list<u8>>: tag @0, list @4 */

typedef struct { /* record request: 36 bytes */
  wl_string method;      /* @0 */
  wl_string uri;         /* @8 */
  wl_headers headers;    /* @16 */
  wl_option_bytes body;  /* @24 */
} wl_request;

typedef struct { /* record response: 20 bytes */
  uint16_t status;    /* @0 */
  wl_headers headers; /* @4 */
  wl_bytes body;      /* @12 */
} wl_response;

enum { WL_ACTION_NEXT = 0, WL_ACTION_RESPOND = 1 };
typedef struct { /* variant action: 40 bytes, payload @4 */
  uint8_t tag;
  union { wl_request next; wl_response respond; } val;
} wl_action;

typedef struct { bool is_err; wl_string err; } wl_result; /* result<_, string>: 12 bytes */

typedef enum { WL_DEBUG = 0, WL_INFO = 1, WL_WARN = 2, WL_ERROR = 3 } wl_level;

_Static_assert(sizeof(wl_header) == 16, "tuple<string,string> layout");
_Static_assert(sizeof(wl_request) == 36 && offsetof(wl_request, body) == 24, "request layout");
_Static_assert(sizeof(wl_response) == 20 && offsetof(wl_response, headers) == 4, "response layout");
_Static_assert(sizeof(wl_action) == 40 && offsetof(wl_action, val) == 4, "action layout");
_Static_assert(sizeof(wl_result) == 12, "result layout");

/* ---- The arena. ---- */

extern unsigned char __heap_base; /* defined by wasm-ld: the first byte past data and stack */
static uintptr_t wl__top;         /* next free byte; 0 until first use */
static uintptr_t wl__mark;        /* where post-return rewinds to */

static inline void wl__ensure_mark(void) {
  if (wl__mark == 0) wl__mark = wl__top = ((uintptr_t)&__heap_base + 15) & ~(uintptr_t)15;
}

/* Make sure linear memory reaches `end`, growing it; traps when it cannot grow. */
static inline void wl__reach(uintptr_t end) {
  size_t have = __builtin_wasm_memory_size(0) * 65536;
  if (end <= have) return;
  if (__builtin_wasm_memory_grow(0, (end - have + 65535) / 65536) == (size_t)-1) __builtin_trap();
}

/** `size` bytes aligned to 8 (the largest Canonical ABI alignment), valid until this call returns. */
static inline void *wl_alloc(size_t size) {
  wl__ensure_mark();
  uintptr_t p = (wl__top + 7) & ~(uintptr_t)7;
  wl__reach(p + size);
  wl__top = p + size;
  return (void *)p;
}

/* The Canonical ABI allocator: how the host passes arguments into this call's arena. */
__attribute__((export_name("cabi_realloc"))) void *cabi_realloc(void *old, size_t old_size, size_t align, size_t new_size) {
  (void)align; /* wl_alloc aligns to 8, enough for every witline type */
  if (old && (uintptr_t)old + old_size == wl__top) { /* the last block: resize in place */
    wl__reach((uintptr_t)old + new_size);
    wl__top = (uintptr_t)old + new_size;
    return old;
  }
  uint8_t *p = (uint8_t *)wl_alloc(new_size);
  if (old) __builtin_memcpy(p, old, old_size < new_size ? old_size : new_size);
  return p;
}

/* ---- Strings and bytes. ---- */

/** A wl_string over a NUL-terminated C string (not copied). */
static inline wl_string wl_str(const char *s) {
  size_t n = 0; /* a loop, not __builtin_strlen: without libc there is no strlen to call */
  while (s[n]) n++;
  return (wl_string){s, n};
}
static inline wl_bytes wl_bytes_of(wl_string s) { return (wl_bytes){(const uint8_t *)s.ptr, s.len}; }

static inline bool wl_str_eq(wl_string a, wl_string b) {
  if (a.len != b.len) return false;
  for (size_t i = 0; i < a.len; i++) if (a.ptr[i] != b.ptr[i]) return false;
  return true;
}

static inline char wl__lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

/** ASCII case-insensitive equality, as header names compare. */
static inline bool wl_str_eq_ci(wl_string a, wl_string b) {
  if (a.len != b.len) return false;
  for (size_t i = 0; i < a.len; i++) if (wl__lower(a.ptr[i]) != wl__lower(b.ptr[i])) return false;
  return true;
}

/** `a` followed by `b`, in the arena. */
static inline wl_string wl_concat(wl_string a, wl_string b) {
  char *p = (char *)wl_alloc(a.len + b.len);
  __builtin_memcpy(p, a.ptr, a.len);
  __builtin_memcpy(p + a.len, b.ptr, b.len);
  return (wl_string){p, a.len + b.len};
}

/** Decimal text of `v`, in the arena. */
static inline wl_string wl_i64_str(int64_t v) {
  char buf[21];
  size_t n = 0;
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do { buf[20 - n++] = (char)('0' + u % 10); u /= 10; } while (u);
  if (v < 0) buf[20 - n++] = '-';
  char *p = (char *)wl_alloc(n);
  __builtin_memcpy(p, buf + 21 - n, n);
  return (wl_string){p, n};
}

/* ---- Headers and settings. ---- */

/** Index of the first entry named `name` (ASCII case-insensitive) at or after `from`, or -1. */
static inline long wl_headers_find(wl_headers h, wl_string name, size_t from) {
  for (size_t i = from; i < h.len; i++) if (wl_str_eq_ci(h.ptr[i].name, name)) return (long)i;
  return -1;
}

/** The first value named `name`; false if there is none. */
static inline bool wl_headers_get(wl_headers h, const char *name, wl_string *value) {
  long i = wl_headers_find(h, wl_str(name), 0);
  if (i < 0) return false;
  *value = h.ptr[i].value;
  return true;
}

/** The list with `name: value` added at the end (a new list in the arena; entries are not copied). */
static inline wl_headers wl_headers_append(wl_headers h, wl_string name, wl_string value) {
  wl_header *e = (wl_header *)wl_alloc((h.len + 1) * sizeof(wl_header));
  if (h.len) __builtin_memcpy(e, h.ptr, h.len * sizeof(wl_header));
  e[h.len] = (wl_header){name, value};
  return (wl_headers){e, h.len + 1};
}

/** The list with every entry named `name` removed (a new list in the arena). */
static inline wl_headers wl_headers_remove(wl_headers h, wl_string name) {
  wl_header *e = (wl_header *)wl_alloc(h.len * sizeof(wl_header));
  size_t n = 0;
  for (size_t i = 0; i < h.len; i++) if (!wl_str_eq_ci(h.ptr[i].name, name)) e[n++] = h.ptr[i];
  return (wl_headers){e, n};
}

/** The list with `name` set to `value`: every other entry of that name removed, the new one last. */
static inline wl_headers wl_headers_set(wl_headers h, wl_string name, wl_string value) {
  return wl_headers_append(wl_headers_remove(h, name), name, value);
}

/** A setting's value by exact key; false if absent. Valid for the instance's life when read in configure. */
static inline bool wl_config_get(wl_config c, const char *key, wl_string *value) {
  wl_string k = wl_str(key);
  for (size_t i = 0; i < c.len; i++) if (wl_str_eq(c.ptr[i].name, k)) { *value = c.ptr[i].value; return true; }
  return false;
}

/* ---- Results. ---- */

static inline wl_action wl_next(const wl_request *req) { wl_action a = {WL_ACTION_NEXT, {.next = *req}}; return a; }
static inline wl_action wl_respond(wl_response resp) { wl_action a = {WL_ACTION_RESPOND, {.respond = resp}}; return a; }
static inline wl_response wl_response_text(uint16_t status, const char *body) {
  wl_response r = {status, {0, 0}, wl_bytes_of(wl_str(body))};
  return r;
}
#define WL_OK ((wl_result){false, {0, 0}})
static inline wl_result wl_error(wl_string message) { return (wl_result){true, message}; }

/* ---- Host capabilities. A component imports only the interfaces whose functions it
 * calls (unused ones are dropped at link time), and the host refuses it at load time
 * if it imports one it was not granted. ---- */

#define WL__IMPORT(iface, fn) __attribute__((import_module("witline:middleware/" iface "@0.1.0"), import_name(fn)))
WL__IMPORT("log", "log") void wl__log(int32_t level, const char *p, size_t n);
WL__IMPORT("clock", "now-ms") int64_t wl__now_ms(void);
WL__IMPORT("kv", "get") void wl__kv_get(const char *kp, size_t kl, wl_option_bytes *ret);
WL__IMPORT("kv", "set") void wl__kv_set(const char *kp, size_t kl, const uint8_t *vp, size_t vl, int64_t ttl);
WL__IMPORT("kv", "incr") int64_t wl__kv_incr(const char *kp, size_t kl, int64_t delta, int64_t ttl);
WL__IMPORT("kv", "compare-and-swap")
int32_t wl__kv_cas(const char *kp, size_t kl, int32_t has, const uint8_t *ep, size_t el, const uint8_t *vp, size_t vl, int64_t ttl);
WL__IMPORT("kv", "delete") void wl__kv_delete(const char *kp, size_t kl);
WL__IMPORT("context", "remote-address") void wl__remote_address(wl_string *ret);

static inline void wl_log(wl_level level, wl_string message) { wl__log((int32_t)level, message.ptr, message.len); }
/** Milliseconds since the Unix epoch, from the host clock (tests may inject one). */
static inline uint64_t wl_now_ms(void) { return (uint64_t)wl__now_ms(); }
/** The value under `key`; its bytes are in this call's arena. */
static inline wl_option_bytes wl_kv_get(wl_string key) {
  wl_option_bytes r;
  wl__kv_get(key.ptr, key.len, &r);
  return r;
}
/** Store `value` under `key`; `ttl_ms` 0 means no expiry. */
static inline void wl_kv_set(wl_string key, wl_bytes value, uint64_t ttl_ms) { wl__kv_set(key.ptr, key.len, value.ptr, value.len, (int64_t)ttl_ms); }
/** Atomically add `delta` to the counter under `key` (absent: 0); the new value. */
static inline int64_t wl_kv_incr(wl_string key, int64_t delta, uint64_t ttl_ms) { return wl__kv_incr(key.ptr, key.len, delta, (int64_t)ttl_ms); }
/** Replace the value if it still equals `expected` (is_some false: absent); true if replaced. */
static inline bool wl_kv_compare_and_swap(wl_string key, wl_option_bytes expected, wl_bytes value, uint64_t ttl_ms) {
  return wl__kv_cas(key.ptr, key.len, expected.is_some, expected.val.ptr, expected.val.len, value.ptr, value.len, (int64_t)ttl_ms) != 0;
}
static inline void wl_kv_delete(wl_string key) { wl__kv_delete(key.ptr, key.len); }
/** The client's address as the host's socket sees it; in this call's arena. */
static inline wl_string wl_remote_address(void) {
  wl_string r;
  wl__remote_address(&r);
  return r;
}

/* ---- The exports. Flat parameters as the Canonical ABI passes them; results through
 * a pointer into the arena; every post-return rewinds the arena. ---- */

#define WL__EXPORT(iface, fn) __attribute__((export_name("witline:middleware/" iface "@0.1.0#" fn)))
#define WL__POST(iface, fn) __attribute__((export_name("cabi_post_witline:middleware/" iface "@0.1.0#" fn)))

static inline void wl__rewind(void) { wl__top = wl__mark; }

static inline wl_request wl__lift_request(const char *mp, size_t ml, const char *up, size_t ul, wl_header *hp, size_t hl, uint32_t bt,
                                          const uint8_t *bp, size_t bl) {
  wl_request r = {{mp, ml}, {up, ul}, {hp, hl}, {bt != 0, {bt ? bp : 0, bt ? bl : 0}}};
  return r;
}

#ifdef WITLINE_CONFIGURE
wl_result WITLINE_CONFIGURE(wl_config config);
#endif

WL__EXPORT("config", "configure") wl_result *wl__export_configure(wl_header *p, size_t n) {
  wl__ensure_mark();
#ifdef WITLINE_CONFIGURE
  wl_result r = WITLINE_CONFIGURE((wl_config){p, n});
#else
  (void)p;
  wl_result r = n == 0 ? WL_OK : wl_error(wl_str("this middleware takes no settings"));
#endif
  wl__mark = wl__top; /* keep the settings (and whatever configure allocated) for the instance's life */
  wl_result *out = (wl_result *)wl_alloc(sizeof *out);
  *out = r;
  return out;
}
WL__POST("config", "configure") void wl__post_configure(void *p) { (void)p; wl__rewind(); }

#ifdef WITLINE_ON_REQUEST
wl_action WITLINE_ON_REQUEST(wl_request *req);
WL__EXPORT("request-handler", "on-request")
wl_action *wl__export_on_request(const char *mp, size_t ml, const char *up, size_t ul, wl_header *hp, size_t hl, uint32_t bt, const uint8_t *bp,
                                 size_t bl) {
  wl__ensure_mark();
  wl_request req = wl__lift_request(mp, ml, up, ul, hp, hl, bt, bp, bl);
  wl_action a = WITLINE_ON_REQUEST(&req);
  wl_action *out = (wl_action *)wl_alloc(sizeof *out);
  *out = a;
  return out;
}
WL__POST("request-handler", "on-request") void wl__post_on_request(void *p) { (void)p; wl__rewind(); }
#endif

#ifdef WITLINE_ON_RESPONSE
wl_response WITLINE_ON_RESPONSE(wl_request *req, wl_response *resp);
WL__EXPORT("response-handler", "on-response")
wl_response *wl__export_on_response(const char *mp, size_t ml, const char *up, size_t ul, wl_header *hp, size_t hl, uint32_t bt, const uint8_t *bp,
                                    size_t bl, uint32_t st, wl_header *rhp, size_t rhl, const uint8_t *rbp, size_t rbl) {
  wl__ensure_mark();
  wl_request req = wl__lift_request(mp, ml, up, ul, hp, hl, bt, bp, bl);
  wl_response resp = {(uint16_t)st, {rhp, rhl}, {rbp, rbl}};
  wl_response r = WITLINE_ON_RESPONSE(&req, &resp);
  wl_response *out = (wl_response *)wl_alloc(sizeof *out);
  *out = r;
  return out;
}
WL__POST("response-handler", "on-response") void wl__post_on_response(void *p) { (void)p; wl__rewind(); }
#endif

#endif /* WITLINE_H */
