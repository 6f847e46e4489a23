;; The fused hop in WebAssembly, for runtimes with multi-memory (Node 22+).
;;
;; One instance per (source guest, destination guest) pair imports both memories and the
;; destination's cabi_realloc: a whole request or response record is copied from one
;; guest's memory into the other's in one call from JS. For an arena destination (`packs`,
;; abi/memory.ts: GuestMemory) a value's head (method, uri, header list and strings; a
;; response's headers) is one cabi_realloc, the pieces bumped out of it, as the JS hop
;; reserves; else every string and list is its own. The body is always its own allocation.
;; The flat values for the destination's export land in this module's own memory `out` (a
;; request at 0..36, a response at 36..56).
;;
;; With `check` set, the record is first checked as it may enter another guest (the source
;; memory's hop-check.wat instance, imported: a Wasm-to-Wasm call, not one more crossing from
;; JS), and nothing is allocated in the destination if it may not.
;;
;; Returns 0; 1 when the source record or a value it points to is outside the source memory
;; (the source guest is at fault); 16 + the check's code when the record may not go on. A
;; trap inside cabi_realloc, or a store through a pointer it returned, is the destination's
;; fault and surfaces as a RuntimeError.
;; Built into src/abi/hop-wasm.ts by scripts/build-hop.mjs.
(module
  (import "m" "src" (memory $src 0))
  (import "m" "dst" (memory $dst 0))
  (import "m" "realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))
  ;; 1 when the destination is an arena guest: one allocation may hold many values.
  (import "m" "packs" (global $packs i32))
  ;; hop-check.wat's exports over the source memory.
  (import "m" "checkRequest" (func $checkRequest (param i32) (result i32)))
  (import "m" "checkResponse" (func $checkResponse (param i32) (result i32)))
  (memory $out (export "out") 1)
  ;; The open reservation in the destination: the next free byte, and its end (0: none).
  (global $next (mut i32) (i32.const 0))
  (global $end (mut i32) (i32.const 0))

  ;; A fresh destination allocation: bumped out of the reservation when it fits, else cabi_realloc.
  (func $alloc (param $align i32) (param $len i32) (result i32)
    (local $p i32)
    (if (global.get $end)
      (then
        (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
                               (i32.sub (i32.const 0) (local.get $align))))
        (if (i64.le_u (i64.add (i64.extend_i32_u (local.get $p)) (i64.extend_i32_u (local.get $len)))
                      (i64.extend_i32_u (global.get $end)))
          (then
            (global.set $next (i32.add (local.get $p) (local.get $len)))
            (return (local.get $p))))))
    (call $realloc (i32.const 0) (i32.const 0) (local.get $align) (local.get $len)))

  ;; Reserve `size` bytes (an arena destination, 0 < size <= 64 KiB: larger is a hostile
  ;; guest's aliased lengths, allocated piece by piece), for the allocations until $release.
  (func $reserve (param $size i64)
    (local $p i32)
    (if (i32.and (global.get $packs)
                 (i32.and (i64.ne (local.get $size) (i64.const 0)) (i64.le_u (local.get $size) (i64.const 65536))))
      (then
        (local.set $p (call $realloc (i32.const 0) (i32.const 0) (i32.const 8) (i32.wrap_i64 (local.get $size))))
        (global.set $next (local.get $p))
        (global.set $end (i32.add (local.get $p) (i32.wrap_i64 (local.get $size)))))))
  (func $release (global.set $end (i32.const 0)))

  ;; The bytes the header list at src[at] takes in the destination (its array and strings), or
  ;; 0 when the list is out of bounds (the copy then says so).
  (func $headersSize (param $at i32) (result i64)
    (local $base i32) (local $n i32) (local $e i32) (local $end i32) (local $size i64)
    (local.set $base (i32.load $src (local.get $at)))
    (local.set $n (i32.load $src offset=4 (local.get $at)))
    (if (i32.or (i32.eqz (local.get $n))
          (i32.or (i32.and (local.get $base) (i32.const 3))
                  (i32.eqz (call $inside (local.get $base) (i64.shl (i64.extend_i32_u (local.get $n)) (i64.const 4))))))
      (then (return (i64.const 0))))
    (local.set $e (local.get $base))
    (local.set $end (i32.add (local.get $base) (i32.shl (local.get $n) (i32.const 4))))
    (local.set $size (i64.shl (i64.extend_i32_u (local.get $n)) (i64.const 4)))
    (loop $entry
      (local.set $size (i64.add (local.get $size)
        (i64.add (i64.extend_i32_u (i32.load $src offset=4 (local.get $e))) (i64.extend_i32_u (i32.load $src offset=12 (local.get $e))))))
      (br_if $entry (i32.lt_u (local.tee $e (i32.add (local.get $e) (i32.const 16))) (local.get $end))))
    (local.get $size))

  ;; Is [ptr, ptr+len) inside the source memory?
  (func $inside (param $ptr i32) (param $len i64) (result i32)
    (i64.le_u
      (i64.add (i64.extend_i32_u (local.get $ptr)) (local.get $len))
      (i64.shl (i64.extend_i32_u (memory.size $src)) (i64.const 16))))

  ;; Copy `len` bytes at `ptr` into a fresh destination allocation; its pointer, or -1.
  (func $run (param $ptr i32) (param $len i32) (param $align i32) (result i32)
    (local $to i32)
    (if (i32.eqz (local.get $len)) (then (return (local.get $align))))
    (if (i32.eqz (call $inside (local.get $ptr) (i64.extend_i32_u (local.get $len))))
      (then (return (i32.const -1))))
    (local.set $to (call $alloc (local.get $align) (local.get $len)))
    (call $copy (local.get $to) (local.get $ptr) (local.get $len))
    (local.get $to))

  ;; memory.copy from the source into the destination, short pieces inline: V8 makes each
  ;; memory.copy a call out of the module, which costs more than a header name's bytes (a
  ;; request hop makes a dozen). Up to 32 bytes as two loads and two stores that overlap in
  ;; the middle: only [from, from+len) is read and only [to, to+len) written.
  (func $copy (param $to i32) (param $from i32) (param $len i32)
    (if (i32.gt_u (local.get $len) (i32.const 32))
      (then (memory.copy $dst $src (local.get $to) (local.get $from) (local.get $len)) (return)))
    (if (i32.ge_u (local.get $len) (i32.const 16))
      (then
        (v128.store $dst (local.get $to) (v128.load $src (local.get $from)))
        (v128.store $dst (i32.sub (i32.add (local.get $to) (local.get $len)) (i32.const 16))
                    (v128.load $src (i32.sub (i32.add (local.get $from) (local.get $len)) (i32.const 16))))
        (return)))
    (if (i32.ge_u (local.get $len) (i32.const 8))
      (then
        (i64.store $dst (local.get $to) (i64.load $src (local.get $from)))
        (i64.store $dst (i32.sub (i32.add (local.get $to) (local.get $len)) (i32.const 8))
                   (i64.load $src (i32.sub (i32.add (local.get $from) (local.get $len)) (i32.const 8))))
        (return)))
    (if (i32.ge_u (local.get $len) (i32.const 4))
      (then
        (i32.store $dst (local.get $to) (i32.load $src (local.get $from)))
        (i32.store $dst (i32.sub (i32.add (local.get $to) (local.get $len)) (i32.const 4))
                   (i32.load $src (i32.sub (i32.add (local.get $from) (local.get $len)) (i32.const 4))))
        (return)))
    (i32.store8 $dst (local.get $to) (i32.load8_u $src (local.get $from)))
    (if (i32.ge_u (local.get $len) (i32.const 2))
      (then (i32.store16 $dst (i32.sub (i32.add (local.get $to) (local.get $len)) (i32.const 2))
                         (i32.load16_u $src (i32.sub (i32.add (local.get $from) (local.get $len)) (i32.const 2)))))))

  ;; The (ptr, len) pair at src[at] copied; (new ptr, len) written to out[o]. 1 on a bad source.
  (func $string (param $at i32) (param $o i32) (result i32)
    (local $p i32)
    (local.set $p (call $run (i32.load $src (local.get $at)) (i32.load $src offset=4 (local.get $at)) (i32.const 1)))
    (if (i32.eq (local.get $p) (i32.const -1)) (then (return (i32.const 1))))
    (i32.store $out (local.get $o) (local.get $p))
    (i32.store $out offset=4 (local.get $o) (i32.load $src offset=4 (local.get $at)))
    (i32.const 0))

  ;; The list<tuple<string, string>> at src[at] copied; (list, n) written to out[o].
  (func $headers (param $at i32) (param $o i32) (result i32)
    (local $base i32) (local $n i32) (local $list i32) (local $i i32) (local $e i32) (local $d i32) (local $p i32)
    (local.set $base (i32.load $src (local.get $at)))
    (local.set $n (i32.load $src offset=4 (local.get $at)))
    (if (i32.eqz (local.get $n))
      (then
        (i32.store $out (local.get $o) (i32.const 4))
        (i32.store $out offset=4 (local.get $o) (i32.const 0))
        (return (i32.const 0))))
    (if (i32.or
          (i32.and (local.get $base) (i32.const 3))
          (i32.eqz (call $inside (local.get $base) (i64.mul (i64.extend_i32_u (local.get $n)) (i64.const 16)))))
      (then (return (i32.const 1))))
    (local.set $list (call $alloc (i32.const 4) (i32.shl (local.get $n) (i32.const 4))))
    (loop $entry
      (local.set $e (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 4))))
      (local.set $d (i32.add (local.get $list) (i32.shl (local.get $i) (i32.const 4))))
      (local.set $p (call $run (i32.load $src (local.get $e)) (i32.load $src offset=4 (local.get $e)) (i32.const 1)))
      (if (i32.eq (local.get $p) (i32.const -1)) (then (return (i32.const 1))))
      (i32.store $dst (local.get $d) (local.get $p))
      (i32.store $dst offset=4 (local.get $d) (i32.load $src offset=4 (local.get $e)))
      (local.set $p (call $run (i32.load $src offset=8 (local.get $e)) (i32.load $src offset=12 (local.get $e)) (i32.const 1)))
      (if (i32.eq (local.get $p) (i32.const -1)) (then (return (i32.const 1))))
      (i32.store $dst offset=8 (local.get $d) (local.get $p))
      (i32.store $dst offset=12 (local.get $d) (i32.load $src offset=12 (local.get $e)))
      (br_if $entry (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i32.store $out (local.get $o) (local.get $list))
    (i32.store $out offset=4 (local.get $o) (local.get $n))
    (i32.const 0))

  ;; A request record (36 bytes, align 4) at src[rec] → 9 flat values at out[0..36].
  (func (export "request") (param $rec i32) (param $check i32) (result i32)
    (local $tag i32)
    (local $code i32)
    (local $headers i64)
    (call $release) ;; a trap in an earlier hop (in cabi_realloc) left its reservation open
    (if (local.get $check)
      (then
        (local.set $code (call $checkRequest (local.get $rec)))
        (if (local.get $code) (then (return (i32.add (i32.const 16) (local.get $code)))))))
    (if (i32.or (i32.and (local.get $rec) (i32.const 3)) (i32.eqz (call $inside (local.get $rec) (i64.const 36))))
      (then (return (i32.const 1))))
    ;; The head in one allocation: only when its pieces are in bounds (else the copy reports them).
    (if (global.get $packs)
      (then
        (local.set $headers (call $headersSize (i32.add (local.get $rec) (i32.const 16))))
        (if (i32.and (i64.ne (local.get $headers) (i64.const 0))
              (i32.and (call $inside (i32.load $src (local.get $rec)) (i64.extend_i32_u (i32.load $src offset=4 (local.get $rec))))
                       (call $inside (i32.load $src offset=8 (local.get $rec)) (i64.extend_i32_u (i32.load $src offset=12 (local.get $rec))))))
          (then (call $reserve (i64.add (i64.add (local.get $headers) (i64.const 3))
            (i64.add (i64.extend_i32_u (i32.load $src offset=4 (local.get $rec))) (i64.extend_i32_u (i32.load $src offset=12 (local.get $rec))))))))))
    (if (call $string (local.get $rec) (i32.const 0)) (then (call $release) (return (i32.const 1))))
    (if (call $string (i32.add (local.get $rec) (i32.const 8)) (i32.const 8)) (then (call $release) (return (i32.const 1))))
    (if (call $headers (i32.add (local.get $rec) (i32.const 16)) (i32.const 16)) (then (call $release) (return (i32.const 1))))
    (call $release)
    (local.set $tag (i32.load8_u $src offset=24 (local.get $rec)))
    (if (i32.gt_u (local.get $tag) (i32.const 1)) (then (return (i32.const 1))))
    (i32.store $out offset=24 (i32.const 0) (local.get $tag))
    (if (local.get $tag)
      (then (if (call $string (i32.add (local.get $rec) (i32.const 28)) (i32.const 28)) (then (return (i32.const 1)))))
      (else (i64.store $out offset=28 (i32.const 0) (i64.const 0))))
    (i32.const 0))

  ;; A response record (20 bytes, align 4) at src[rec] → 5 flat values at out[36..56].
  (func (export "response") (param $rec i32) (param $check i32) (result i32)
    (local $code i32)
    (if (local.get $check)
      (then
        (local.set $code (call $checkResponse (local.get $rec)))
        (if (local.get $code) (then (return (i32.add (i32.const 16) (local.get $code)))))))
    (if (i32.or (i32.and (local.get $rec) (i32.const 3)) (i32.eqz (call $inside (local.get $rec) (i64.const 20))))
      (then (return (i32.const 1))))
    (call $release)
    (i32.store $out offset=36 (i32.const 0) (i32.load16_u $src (local.get $rec)))
    (if (global.get $packs) (then (call $reserve (call $headersSize (i32.add (local.get $rec) (i32.const 4))))))
    (if (call $headers (i32.add (local.get $rec) (i32.const 4)) (i32.const 40)) (then (call $release) (return (i32.const 1))))
    (call $release)
    (if (call $string (i32.add (local.get $rec) (i32.const 12)) (i32.const 48)) (then (return (i32.const 1))))
    (i32.const 0))
)
