{
  "targets": [
    {
      "target_name": "tcplens_capture",
      "sources": ["native/capture.c", "native/capture-thread.c", "native/privileges.c"],
      "cflags": ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "defines": ["NAPI_VERSION=8"],
      "libraries": ["-lpcap", "-lpthread"]
    }
  ]
}
