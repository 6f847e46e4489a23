;; The fused hop between two arena guests where the runtime has no multi-memory (Node 20).
;;
;; No module can read one memory and write another there, so the copy is staged: one
;; instance per (source, destination) pair imports the source memory and the destination's
;; cabi_realloc, and one call from JS gathers a whole record's head (method, uri, header
;; list and strings; a response's headers; a body up to 1 KiB) into a scratch block in the
;; source guest's own memory, laid out exactly as it will lie in the destination, its
;; pointers already the destination's (the destination block is allocated first, in the
;; same call). JS then moves it with one typed-array copy, and a larger body with one more:
;; where the JS hop made one copy per string (~12 for a small request), each with its
;; bookkeeping.
;;
;; The scratch block is the source's for the instance's life, allocated by the host before
;; configure (abi/memory.ts GuestMemory.scratch): no code of the source runs during a hop
;; and nothing more is allocated in it. Nothing of the source but the record and the pieces
;; it points to reaches the destination: the block must lie apart from all of them, else (a
;; guest that wrote its output there) nothing is written and JS copies piece by piece.
;;
;; With `check` set, the record is checked first (hop-check.wat over the source memory,
;; imported), and nothing is allocated in the destination if it may not go on.
;;
;; Returns the scratch block's address when staged (>= 64: the host gives none lower), or a
;; code below 64: 0 not staged (a head past the block, or a block in the way: copy piece by
;; piece), 1 the record or a piece it points to is outside the source memory (the source
;; guest is at fault), 16 + the check's code when it may not go on. The scratch block: the
;; flat values for the destination's export at 0 (a request's 9, a response's 5), then at 40
;; the destination block, 44 its size, 48 the body's source address, 52 its destination
;; address, 56 its length; the image from 64.
;; Built into src/abi/hop-staged-wasm.ts by scripts/build-hop.mjs.
(module
  (import "m" "src" (memory 0))
  ;; The source's scratch block (abi/memory.ts GuestMemory.scratch) and its size.
  (import "m" "scratch" (global $scratch i32))
  (import "m" "room" (global $room i32))
  (import "m" "dstRealloc" (func $dstRealloc (param i32 i32 i32 i32) (result i32)))
  (import "m" "checkRequest" (func $checkRequest (param i32) (result i32)))
  (import "m" "checkResponse" (func $checkResponse (param i32) (result i32)))

  ;; Whether the record or a piece it points to lies in the scratch block, and the head's size.
  (global $clash (mut i32) (i32.const 0))
  (global $size (mut i64) (i64.const 0))
  ;; While writing the image: its next free byte (source memory), and what to add to an
  ;; image address for the same place in the destination block.
  (global $w (mut i32) (i32.const 0))
  (global $delta (mut i32) (i32.const 0))

  ;; Is [ptr, ptr+len) inside the source memory?
  (func $inside (param $ptr i32) (param $len i64) (result i32)
    (i64.le_u
      (i64.add (i64.extend_i32_u (local.get $ptr)) (local.get $len))
      (i64.shl (i64.extend_i32_u (memory.size)) (i64.const 16))))

  ;; Check [ptr, ptr+len) against the memory (0 when outside) and the scratch block.
  ;; An empty piece is never read (as in the other hops): not looked at.
  (func $span (param $ptr i32) (param $len i64) (result i32)
    (if (i64.eqz (local.get $len)) (then (return (i32.const 1))))
    (if (i32.eqz (call $inside (local.get $ptr) (local.get $len))) (then (return (i32.const 0))))
    (if (i32.and (i64.lt_u (i64.extend_i32_u (local.get $ptr)) (i64.add (i64.extend_i32_u (global.get $scratch)) (i64.extend_i32_u (global.get $room))))
                 (i64.gt_u (i64.add (i64.extend_i32_u (local.get $ptr)) (local.get $len)) (i64.extend_i32_u (global.get $scratch))))
      (then (global.set $clash (i32.const 1))))
    (i32.const 1))

  ;; The string (ptr, len) at `at`: checked (span) and counted into the head's size; 0 when outside the memory.
  (func $measure (param $at i32) (result i32)
    (global.set $size (i64.add (global.get $size) (i64.extend_i32_u (i32.load offset=4 (local.get $at)))))
    (call $span (i32.load (local.get $at)) (i64.extend_i32_u (i32.load offset=4 (local.get $at)))))

  ;; The header list (ptr, n) at `at`, its array and strings; 0 when any is outside the memory.
  (func $measureList (param $at i32) (result i32)
    (local $base i32) (local $n i32) (local $e i32) (local $end i32)
    (local.set $base (i32.load (local.get $at)))
    (local.set $n (i32.load offset=4 (local.get $at)))
    (if (i32.eqz (local.get $n)) (then (return (i32.const 1))))
    (if (i32.and (local.get $base) (i32.const 3)) (then (return (i32.const 0))))
    (if (i32.eqz (call $span (local.get $base) (i64.shl (i64.extend_i32_u (local.get $n)) (i64.const 4))))
      (then (return (i32.const 0))))
    (global.set $size (i64.add (global.get $size) (i64.shl (i64.extend_i32_u (local.get $n)) (i64.const 4))))
    (local.set $e (local.get $base))
    (local.set $end (i32.add (local.get $base) (i32.shl (local.get $n) (i32.const 4))))
    (loop $entry
      (if (i32.eqz (call $measure (local.get $e))) (then (return (i32.const 0))))
      (if (i32.eqz (call $measure (i32.add (local.get $e) (i32.const 8)))) (then (return (i32.const 0))))
      (br_if $entry (i32.lt_u (local.tee $e (i32.add (local.get $e) (i32.const 16))) (local.get $end))))
    (i32.const 1))

  ;; Open the scratch block and the destination block for a head of $size bytes: 0 when
  ;; not staged (nothing allocated in the destination), else the scratch block.
  (func $open (result i32)
    (local $s i32) (local $d i32)
    (local.set $s (global.get $scratch))
    (if (i64.gt_u (i64.add (global.get $size) (i64.const 64)) (i64.extend_i32_u (global.get $room))) (then (return (i32.const 0))))
    ;; Usable only inside the memory and apart from what it copies (a guest may have put its
    ;; output there: its own memory is its own to write).
    (if (i32.eqz (call $inside (local.get $s) (i64.add (global.get $size) (i64.const 64))))
      (then (return (i32.const 0))))
    (if (global.get $clash) (then (return (i32.const 0))))
    (local.set $d (if (result i32) (i64.eqz (global.get $size))
      (then (i32.const 0))
      (else (call $dstRealloc (i32.const 0) (i32.const 0) (i32.const 8) (i32.wrap_i64 (global.get $size))))))
    (i32.store offset=40 (local.get $s) (local.get $d))
    (i32.store offset=44 (local.get $s) (i32.wrap_i64 (global.get $size)))
    (i64.store offset=48 (local.get $s) (i64.const 0))
    (i32.store offset=56 (local.get $s) (i32.const 0))
    (global.set $w (i32.add (local.get $s) (i32.const 64)))
    (global.set $delta (i32.sub (local.get $d) (global.get $w)))
    (local.get $s))

  ;; `len` bytes at `ptr` appended to the image: their address in the destination (1 when empty).
  (func $put (param $ptr i32) (param $len i32) (result i32)
    (local $at i32)
    (if (i32.eqz (local.get $len)) (then (return (i32.const 1))))
    (local.set $at (global.get $w))
    (call $copy (local.get $at) (local.get $ptr) (local.get $len))
    (global.set $w (i32.add (local.get $at) (local.get $len)))
    (i32.add (local.get $at) (global.get $delta)))

  ;; memory.copy, short pieces inline: V8 makes each memory.copy a call out of the module,
  ;; which costs more than a header name's bytes. Up to 32 bytes as two loads and two stores
  ;; that overlap in the middle (nothing written outside [to, to+len)); the pieces never
  ;; overlap the image (the scratch block lies apart from them).
  (func $copy (param $to i32) (param $from i32) (param $len i32)
    (if (i32.gt_u (local.get $len) (i32.const 32))
      (then (memory.copy (local.get $to) (local.get $from) (local.get $len)) (return)))
    (if (i32.ge_u (local.get $len) (i32.const 16))
      (then
        (v128.store (local.get $to) (v128.load (local.get $from)))
        (v128.store (i32.sub (i32.add (local.get $to) (local.get $len)) (i32.const 16))
                    (v128.load (i32.sub (i32.add (local.get $from) (local.get $len)) (i32.const 16))))
        (return)))
    (if (i32.ge_u (local.get $len) (i32.const 8))
      (then
        (i64.store (local.get $to) (i64.load (local.get $from)))
        (i64.store (i32.sub (i32.add (local.get $to) (local.get $len)) (i32.const 8))
                   (i64.load (i32.sub (i32.add (local.get $from) (local.get $len)) (i32.const 8))))
        (return)))
    (if (i32.ge_u (local.get $len) (i32.const 4))
      (then
        (i32.store (local.get $to) (i32.load (local.get $from)))
        (i32.store (i32.sub (i32.add (local.get $to) (local.get $len)) (i32.const 4))
                   (i32.load (i32.sub (i32.add (local.get $from) (local.get $len)) (i32.const 4))))
        (return)))
    (i32.store8 (local.get $to) (i32.load8_u (local.get $from)))
    (if (i32.ge_u (local.get $len) (i32.const 2))
      (then (i32.store16 (i32.sub (i32.add (local.get $to) (local.get $len)) (i32.const 2))
                         (i32.load16_u (i32.sub (i32.add (local.get $from) (local.get $len)) (i32.const 2)))))))

  ;; The string (ptr, len) at `at` appended; (its destination address, len) stored at `to`.
  (func $string (param $at i32) (param $to i32)
    (i32.store (local.get $to) (call $put (i32.load (local.get $at)) (i32.load offset=4 (local.get $at))))
    (i32.store offset=4 (local.get $to) (i32.load offset=4 (local.get $at))))

  ;; The header list (ptr, n) at `at` laid out in the image; (its destination address, n) at `to`.
  ;; The array comes first in the image: its alignment (4) is the block's.
  (func $list (param $at i32) (param $to i32)
    (local $e i32) (local $end i32) (local $d i32)
    (local.set $e (i32.load (local.get $at)))
    (if (i32.eqz (i32.load offset=4 (local.get $at)))
      (then
        (i64.store (local.get $to) (i64.const 4))
        (return)))
    (local.set $end (i32.add (local.get $e) (i32.shl (i32.load offset=4 (local.get $at)) (i32.const 4))))
    (local.set $d (global.get $w))
    (i32.store (local.get $to) (i32.add (local.get $d) (global.get $delta)))
    (i32.store offset=4 (local.get $to) (i32.load offset=4 (local.get $at)))
    (global.set $w (i32.add (local.get $d) (i32.sub (local.get $end) (local.get $e))))
    (loop $entry
      (call $string (local.get $e) (local.get $d))
      (call $string (i32.add (local.get $e) (i32.const 8)) (i32.add (local.get $d) (i32.const 8)))
      (local.set $d (i32.add (local.get $d) (i32.const 16)))
      (br_if $entry (i32.lt_u (local.tee $e (i32.add (local.get $e) (i32.const 16))) (local.get $end)))))

  ;; A body up to this size travels in the image (one copy from JS less); a larger one is
  ;; its own allocation, copied once, straight from where the source has it.
  ;; The body (ptr, len) at `at`: checked (span), and counted into the head's size when it travels in the image; 0 when outside the memory.
  (func $measureBody (param $at i32) (result i32)
    (local $len i32)
    (local.set $len (i32.load offset=4 (local.get $at)))
    (if (i32.le_u (local.get $len) (i32.const 1024))
      (then (global.set $size (i64.add (global.get $size) (i64.extend_i32_u (local.get $len))))))
    (call $span (i32.load (local.get $at)) (i64.extend_i32_u (local.get $len))))

  ;; The body (ptr, len) at `at`, in the image or (larger) recorded for JS to copy into its own allocation; (dst, len) at `to`.
  (func $body (param $s i32) (param $at i32) (param $to i32)
    (local $len i32) (local $d i32)
    (local.set $len (i32.load offset=4 (local.get $at)))
    (if (i32.le_u (local.get $len) (i32.const 1024))
      (then
        (call $string (local.get $at) (local.get $to))
        (return)))
    (local.set $d (call $dstRealloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $len)))
    (i32.store offset=48 (local.get $s) (i32.load (local.get $at)))
    (i32.store offset=52 (local.get $s) (local.get $d))
    (i32.store offset=56 (local.get $s) (local.get $len))
    (i32.store (local.get $to) (local.get $d))
    (i32.store offset=4 (local.get $to) (local.get $len)))

  (func $reset (param $rec i32) (param $words i32)
    (global.set $clash (i32.const 0))
    (global.set $size (i64.const 0))
    (drop (call $span (local.get $rec) (i64.extend_i32_u (i32.shl (local.get $words) (i32.const 2))))))

  ;; A request record (36 bytes, align 4) at `rec`.
  (func (export "request") (param $rec i32) (param $check i32) (result i32)
    (local $code i32) (local $tag i32) (local $s i32)
    (if (local.get $check)
      (then
        (local.set $code (call $checkRequest (local.get $rec)))
        (if (local.get $code) (then (return (i32.add (i32.const 16) (local.get $code)))))))
    (if (i32.or (i32.and (local.get $rec) (i32.const 3)) (i32.eqz (call $inside (local.get $rec) (i64.const 36))))
      (then (return (i32.const 1))))
    (call $reset (local.get $rec) (i32.const 9))
    (local.set $tag (i32.load8_u offset=24 (local.get $rec)))
    (if (i32.gt_u (local.get $tag) (i32.const 1)) (then (return (i32.const 1))))
    (if (i32.eqz (i32.and (i32.and (call $measure (local.get $rec)) (call $measure (i32.add (local.get $rec) (i32.const 8))))
                          (call $measureList (i32.add (local.get $rec) (i32.const 16)))))
      (then (return (i32.const 1))))
    (if (local.get $tag)
      (then (if (i32.eqz (call $measureBody (i32.add (local.get $rec) (i32.const 28)))) (then (return (i32.const 1))))))
    (local.set $s (call $open))
    (if (i32.eqz (local.get $s)) (then (return (i32.const 0))))
    ;; The list first (aligned), then method and uri.
    (call $list (i32.add (local.get $rec) (i32.const 16)) (i32.add (local.get $s) (i32.const 16)))
    (call $string (local.get $rec) (local.get $s))
    (call $string (i32.add (local.get $rec) (i32.const 8)) (i32.add (local.get $s) (i32.const 8)))
    (i32.store offset=24 (local.get $s) (local.get $tag))
    (if (local.get $tag)
      (then (call $body (local.get $s) (i32.add (local.get $rec) (i32.const 28)) (i32.add (local.get $s) (i32.const 28))))
      (else (i64.store offset=28 (local.get $s) (i64.const 0))))
    (local.get $s))

  ;; A response record (20 bytes, align 4) at `rec`.
  (func (export "response") (param $rec i32) (param $check i32) (result i32)
    (local $code i32) (local $s i32)
    (if (local.get $check)
      (then
        (local.set $code (call $checkResponse (local.get $rec)))
        (if (local.get $code) (then (return (i32.add (i32.const 16) (local.get $code)))))))
    (if (i32.or (i32.and (local.get $rec) (i32.const 3)) (i32.eqz (call $inside (local.get $rec) (i64.const 20))))
      (then (return (i32.const 1))))
    (call $reset (local.get $rec) (i32.const 5))
    (if (i32.eqz (call $measureList (i32.add (local.get $rec) (i32.const 4)))) (then (return (i32.const 1))))
    (if (i32.eqz (call $measureBody (i32.add (local.get $rec) (i32.const 12)))) (then (return (i32.const 1))))
    (local.set $s (call $open))
    (if (i32.eqz (local.get $s)) (then (return (i32.const 0))))
    (i32.store (local.get $s) (i32.load16_u (local.get $rec)))
    (call $list (i32.add (local.get $rec) (i32.const 4)) (i32.add (local.get $s) (i32.const 4)))
    (call $body (local.get $s) (i32.add (local.get $rec) (i32.const 12)) (i32.add (local.get $s) (i32.const 12)))
    (local.get $s))
)
