{
  "targets": [
    {
      "target_name": "witline_watchdog",
      "sources": ["native/watchdog.cc"],
      "defines": ["NAPI_VERSION=8"],
      "cflags_cc": ["-std=c++17", "-O2"]
    }
  ]
}
