// The emulated BE nodes: ids 10001.., all on 127.0.0.1 with the emulator's HTTP port (error logs are served there).
// Only liveness matters to Routine Load: the concurrency formula counts alive BEs, task creation fails with
// REPLICA_FEW while any BE is dead, and the FE auto-resume is gated on dead BEs (§2.5, §3.1).
import type { Profile } from './profiles.ts';

export interface Backend {
  id: number;
  alive: boolean;
  lastStartTime: number;
  lastHeartbeat: number;
  /** Tasks currently placed on this BE (slot accounting, §3.2). */
  runningTasks: number;
}

export class Backends {
  readonly list: Backend[] = [];
  private nextBackendId = 10001;
  httpPort = 8040;

  constructor(count: number) {
    for (let i = 0; i < count; i++) this.add();
  }

  add(): Backend {
    const now = Date.now();
    const be: Backend = {
      id: this.nextBackendId++,
      alive: true,
      lastStartTime: now,
      lastHeartbeat: now,
      runningTasks: 0,
    };
    this.list.push(be);
    return be;
  }

  /** Replaces the list (FE image restore). */
  restore(list: { id: number; alive: boolean }[]): void {
    const now = Date.now();
    this.list.splice(0, this.list.length);
    for (const b of list)
      this.list.push({ id: b.id, alive: b.alive, lastStartTime: now, lastHeartbeat: now, runningTasks: 0 });
    this.nextBackendId = Math.max(10001, ...list.map((b) => b.id + 1));
  }

  get(id: number): Backend | undefined {
    return this.list.find((b) => b.id === id);
  }

  setAlive(id: number, alive: boolean): Backend {
    const be = this.get(id);
    if (!be) throw new Error(`no backend ${id}`);
    if (alive && !be.alive) be.lastStartTime = Date.now();
    be.alive = alive;
    return be;
  }

  remove(id: number): void {
    const i = this.list.findIndex((b) => b.id === id);
    if (i < 0) throw new Error(`no backend ${id}`);
    this.list.splice(i, 1);
  }

  alive(): Backend[] {
    return this.list.filter((b) => b.alive);
  }

  deadCount(): number {
    return this.list.length - this.alive().length;
  }

  /** SHOW BACKENDS rows, one value per column of the profile's layout. */
  rows(profile: Profile, formatTime: (ms: number) => string): (string | null)[][] {
    return this.list.map((be) => {
      const hb = be.alive ? Date.now() : be.lastHeartbeat;
      if (be.alive) be.lastHeartbeat = hb;
      const values: Record<string, string> = {
        BackendId: String(be.id),
        IP: '127.0.0.1',
        HeartbeatPort: '9050',
        BePort: '9060',
        HttpPort: String(this.httpPort),
        BrpcPort: '8060',
        LastStartTime: formatTime(be.lastStartTime),
        LastHeartbeat: formatTime(hb),
        Alive: String(be.alive),
        SystemDecommissioned: 'false',
        ClusterDecommissioned: 'false',
        TabletNum: '0',
        DataUsedCapacity: '0.000 B',
        AvailCapacity: '100.000 GB',
        TotalCapacity: '200.000 GB',
        UsedPct: '50.00 %',
        MaxDiskUsedPct: '50.00 %',
        ErrMsg: be.alive ? '' : 'java.net.ConnectException: Connection refused',
        Version: profile.fullVersion,
        Status: `{"lastSuccessReportTabletsTime":"${formatTime(hb)}"}`,
        DataTotalCapacity: '100.000 GB',
        DataUsedPct: '0.00 %',
        CpuCores: '2',
        MemLimit: '8.000GB',
        NumRunningQueries: '0',
        MemUsedPct: '1.00 %',
        CpuUsedPct: '0.0 %',
        DataCacheMetrics: 'Status: Normal, DiskUsage: 0B/0B, MemUsage: 0B/0B',
        Location: '',
        StatusCode: be.alive ? 'OK' : 'DISCONNECTED',
        StarletPort: '9070',
        WorkerId: String(be.id - 10000),
        WarehouseName: 'default_warehouse',
      };
      return profile.showBackendsColumns.map((c) => values[c] ?? '');
    });
  }
}
