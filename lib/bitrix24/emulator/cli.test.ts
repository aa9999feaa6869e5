/** `npm run emulator -- --json`: one JSON line once ready, then a working emulator until SIGTERM. */
import { afterAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { callRest } from "./testing";

const ROOT = path.resolve(import.meta.dirname, "../../..");
let child: ChildProcess | undefined;

afterAll(() => {
  if (child && child.exitCode === null) child.kill("SIGTERM");
});

function firstLine(proc: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    proc.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const nl = out.indexOf("\n");
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    proc.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
    proc.on("exit", (code) => reject(new Error(`exited with ${code}: ${err}`)));
  });
}

describe("scripts/emulator.ts", () => {
  it("prints one JSON line describing the OAuth server, the app and the portals", async () => {
    child = spawn(
      process.execPath,
      ["--import", "tsx", "scripts/emulator.ts", "--json", "--port", "0", "--portals", "2", "--profiles", "healthy,diy", "--deals", "60", "--client-id", "app.cli", "--client-secret", "cli-secret", "--auto-approve"],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    const summary = JSON.parse(await firstLine(child)) as {
      oauthUrl: string;
      app: { clientId: string; clientSecret: string };
      portals: { name: string; profile: string; url: string; domain: string; memberId: string }[];
    };
    expect(summary.app).toEqual({ clientId: "app.cli", clientSecret: "cli-secret" });
    expect(summary.portals.map((p) => [p.name, p.profile])).toEqual([
      ["healthy", "healthy"],
      ["diy", "diy"],
    ]);
    for (const p of summary.portals) {
      expect(p.url).toBe(`http://${p.domain}/`);
      expect(p.memberId).toMatch(/^[0-9a-f]{32}$/);
    }

    const tokens = (await (await fetch(`${summary.oauthUrl}/_emulator/portals/diy/tokens`, { method: "POST" })).json()) as { access_token: string };
    const deals = await callRest(`${summary.portals[1].url}rest/`, "crm.deal.list", { select: ["ID"] }, tokens.access_token);
    expect(deals.body.total).toBe(60);

    const exited = new Promise<number | null>((resolve) => child!.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
