// A realistic vllm-pools.yaml for the page tests and the screenshots.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${env:..} and ${secret:..} are config references

export const SAMPLE = `# Team GPUs behind one local endpoint: http://127.0.0.1:8800/v1
listen: { host: 127.0.0.1, port: 8800 }
algorithm: least-connections   # default for pools that name none

pools:
  - name: llama-8b
    models: [meta-llama/Llama-3.1-8B-Instruct]
    algorithm: prefix-aware
    replicas:
      - url: http://10.0.0.10:8000
        name: gpu-a
        weight: 2                # the H100
        apiKey: \${env:VLLM_API_KEY}
      - url: http://10.0.0.11:8000
        name: gpu-b
        apiKey: \${secret:gpu-b}
      - url: http://10.0.0.12:8000
        name: gpu-c
    healthCheck: { path: /health, interval: 5s, timeout: 2s, rise: 2, fall: 3 }
    maxFails: 3
    failTimeout: 30s
    timeouts: { connect: 5s, firstByte: 300s, idle: 3600s }
    retries: 2

  - name: qwen-coder
    models: [Qwen/Qwen2.5-Coder-32B-Instruct]
    algorithm: queue-aware
    replicas:
      - url: http://10.0.0.20:8000
        name: coder-1
        apiKey: sk-live-1234567890   # TODO move to a secret
      - url: http://10.0.0.21:8000
        name: coder-2

engineMetrics: { interval: 2s }
limits: { maxBodyBytes: 32MiB }
shutdownGrace: 30s
allowedOrigins: []
admin:
  token: \${env:VLLM_POOLS_ADMIN_TOKEN}
`;
