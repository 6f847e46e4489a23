// The main-thread deadline for guest calls: one watchdog thread per JS thread that calls
// V8's TerminateExecution when a guarded call runs past the deadline JS wrote, and a
// native frame (run) between JS and the guest where the termination is turned back into an
// ordinary exception. Guests pay nothing: V8 already checks for interrupts at every Wasm
// loop header and function entry (that is how Worker.terminate() stops a looping worker).
//
// Only Node-API is used, plus three non-inline V8 member functions declared by hand: their
// mangled names (and calling convention: `this` first) have been the same for a decade, and
// node exports them, so one build serves every Node version this package supports (checked
// by test/sandbox/watchdog-default.test.ts on Node 20 and 26) without V8's headers, whose
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

// The JS thread's side of the state, one atomic word: guarded calls on its stack (depth),
// a generation bumped by every call (so that the watchdog's compare-and-swap fails if any
// call began or ended since it looked), and the two termination flags. The hot path (run)
// takes no lock: one atomic add on entry, one on exit.
constexpr uint64_t kDepth = 0xffff;
constexpr uint64_t kFiring = 1ull << 16;      // the watchdog is deciding on the current call
constexpr uint64_t kTerminated = 1ull << 17;  // ... it called TerminateExecution
constexpr uint64_t kDone = 1ull << 18;        // ... and is done with it
constexpr uint64_t kFlags = kFiring | kTerminated | kDone;
constexpr uint64_t kGeneration = 1ull << 32;

// The host-call word (after the slots, an Int32 in shared memory, which JS changes with Atomics):
// 0 outside host calls, 1 inside one, kHostClosed once the watchdog is about to terminate
// the call: a host call that finds it so does not begin (it throws the timeout itself).
constexpr int32_t kHostClosed = 2;

struct Watchdog {
  v8::Isolate* isolate = nullptr;
  napi_ref slots_buffer = nullptr;  // keeps the ArrayBuffer `slots` points into alive
  // Shared with JS (see host/deadline.ts): [0] the timeout of the stage running, ms
  // (infinite: none); [1] the stage epoch, bumped by JS whenever a stage begins or ends;
  // [2] how often to look, ms; then the host-call word. JS reads no clock: the watchdog
  // times each epoch itself.
  const double* slots = nullptr;
  napi_ref error_class = nullptr;  // what a terminated call throws

  std::atomic<uint64_t> state{0};
  std::atomic<bool> parked{false};  // the thread waits for a call to begin
  std::atomic<uint64_t> terminations{0};
  // The watchdog thread's own: the epoch it last saw, and when it first saw it.
  double seen_epoch = -1;
  Clock::time_point seen_at;

  std::mutex m;  // the watchdog thread's sleep, and open/stop
  std::condition_variable cv;
  std::thread thread;
  bool stop = false;

  double slot(int i) const {
    // JS stores each double with one aligned 8-byte write; read it as one.
    uint64_t bits = __atomic_load_n(reinterpret_cast<const uint64_t*>(slots + i), __ATOMIC_SEQ_CST);
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }

  int32_t* host_word() const { return reinterpret_cast<int32_t*>(const_cast<double*>(slots) + 3); }

  void wake() {
    std::lock_guard<std::mutex> lock(m);
    cv.notify_one();
  }

  // While calls run, the thread looks every 1/20 of the shortest timeout (1 to 50 ms):
  // a stage is first seen within one look of its start, and stopped within timeout × 1.1 +
  // one look. It never wakes while the JS thread makes no calls; at the default timeout
  // (1 s) it wakes 20 times a second under load. (Looking every 2 ms cost a server pinned to
  // one core 7%: each wake-up is a context switch on the JS thread's core.)
  void loop() {
    std::unique_lock<std::mutex> lock(m);
    while (!stop) {
      uint64_t s = state.load();
      if ((s & kDepth) == 0 || (s & kFlags)) {
        // Idle, or the running call is being terminated: until the next call begins (run wakes it).
        parked.store(true);
        if (state.load() == s) cv.wait(lock);
        parked.store(false);
        continue;
      }
      double timeout = slot(0), epoch = slot(1);
      Clock::time_point now = Clock::now();
      if (epoch != seen_epoch) {
        seen_epoch = epoch;
        seen_at = now;
      } else if (now - seen_at > std::chrono::duration<double, std::milli>(timeout)) {
        if (fire(s, epoch)) continue;
        // Not now (inside a host call, most likely): look again soon, not a whole look later,
        // so that a guest spending most of its time in host calls is still stopped promptly.
        cv.wait_for(lock, std::chrono::microseconds(200));
        continue;
      }
      // Every 1/20 of the shortest timeout of the thread's guests (JS keeps it in slot 2), not
      // of the stage running: a look at a moment between stages must not shorten the next.
      double look = slot(2);
      look = !(look >= 1) ? 1 : look > 50 ? 50 : look;
      cv.wait_for(lock, std::chrono::duration<double, std::milli>(look));
    }
  }

