// Config texts with comments and unusual formatting, for the form <-> YAML mapping tests.

/** Four-space indentation, flow maps, quoted strings, blank lines, comments everywhere, an anchor and an alias. */
export const UNUSUAL = `# vllm-pools config for the team   (keep this header)
listen: { host: 127.0.0.1, port: 8800 }   # loopback only
algorithm: least-connections

pools:
    # the main chat pool
    - name: "llama-8b"
      models: [meta-llama/Llama-3.1-8B-Instruct]
      algorithm: prefix-aware    # cache affinity
      replicas:
          # GPU box A
          - url: http://10.0.0.10:8000
            name: gpu-a
            weight: 2          # bigger card

          # GPU box B (shared)
          - url: 'http://10.0.0.11:8000'
            apiKey: \${env:VLLM_API_KEY}
          - { url: http://10.0.0.12:8000, name: gpu-c }
      healthCheck: &hc { path: /health, interval: 5s, timeout: 2s }
      timeouts: { connect: 5s, firstByte: 300s, idle: 3600s }

    - name: embed
      replicas:
          - url: http://10.0.0.20:8000
      healthCheck: *hc
      retries: 1


engineMetrics:   { interval: 2s }
shutdownGrace: 30s    # let streams finish
allowedOrigins: []
# trailing comment
`;

export const PLAIN = `listen:
  host: 127.0.0.1
  port: 8800
pools:
  - name: small
    replicas:
      - url: http://127.0.0.1:9001
`;
