// Entry point of `npx lookout …` (bin/lookout.js): the command line, the process's streams and
// its exit code; the work is run-cli.ts's.
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
});
