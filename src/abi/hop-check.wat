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

  ;; RFC 9110 token characters as two 64-bit masks (bytes 0-63, 64-127).
  (func $tokenByte (param $c i32) (result i32)
    (if (i32.ge_u (local.get $c) (i32.const 128)) (then (return (i32.const 0))))
    (i32.wrap_i64
      (i64.and
        (i64.shr_u
          (select (i64.const 6341068274398134270) (i64.const 288068722172624896) (i32.ge_u (local.get $c) (i32.const 64)))
          (i64.extend_i32_u (i32.and (local.get $c) (i32.const 63))))
        (i64.const 1))))

  ;; A non-empty run of token bytes; 1 (left to the copy) when out of bounds.
  (func $token (param $ptr i32) (param $len i32) (result i32)
    (local $end i32)
    (if (i32.eqz (local.get $len)) (then (return (i32.const 0))))
    (if (i32.eqz (call $inside (local.get $ptr) (local.get $len))) (then (return (i32.const 1))))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (loop $next
      (if (i32.eqz (call $tokenByte (i32.load8_u (local.get $ptr)))) (then (return (i32.const 0))))
      (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $ptr) (local.get $end))))
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
        ;; Else byte by byte through this block (a pair may end past it).
        (local.set $block (i32.add (local.get $ptr) (i32.const 16)))
        (loop $byte
          (local.set $c (i32.load8_u (local.get $ptr)))
          (if (i32.or (i32.eq (local.get $c) (i32.const 9)) (i32.lt_u (i32.sub (local.get $c) (i32.const 0x20)) (i32.const 0x5f)))
            (then (local.set $ptr (i32.add (local.get $ptr) (i32.const 1))))
            (else
              (if (i32.and
                    (i32.and (i32.eq (i32.and (local.get $c) (i32.const 0xfe)) (i32.const 0xc2))
                             (i32.lt_u (i32.add (local.get $ptr) (i32.const 1)) (local.get $end)))
                    (i32.eq (i32.and (i32.load8_u offset=1 (local.get $ptr)) (i32.const 0xc0)) (i32.const 0x80)))
                (then (local.set $ptr (i32.add (local.get $ptr) (i32.const 2))))
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
