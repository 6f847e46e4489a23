// The main-thread deadline for guest calls: one watchdog thread per JS thread that calls
// V8's TerminateExecution when a guarded call runs past the deadline JS wrote, and a
// native frame (run) between JS and the guest where the termination is turned back into an
// ordinary exception. Guests pay nothing: V8 already checks for interrupts at every Wasm
// loop header and function entry (that is how Worker.terminate() stops a looping worker).
//
// Only Node-API is used, plus four non-inline V8 member functions declared by hand: their
// mangled names (and calling convention: `this` first) have been the same for a decade, and
// node exports them, so one build serves every Node version this package supports (checked
// by test/sandbox/watchdog-loaded.test.ts on Node 20 and 26) without V8's headers, whose
// inline parts change between versions.
#include <node_api.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <thread>

namespace v8 {
class Isolate {
 public:
  static Isolate* GetCurrent();
  void TerminateExecution();
  void CancelTerminateExecution();
};
}  // namespace v8

namespace {

using Clock = std::chrono::steady_clock;

struct Watchdog {
  v8::Isolate* isolate = nullptr;
  napi_ref slots_buffer = nullptr;  // keeps the ArrayBuffer `slots` points into alive
  // Written by JS: [0] the deadline, ms on performance.now()'s clock; [1] host calls in progress.
  const double* slots = nullptr;
  double origin_ms = 0;                // performance.now() at Clock's epoch
  napi_ref error_class = nullptr;      // what a terminated call throws
  std::chrono::microseconds tick{2000};

  std::mutex m;
  std::condition_variable cv;
  std::thread thread;
  int depth = 0;        // guarded calls on the JS thread's stack
  bool parked = false;  // the thread waits for a call (no timed wake-ups while idle)
  bool fired = false;   // TerminateExecution was called for the current outermost run
  bool stop = false;
  uint64_t terminations = 0;

  double now_ms() const {
    return origin_ms + std::chrono::duration<double, std::milli>(Clock::now().time_since_epoch()).count();
  }

  double read(int slot) const {
    // JS stores each double with one aligned 8-byte write; read it as one.
    uint64_t bits = __atomic_load_n(reinterpret_cast<const uint64_t*>(slots + slot), __ATOMIC_RELAXED);
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }

  void loop() {
    std::unique_lock<std::mutex> lock(m);
    while (!stop) {
      if (depth == 0) {
        parked = true;
        cv.wait(lock, [this] { return stop || depth > 0; });
        parked = false;
        continue;
      }
      cv.wait_for(lock, tick);
      // Under the lock: a run that has returned cannot be terminated (it takes the lock to
      // leave). Not inside a host call: the next tick after it returns.
      if (!stop && depth > 0 && !fired && read(1) == 0 && now_ms() > read(0)) {
        fired = true;
        terminations++;
        isolate->TerminateExecution();
      }
    }
  }
};

void cleanup(void* data) {
  auto* w = static_cast<Watchdog*>(data);
  {
    std::lock_guard<std::mutex> lock(w->m);
    w->stop = true;
  }
  w->cv.notify_one();
  if (w->thread.joinable()) w->thread.join();
}

void finalize(napi_env, void* data, void*) { delete static_cast<Watchdog*>(data); }

Watchdog* watchdog_of(napi_env env) {
  void* data = nullptr;
  napi_get_instance_data(env, &data);
  return static_cast<Watchdog*>(data);
}

napi_value throw_type_error(napi_env env, const char* message) {
  napi_throw_type_error(env, "WITLINE_WATCHDOG", message);
  return nullptr;
}

// open(slots: Float64Array(2), now: number, errorClass: new () => Error, tickMs: number).
// Opening again on the same thread (another copy of the module) re-points the watchdog.
napi_value open(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  bool typed = false;
  if (argc == 4) napi_is_typedarray(env, argv[0], &typed);
  if (!typed) return throw_type_error(env, "open(slots: Float64Array, now: number, errorClass, tickMs)");
  napi_typedarray_type type;
  size_t length;
  void* data;
  napi_value buffer;
  size_t offset;
  napi_get_typedarray_info(env, argv[0], &type, &length, &data, &buffer, &offset);
  if (type != napi_float64_array || length < 2) return throw_type_error(env, "the slots must be a Float64Array of 2");
  double now, tick_ms;
  napi_get_value_double(env, argv[1], &now);
  napi_get_value_double(env, argv[3], &tick_ms);

  Watchdog* w = watchdog_of(env);
  bool fresh = !w;
  if (fresh) {
    w = new Watchdog();
    w->isolate = v8::Isolate::GetCurrent();
  }
  {
    std::lock_guard<std::mutex> lock(w->m);
    if (w->depth > 0) return throw_type_error(env, "the watchdog cannot be re-opened inside a guarded call");
    if (w->slots_buffer) napi_delete_reference(env, w->slots_buffer);
    if (w->error_class) napi_delete_reference(env, w->error_class);
    w->slots = static_cast<const double*>(data);
    napi_create_reference(env, buffer, 1, &w->slots_buffer);
    napi_create_reference(env, argv[2], 1, &w->error_class);
    w->origin_ms = now - std::chrono::duration<double, std::milli>(Clock::now().time_since_epoch()).count();
    w->tick = std::chrono::microseconds(static_cast<int64_t>(tick_ms * 1000));
  }
  if (fresh) {
    napi_set_instance_data(env, w, finalize, nullptr);
    // Stopped (and joined) before the isolate goes: a worker thread's watchdog ends with it.
    napi_add_env_cleanup_hook(env, cleanup, w);
    w->thread = std::thread([w] { w->loop(); });
  }
  return nullptr;
}

// run(fn, thisArg, ...args): fn.call(thisArg, ...args) under the deadline JS keeps in the
// slots; a call terminated past it throws `new errorClass()` here instead.
napi_value run(napi_env env, napi_callback_info info) {
  napi_value argv[16];
  size_t argc = 16;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Watchdog* w = watchdog_of(env);
  if (!w) return throw_type_error(env, "the watchdog of this thread is not open");
  if (argc < 2) return throw_type_error(env, "run(fn, thisArg, ...args)");
  {
    std::lock_guard<std::mutex> lock(w->m);
    w->depth++;
    if (w->parked) w->cv.notify_one();
  }
  napi_value result = nullptr;
  napi_status status = napi_call_function(env, argv[1], argv[0], argc - 2, argv + 2, &result);
  bool fired;
  {
    std::lock_guard<std::mutex> lock(w->m);
    w->depth--;
    fired = w->fired;
    w->fired = false;
  }
  if (!fired) return status == napi_ok ? result : nullptr;  // a pending exception propagates
  // Terminated (or asked to be just as the call returned): resume JS, and report a timeout
  // only if the call did not finish.
  w->isolate->CancelTerminateExecution();
  if (status == napi_ok) return result;
  napi_value ignored, ctor, error;
  napi_get_and_clear_last_exception(env, &ignored);
  napi_get_reference_value(env, w->error_class, &ctor);
  napi_new_instance(env, ctor, 0, nullptr, &error);
  napi_throw(env, error);
  return nullptr;
}

// terminations(): how many calls this thread's watchdog has stopped.
napi_value terminations(napi_env env, napi_callback_info) {
  Watchdog* w = watchdog_of(env);
  uint64_t n = 0;
  if (w) {
    std::lock_guard<std::mutex> lock(w->m);
    n = w->terminations;
  }
  napi_value out;
  napi_create_double(env, static_cast<double>(n), &out);
  return out;
}

}  // namespace

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"open", nullptr, open, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"run", nullptr, run, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"terminations", nullptr, terminations, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
