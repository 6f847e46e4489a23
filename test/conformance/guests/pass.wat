;; The conformance guest in hand-written WAT: passes the request on with
;; `x-echo-trail: wat` appended, and appends `x-echo: wat` to the response, as
;; middleware/echo does in pass mode. A bump allocator; each post-return frees
;; everything the call allocated. The three strings sit 32 bytes apart, room for their
;; UTF-16 forms: test/conformance/build.ts also builds this guest with UTF-16 strings.
(module
  (memory (export "memory") 1)
  ;; 0..40: the return area; 64: the strings.
  (data (i32.const 64) "x-echo-trail")
  (data (i32.const 96) "x-echo")
  (data (i32.const 128) "wat")
  (global $base i32 (i32.const 1024))
  (global $heap (mut i32) (i32.const 1024))

  (func $alloc (param $align i32) (param $size i32) (result i32)
    (local $p i32) (local $end i32) (local $pages i32)
    (local.set $p
      (i32.and
        (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get $align))))
    (local.set $end (i32.add (local.get $p) (local.get $size)))
    (if (i32.gt_u (local.get $end) (i32.shl (memory.size) (i32.const 16)))
      (then
        (local.set $pages
          (i32.sub
            (i32.shr_u (i32.add (local.get $end) (i32.const 65535)) (i32.const 16))
            (memory.size)))
        (if (i32.eq (memory.grow (local.get $pages)) (i32.const -1)) (then unreachable))))
    (global.set $heap (local.get $end))
    (local.get $p))

  (func (export "cabi_realloc") (param $old i32) (param $oldSize i32) (param $align i32) (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (call $alloc (local.get $align) (local.get $size)))
    (if (local.get $old)
      (then (memory.copy (local.get $p) (local.get $old)
        (select (local.get $oldSize) (local.get $size) (i32.lt_u (local.get $oldSize) (local.get $size))))))
    (local.get $p))

  ;; A copy of the header list (ptr, len) with (name, "wat") appended; returns its pointer.
  (func $append (param $hp i32) (param $hl i32) (param $name i32) (param $nameLen i32) (result i32)
    (local $new i32) (local $at i32)
    (local.set $new (call $alloc (i32.const 4) (i32.shl (i32.add (local.get $hl) (i32.const 1)) (i32.const 4))))
    (memory.copy (local.get $new) (local.get $hp) (i32.shl (local.get $hl) (i32.const 4)))
    (local.set $at (i32.add (local.get $new) (i32.shl (local.get $hl) (i32.const 4))))
    (i32.store offset=0 (local.get $at) (local.get $name))
    (i32.store offset=4 (local.get $at) (local.get $nameLen))
    (i32.store offset=8 (local.get $at) (i32.const 128))
    (i32.store offset=12 (local.get $at) (i32.const 3))
    (local.get $new))

  (func (export "witline:middleware/config@0.1.0#configure") (param i32 i32) (result i32)
    (i32.store8 (i32.const 0) (i32.const 0))
    (i32.const 0))

  (func (export "witline:middleware/request-handler@0.1.0#on-request")
    (param $mp i32) (param $ml i32) (param $up i32) (param $ul i32) (param $hp i32) (param $hl i32)
    (param $bt i32) (param $bp i32) (param $bl i32) (result i32)
    (i32.store8 offset=0 (i32.const 0) (i32.const 0))
    (i32.store offset=4 (i32.const 0) (local.get $mp))
    (i32.store offset=8 (i32.const 0) (local.get $ml))
    (i32.store offset=12 (i32.const 0) (local.get $up))
    (i32.store offset=16 (i32.const 0) (local.get $ul))
    (i32.store offset=20 (i32.const 0) (call $append (local.get $hp) (local.get $hl) (i32.const 64) (i32.const 12)))
    (i32.store offset=24 (i32.const 0) (i32.add (local.get $hl) (i32.const 1)))
    (i32.store8 offset=28 (i32.const 0) (local.get $bt))
    (i32.store offset=32 (i32.const 0) (local.get $bp))
    (i32.store offset=36 (i32.const 0) (local.get $bl))
    (i32.const 0))

  (func (export "witline:middleware/response-handler@0.1.0#on-response")
    (param i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (param $st i32) (param $hp i32) (param $hl i32) (param $bp i32) (param $bl i32) (result i32)
    (i32.store16 offset=0 (i32.const 0) (local.get $st))
    (i32.store offset=4 (i32.const 0) (call $append (local.get $hp) (local.get $hl) (i32.const 96) (i32.const 6)))
    (i32.store offset=8 (i32.const 0) (i32.add (local.get $hl) (i32.const 1)))
    (i32.store offset=12 (i32.const 0) (local.get $bp))
    (i32.store offset=16 (i32.const 0) (local.get $bl))
    (i32.const 0))

  (func $free (param i32) (global.set $heap (global.get $base)))
  (export "cabi_post_witline:middleware/request-handler@0.1.0#on-request" (func $free))
  (export "cabi_post_witline:middleware/response-handler@0.1.0#on-response" (func $free))
)