  // Terminate the call past its stage's timeout, if it is still the one running (`s`, the
  // stage `epoch`) and not inside a host call. True once it is terminated.
  bool fire(uint64_t s, double epoch) {
    // Claim the call (fails if any call began or ended since `s`); the stage must not have changed either.
    if (!state.compare_exchange_strong(s, s | kFiring)) return false;
    int32_t open = 0;
    if (slot(1) == epoch &&
        __atomic_compare_exchange_n(host_word(), &open, kHostClosed, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
      terminations.fetch_add(1);
      isolate->TerminateExecution();
      state.fetch_or(kTerminated | kDone);
      return true;
    }
    // Inside a host call (a termination must not land in the host's own bookkeeping), or
    // the stage just ended: give the claim back.
    uint64_t claimed = s | kFiring;
    if (!state.compare_exchange_strong(claimed, s)) state.fetch_or(kDone);  // the call ended meanwhile: let it go
    return false;
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

napi_value throw_type_error(napi_env env, const char* message) {
  napi_throw_type_error(env, "WITLINE_WATCHDOG", message);
  return nullptr;
}

Watchdog* watchdog_of(napi_env env, napi_callback_info info, size_t* argc, napi_value* argv) {
  void* data = nullptr;
  napi_get_cb_info(env, info, argc, argv, nullptr, &data);
  return static_cast<Watchdog*>(data);
}

// open(slots: Float64Array(4) over a SharedArrayBuffer, errorClass: new () => Error).
// Opening again on the same thread (another copy of the module) re-points the watchdog.
napi_value open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  Watchdog* w = watchdog_of(env, info, &argc, argv);
  bool typed = false;
  if (argc == 2) napi_is_typedarray(env, argv[0], &typed);
  if (!typed) return throw_type_error(env, "open(slots: Float64Array, errorClass)");
  napi_typedarray_type type;
  size_t length;
  void* data;
  napi_value buffer;
  size_t offset;
  napi_get_typedarray_info(env, argv[0], &type, &length, &data, &buffer, &offset);
  if (type != napi_float64_array || length < 4) return throw_type_error(env, "the slots must be a Float64Array of 4");
  if (w->state.load() & kDepth) return throw_type_error(env, "the watchdog cannot be re-opened inside a guarded call");
  {
    std::lock_guard<std::mutex> lock(w->m);
    if (w->slots_buffer) napi_delete_reference(env, w->slots_buffer);
    if (w->error_class) napi_delete_reference(env, w->error_class);
    w->slots = static_cast<const double*>(data);
    napi_create_reference(env, buffer, 1, &w->slots_buffer);
    napi_create_reference(env, argv[1], 1, &w->error_class);
  }
  if (!w->thread.joinable()) w->thread = std::thread([w] { w->loop(); });
  return nullptr;
}

// Throw `new errorClass()`: what a call stopped at its deadline throws.
napi_value throw_deadline(napi_env env, Watchdog* w) {
  napi_value ctor, error;
  napi_get_reference_value(env, w->error_class, &ctor);
  napi_new_instance(env, ctor, 0, nullptr, &error);
  napi_throw(env, error);
  return nullptr;
}

// run(fn, thisArg, ...args): fn.call(thisArg, ...args) under the deadline JS keeps in the
// slots; a call terminated past it throws `new errorClass()` here instead.
napi_value run(napi_env env, napi_callback_info info) {
  napi_value argv[16];
  size_t argc = 16;
  Watchdog* w = watchdog_of(env, info, &argc, argv);
  if (!w->slots) return throw_type_error(env, "the watchdog of this thread is not open");
  if (argc < 2) return throw_type_error(env, "run(fn, thisArg, ...args)");
  // A guarded call is guest code, which the watchdog must be able to stop even when it is
  // made from inside a host call (a handler, shielded in a request frame, that calls another
  // pipeline): host calls are open for its length and as they were after. Found closed (a
  // termination is coming), the call does not begin.
  int32_t* host = w->host_word();
  int32_t host_was = __atomic_exchange_n(host, 0, __ATOMIC_SEQ_CST);
  if (host_was == kHostClosed) {
    __atomic_store_n(host, kHostClosed, __ATOMIC_SEQ_CST);
    return throw_deadline(env, w);
  }
  w->state.fetch_add(kGeneration + 1);
  if (w->parked.load()) w->wake();
  napi_value result = nullptr;
  napi_status status = napi_call_function(env, argv[1], argv[0], argc - 2, argv + 2, &result);
  uint64_t s = w->state.fetch_sub(1);
  if (!(s & kFiring)) {
    if (host_was) __atomic_store_n(host, host_was, __ATOMIC_SEQ_CST);
    return status == napi_ok ? result : nullptr;  // a pending exception propagates
  }
  // The watchdog claimed this call: wait until it decided, then resume JS (and reopen host
  // calls). A call that finished all the same returns its result.
  while (!(w->state.load() & kDone)) std::this_thread::yield();
  bool terminated = w->state.load() & kTerminated;
  w->state.fetch_and(~kFlags);
  // Not terminated: the host-call word is open (the watchdog gave its claim back).
  __atomic_store_n(host, host_was, __ATOMIC_SEQ_CST);
  if (!terminated) return status == napi_ok ? result : nullptr;
  w->isolate->CancelTerminateExecution();
  if (status == napi_ok) return result;
  napi_value ignored;
  napi_get_and_clear_last_exception(env, &ignored);
  return throw_deadline(env, w);
}

// terminations(): how many calls this thread's watchdog has stopped.
napi_value terminations(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  Watchdog* w = watchdog_of(env, info, &argc, nullptr);
  napi_value out;
  napi_create_double(env, static_cast<double>(w->terminations.load()), &out);
  return out;
}

}  // namespace

NAPI_MODULE_INIT() {
  // One per thread (Node-API calls this once per environment); its thread starts at open.
  auto* w = new Watchdog();
  w->isolate = v8::Isolate::GetCurrent();
  napi_set_instance_data(env, w, finalize, nullptr);
  // Stopped (and joined) before the isolate goes: a worker thread's watchdog ends with it.
  napi_add_env_cleanup_hook(env, cleanup, w);
  napi_property_descriptor props[] = {
      {"open", nullptr, open, nullptr, nullptr, nullptr, napi_enumerable, w},
      {"run", nullptr, run, nullptr, nullptr, nullptr, napi_enumerable, w},
      {"terminations", nullptr, terminations, nullptr, nullptr, nullptr, napi_enumerable, w},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
