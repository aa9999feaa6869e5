/**
 * `npm run dev`: the app on the embedded database at http://localhost:3000, with the Bitrix24 emulator and the demo
 * data inside the same process. `--no-demo` starts an empty app.
 */
import { spawn } from "node:child_process";

const args = process.argv.slice(2);
const port = process.env.PORT ?? "3000";
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PORT: port,
  IMPACT24_DEMO: args.includes("--no-demo") ? "0" : (process.env.IMPACT24_DEMO ?? "1"),
  BITRIX24_ALLOW_INSECURE: process.env.BITRIX24_ALLOW_INSECURE ?? "1",
  NEXT_TELEMETRY_DISABLED: "1",
};

const child = spawn("npx", ["next", "dev", "-p", port], { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
