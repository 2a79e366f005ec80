// CLI: npm run emulator -- --port 9030 --http-port 8040 --profile 3.3 --backends 3 --kafka <bootstrap> ...
// Prints one line when ready and runs until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { PROFILE_IDS, startEmulator } from './index.ts';

const USAGE = `Usage: node emulator/main.ts [options]
  --port <n>                   MySQL port (default 9030; 0 = any free port)
  --http-port <n>              HTTP port: error logs + /_emulator/ admin endpoints (default 8040; 0 = any)
  --profile <id>               ${PROFILE_IDS.join(' | ')} (default 3.3)
  --backends <n>               alive backends at start (default 1)
  --kafka <bootstrap>          Kafka for jobs whose broker hosts are not IP literals/localhost
  --registry <url>             schema registry for jobs whose registry host is not an IP literal/localhost
  --data-dir <dir>             persist the FE image (restart continues from it)
  --scheduler-interval-ms <n>  job scheduler period (default 10000)
  --batch-interval-ms <n>      task cadence instead of max_batch_interval
  --task-poll-ms <n>           how often running tasks are polled (default 50; benchmarks with 1,000s of jobs raise it)
  --user <name> --password <p> credentials (default root / empty)
  --time-zone <tz>             default session time_zone (default Asia/Shanghai)`;

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9030' },
    'http-port': { type: 'string', default: '8040' },
    profile: { type: 'string', default: '3.3' },
    backends: { type: 'string', default: '1' },
    kafka: { type: 'string' },
    registry: { type: 'string' },
    'data-dir': { type: 'string' },
    'scheduler-interval-ms': { type: 'string', default: '10000' },
    'batch-interval-ms': { type: 'string' },
    'task-poll-ms': { type: 'string' },
    user: { type: 'string', default: 'root' },
    password: { type: 'string', default: '' },
    'time-zone': { type: 'string', default: 'Asia/Shanghai' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const emulator = await startEmulator({
  profile: values.profile,
  backends: Number(values.backends),
  mysqlPort: Number(values.port),
  httpPort: Number(values['http-port']),
  schedulerIntervalMs: Number(values['scheduler-interval-ms']),
  user: values.user,
  password: values.password,
  timeZone: values['time-zone'],
  ...(values.kafka ? { kafka: values.kafka } : {}),
  ...(values.registry ? { registry: values.registry } : {}),
  ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
  ...(values['batch-interval-ms'] ? { batchIntervalMs: Number(values['batch-interval-ms']) } : {}),
  ...(values['task-poll-ms'] ? { taskPollMs: Number(values['task-poll-ms']) } : {}),
});
console.log(
  `StarRocks FE emulator (profile ${emulator.profile}, ${emulator.version}) ready: mysql=127.0.0.1:${emulator.mysqlPort} http=127.0.0.1:${emulator.httpPort}`,
);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await emulator.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
