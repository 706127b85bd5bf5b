// Node flags the sidecar process starts with, from every launcher that spawns it (the extension, the benchmark).
// A proxy keeps few live objects but allocates fast, so V8 grows its young generation to Node's maximum (two 16 MiB
// semi-spaces) and keeps it: about 15 MiB of RSS held after any burst. 4 MiB semi-spaces cost no measurable CPU per
// request (proxy bench: 93-104 µs with 4 MiB vs 95-102 µs default, 3 interleaved runs of 30,000 requests) and keep
// 1,000 open streams under 150 MB (147.3 MiB default vs 139.6 MiB). Run standalone, `NODE_OPTIONS` takes the same flag.
export const SIDECAR_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
