// What the status bar item says for a sidecar state and snapshot. No vscode import.
import type { StateSnapshot } from '../core/protocol';

export type SidecarStatus = 'stopped' | 'starting' | 'running' | 'failed';

export interface StatusBarView {
  text: string;
  /** Markdown. */
  tooltip: string;
  /** A replica is down, or the sidecar failed: warning background. */
  warning: boolean;
}

export function statusBarView(
  status: SidecarStatus,
  snapshot: StateSnapshot | undefined,
  detail?: string,
): StatusBarView {
  if (status !== 'running' || !snapshot) {
    const text = { stopped: 'vLLM stopped', starting: 'vLLM starting…', running: 'vLLM …', failed: 'vLLM failed' }[
      status
    ];
    return {
      text,
      tooltip: detail ? `vLLM Pools: ${detail}` : `vLLM Pools sidecar: ${status}`,
      warning: status === 'failed',
    };
  }
  const replicas = snapshot.pools.flatMap((p) => p.replicas);
  const healthy = replicas.filter((r) => r.state === 'healthy').length;
  const down = replicas.filter((r) => r.state === 'unhealthy').length;
  const algorithms = new Set(snapshot.pools.map((p) => p.algorithm));
  const algorithm = algorithms.size > 1 ? 'mixed' : (snapshot.pools[0]?.algorithm ?? snapshot.algorithm);
  const tooltip = [
    `**vLLM Pools** at \`${snapshot.endpoint}\``,
    ...snapshot.pools.map(
      (p) =>
        `- ${p.name}: ${p.replicas.filter((r) => r.state === 'healthy').length}/${p.replicas.length} healthy, \`${p.algorithm}\``,
    ),
    down > 0 ? `${down} replica${down === 1 ? '' : 's'} down` : '',
    'Click to open the dashboard',
  ].filter(Boolean);
  return {
    text: `vLLM ${healthy}/${replicas.length} · ${algorithm}`,
    tooltip: tooltip.join('\n\n'),
    warning: down > 0 || (replicas.length > 0 && healthy === 0),
  };
}
