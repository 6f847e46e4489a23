;; The fused hop's check (abi/hop-check.ts) in WebAssembly, on every runtime (it needs SIMD,
;; in V8 since Node 16, and no second memory): one instance per guest imports that guest's
;; memory, and one call from JS checks a whole request or response record there, header
;; values 16 bytes at a time.
;;
;; The same rules as invalidHop in hop-check.ts, which stays the reference (for records in
;; host memory, and in test/hop-check-wasm.test.ts): the method and header names are tokens,
;; the uri visible ASCII starting with `/`, `*` or `http(s)://`, header values tab, printable
;; ASCII or U+0080–U+00FF as UTF-8 (C2/C3 and a continuation byte); a response's status
;; 200–599 and no body on 204/304. Anything outside the memory is left to the copy (0).
;;
;; Returns 0 (may go on) or the reason: 1 method, 2 uri, 3 a header name, 4 a header value,
;; 5 the status, 6 a body on 204/304.
;; Built into src/abi/hop-check-wasm.ts by scripts/build-hop.mjs.
(module
  (import "m" "mem" (memory $m 0))

  ;; Is [ptr, ptr+len) inside the memory?
  (func $inside (param $ptr i32) (param $len i32) (result i32)
    (i64.le_u
      (i64.add (i64.extend_i32_u (local.get $ptr)) (i64.extend_i32_u (local.get $len)))
      (i64.shl (i64.extend_i32_u (memory.size $m)) (i64.const 16))))

  ;; Lanes [0, n) of 16 set (n <= 16): for the bytes of a string's last, partial block.
  (func $lanes (param $n i32) (result v128)
    (i8x16.gt_u (i8x16.splat (local.get $n)) (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)))
  ;; Is [ptr, ptr+16) inside the memory? (A partial block is read whole, its extra lanes ignored.)
  (func $block (param $ptr i32) (result i32)
    (call $inside (local.get $ptr) (i32.const 16)))
  ;; Nonzero in each lane holding an RFC 9110 token character: a nibble lookup ("shufti"),
  ;; the bit of the high nibble (2-7) set in the low nibble's entry when that byte is a token.
  (func $tokens (param $v v128) (result v128)
    (v128.and
      (i8x16.swizzle (v128.const i8x16 0xe8 0xfc 0xf8 0xfc 0xfc 0xfc 0xfc 0xfc 0xf8 0xf8 0xf4 0x54 0xd0 0x54 0xf4 0x70)
                     (v128.and (local.get $v) (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15)))
      (i8x16.swizzle (v128.const i8x16 0 0 0x04 0x08 0x10 0x20 0x40 0x80 0 0 0 0 0 0 0 0)
                     (i8x16.shr_u (local.get $v) (i32.const 4)))))
  ;; A non-empty run of token bytes, 16 at a time; 1 (left to the copy) when out of bounds.
  (func $token (param $ptr i32) (param $len i32) (result i32)
    (local $end i32)
    (if (i32.eqz (local.get $len)) (then (return (i32.const 0))))
    (if (i32.eqz (call $inside (local.get $ptr) (local.get $len))) (then (return (i32.const 1))))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $tail
      (loop $next
        (br_if $tail (i32.gt_u (i32.add (local.get $ptr) (i32.const 16)) (local.get $end)))
        (if (i32.eqz (i8x16.all_true (call $tokens (v128.load (local.get $ptr))))) (then (return (i32.const 0))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
        (br $next)))
    (local.set $len (i32.sub (local.get $end) (local.get $ptr)))
    (if (i32.eqz (local.get $len)) (then (return (i32.const 1))))
    ;; The last partial block: read whole where the memory allows, its lanes past the end ignored.
    (if (call $block (local.get $ptr))
      (then
        (return (i8x16.all_true (v128.or (call $tokens (v128.load (local.get $ptr))) (v128.not (call $lanes (local.get $len))))))))
    (loop $byte
      (if (i32.eqz (i8x16.extract_lane_u 0 (call $tokens (i8x16.splat (i32.load8_u (local.get $ptr)))))) (then (return (i32.const 0))))
      (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
      (br_if $byte (i32.lt_u (local.get $ptr) (local.get $end))))
    (i32.const 1))
  ;; Tab, printable ASCII, or C2/C3 and a continuation byte; 1 when out of bounds.
  (func $value (param $ptr i32) (param $len i32) (result i32)
    (local $end i32) (local $block i32) (local $c i32)
    (if (i32.eqz (call $inside (local.get $ptr) (local.get $len))) (then (return (i32.const 1))))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        ;; 16 bytes, all tab or 0x20-0x7e: on to the next 16.
        (if (i32.le_u (i32.add (local.get $ptr) (i32.const 16)) (local.get $end))
          (then
            (if (i8x16.all_true
                  (v128.or
                    (i8x16.lt_u (i8x16.sub (v128.load (local.get $ptr)) (v128.const i8x16 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20))
                                (v128.const i8x16 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f))
                    (i8x16.eq (v128.load (local.get $ptr)) (v128.const i8x16 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9))))
              (then
                (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
                (br $next)))))
        ;; The last partial block, all tab or 0x20-0x7e in its lanes (read whole where the memory allows): done.
        (if (i32.and (i32.gt_u (i32.add (local.get $ptr) (i32.const 16)) (local.get $end)) (call $block (local.get $ptr)))
          (then
            (br_if $done (i8x16.all_true
              (v128.or
                (v128.or
                  (i8x16.lt_u (i8x16.sub (v128.load (local.get $ptr)) (v128.const i8x16 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20))
                              (v128.const i8x16 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f 0x5f))
                  (i8x16.eq (v128.load (local.get $ptr)) (v128.const i8x16 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9)))
                (v128.not (call $lanes (i32.sub (local.get $end) (local.get $ptr)))))))))
        ;; Else byte by byte through this block (a pair may end past it).
        (local.set $block (i32.add (local.get $ptr) (i32.const 16)))
        (loop $byte
          (local.set $c (i32.load8_u (local.get $ptr)))
          (if (i32.or (i32.eq (local.get $c) (i32.const 9)) (i32.lt_u (i32.sub (local.get $c) (i32.const 0x20)) (i32.const 0x5f)))
            (then (local.set $ptr (i32.add (local.get $ptr) (i32.const 1))))
            (else
              ;; C2/C3 with a byte after it, then that byte a continuation: nested, because
              ;; i32.and evaluates both sides, and the byte after the last may be past the memory.
              (if (i32.and (i32.eq (i32.and (local.get $c) (i32.const 0xfe)) (i32.const 0xc2))
                           (i32.lt_u (i32.add (local.get $ptr) (i32.const 1)) (local.get $end)))
                (then
                  (if (i32.eq (i32.and (i32.load8_u offset=1 (local.get $ptr)) (i32.const 0xc0)) (i32.const 0x80))
                    (then (local.set $ptr (i32.add (local.get $ptr) (i32.const 2))))
                    (else (return (i32.const 0)))))
                (else (return (i32.const 0))))))
          (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
          (br_if $byte (i32.lt_u (local.get $ptr) (local.get $block))))
        (br $next)))
    (i32.const 1))

  ;; A request target: visible ASCII, starting with `/`, a lone `*`, or http(s)://.
  (func $target (param $ptr i32) (param $len i32) (result i32)
    (local $i i32) (local $at i32)
    (if (i32.eqz (local.get $len)) (then (return (i32.const 0))))
    (if (i32.eqz (call $inside (local.get $ptr) (local.get $len))) (then (return (i32.const 1))))
    (block $scanned
      (loop $next
        (br_if $scanned (i32.ge_u (local.get $i) (local.get $len)))
        (if (i32.le_u (i32.add (local.get $i) (i32.const 16)) (local.get $len))
          (then
            (br_if 2 (i32.eqz (i8x16.all_true
              (i8x16.lt_u (i8x16.sub (v128.load (i32.add (local.get $ptr) (local.get $i))) (v128.const i8x16 0x21 0x21 0x21 0x21 0x21 0x21 0x21 0x21 0x21 0x21 0x21 0x21 0x21 0x21 0x21 0x21))
                          (v128.const i8x16 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e)))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $next)))
        ;; The last partial block, read whole where the memory allows: its lanes all visible ASCII, scanned.
        (if (call $block (i32.add (local.get $ptr) (local.get $i)))
          (then
            (br_if 2 (i32.eqz (i8x16.all_true (v128.or
              (i8x16.lt_u (i8x16.sub (v128.load (i32.add (local.get $ptr) (local.get $i))) (v128.const i8x16 0x21 0x21 0x21 0x21 0x21 0x21 0x21 0x21 0x21 0x21 0x21 0x21 0x21 0x21 0x21 0x21))
                          (v128.const i8x16 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e 0x5e))
              (v128.not (call $lanes (i32.sub (local.get $len) (local.get $i))))))))
            (local.set $i (local.get $len))
            (br $scanned)))
        (if (i32.ge_u (i32.sub (i32.load8_u (i32.add (local.get $ptr) (local.get $i))) (i32.const 0x21)) (i32.const 0x5e))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    ;; br_if 2 above lands here too: leave the function with 0 unless fully scanned.
    (if (i32.lt_u (local.get $i) (local.get $len)) (then (return (i32.const 0))))
    (if (i32.eq (i32.load8_u (local.get $ptr)) (i32.const 0x2f)) (then (return (i32.const 1))))
    (if (i32.and (i32.eq (i32.load8_u (local.get $ptr)) (i32.const 0x2a)) (i32.eq (local.get $len) (i32.const 1))) (then (return (i32.const 1))))
    (if (i32.lt_u (local.get $len) (i32.const 8)) (then (return (i32.const 0))))
    ;; "http", any case (| 0x20 lower-cases a letter), then an optional "s", then "://".
    (if (i32.ne (i32.or (i32.load (local.get $ptr)) (i32.const 0x20202020)) (i32.const 0x70747468)) (then (return (i32.const 0))))
    (local.set $at (i32.add (local.get $ptr)
      (select (i32.const 5) (i32.const 4) (i32.eq (i32.or (i32.load8_u offset=4 (local.get $ptr)) (i32.const 0x20)) (i32.const 0x73)))))
    (i32.and
      (i32.eq (i32.load8_u (local.get $at)) (i32.const 0x3a))
      (i32.and (i32.eq (i32.load8_u offset=1 (local.get $at)) (i32.const 0x2f)) (i32.eq (i32.load8_u offset=2 (local.get $at)) (i32.const 0x2f)))))

  ;; The header list at `at`: 0, or the reason (3 name, 4 value).
  (func $headers (param $at i32) (result i32)
    (local $base i32) (local $n i32) (local $e i32) (local $end i32)
    (local.set $base (i32.load (local.get $at)))
    (local.set $n (i32.load offset=4 (local.get $at)))
    (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
    (if (i32.or (i32.and (local.get $base) (i32.const 3))
          (i64.gt_u
            (i64.add (i64.extend_i32_u (local.get $base)) (i64.shl (i64.extend_i32_u (local.get $n)) (i64.const 4)))
            (i64.shl (i64.extend_i32_u (memory.size $m)) (i64.const 16))))
      (then (return (i32.const 0))))
    (local.set $e (local.get $base))
    (local.set $end (i32.add (local.get $base) (i32.shl (local.get $n) (i32.const 4))))
    (loop $next
      (if (i32.eqz (call $token (i32.load (local.get $e)) (i32.load offset=4 (local.get $e)))) (then (return (i32.const 3))))
      (if (i32.eqz (call $value (i32.load offset=8 (local.get $e)) (i32.load offset=12 (local.get $e)))) (then (return (i32.const 4))))
      (local.set $e (i32.add (local.get $e) (i32.const 16)))
      (br_if $next (i32.lt_u (local.get $e) (local.get $end))))
    (i32.const 0))

  ;; A request record at `rec` (36 bytes: method, uri, headers, body).
  (func (export "request") (param $rec i32) (result i32)
    (if (i32.or (i32.and (local.get $rec) (i32.const 3)) (i32.eqz (call $inside (local.get $rec) (i32.const 36))))
      (then (return (i32.const 0))))
    (if (i32.eqz (call $token (i32.load (local.get $rec)) (i32.load offset=4 (local.get $rec)))) (then (return (i32.const 1))))
    (if (i32.eqz (call $target (i32.load offset=8 (local.get $rec)) (i32.load offset=12 (local.get $rec)))) (then (return (i32.const 2))))
    (call $headers (i32.add (local.get $rec) (i32.const 16))))

  ;; A response record at `rec` (20 bytes: status, headers, body).
  (func (export "response") (param $rec i32) (result i32)
    (local $status i32)
    (if (i32.or (i32.and (local.get $rec) (i32.const 3)) (i32.eqz (call $inside (local.get $rec) (i32.const 20))))
      (then (return (i32.const 0))))
    (local.set $status (i32.load16_u (local.get $rec)))
    (if (i32.or (i32.lt_u (local.get $status) (i32.const 200)) (i32.gt_u (local.get $status) (i32.const 599))) (then (return (i32.const 5))))
    (if (i32.and (i32.or (i32.eq (local.get $status) (i32.const 204)) (i32.eq (local.get $status) (i32.const 304)))
          (i32.ne (i32.load offset=16 (local.get $rec)) (i32.const 0)))
      (then (return (i32.const 6))))
    (call $headers (i32.add (local.get $rec) (i32.const 4))))
)
