#!/usr/bin/env node
// Command-line entry point of routine-load-operator.
import { VERSION } from '../version.ts';

const HELP = `routine-load-operator ${VERSION}
Manages StarRocks Routine Load jobs (Kafka → StarRocks) as Kubernetes custom resources.

Usage:
  routine-load-operator --help       show this help
  routine-load-operator --version    print the version

Exit codes: 0 success, 2 usage error.`;

export function main(argv: string[]): number {
  const [cmd] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    console.log(HELP);
    return 0;
  }
  if (cmd === '--version' || cmd === 'version') {
    console.log(VERSION);
    return 0;
  }
  console.error(`error: unknown command '${cmd}'\n\n${HELP}`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
