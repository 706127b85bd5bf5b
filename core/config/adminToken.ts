// Which admin token is in force, decided in one place: the variable VLLM_POOLS_ADMIN_TOKEN first, then the config's
// `admin.token` (already resolved from its literal or ${env:..}/${secret:..} reference), else none. The config loader,
// the sidecar and the extension (which hands the token it will use to the sidecar in that variable) all ask this.

export const ADMIN_TOKEN_ENV = 'VLLM_POOLS_ADMIN_TOKEN';

export function adminTokenInForce(configToken: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return env[ADMIN_TOKEN_ENV] || configToken || undefined;
}
