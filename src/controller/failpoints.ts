// Fault injection for crash-safety tests (like etcd's gofail): ROUTINE_LOAD_OPERATOR_FAILPOINTS="after-sql:pause"
// kills the process with SIGKILL right after that step, so nothing is flushed or cleaned up, as in a real crash.
// Unset in production; read once at start.
const points = new Set(
  (process.env.ROUTINE_LOAD_OPERATOR_FAILPOINTS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/** Points: after-sql:<create|alter|pause|resume|stop>, after-pending (intent written), before-status. */
export function failpoint(name: string): void {
  if (points.has(name)) process.kill(process.pid, 'SIGKILL');
}
