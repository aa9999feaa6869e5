/**
 * `npm run cli -- <command>`: operator commands for self-hosted set-ups (see lib/server/cli/commands/).
 * `npm run cli -- --help` lists them.
 */
import { processIo, runCli } from "@/lib/server/cli";

const io = processIo();
let code: number;
try {
  code = await runCli(process.argv.slice(2), io);
} finally {
  await io.close();
}
process.exit(code!);
