import { unsafeListAllOrgs } from "@/lib/server/services/orgs";
import { EXIT, type CliCommand } from "../types";

/** Lists every organisation on this installation. */
export const orgList: CliCommand = {
  name: "org:list",
  summary: "List all organisations with their member and client counts.",
  options: {
    json: { type: "boolean", description: "print JSON instead of a table" },
  },
  async run(values, io) {
    const orgs = await unsafeListAllOrgs((await io.database()).db);
    if (values.json) {
      io.out(JSON.stringify(orgs.map((org) => ({ ...org, createdAt: org.createdAt.toISOString() })), null, 2));
      return EXIT.ok;
    }
    if (orgs.length === 0) {
      io.out("No organisations yet. Create one with: npm run cli -- user:create --email … --password … --org …");
      return EXIT.ok;
    }
    const rows = [
      ["ID", "NAME", "MEMBERS", "CLIENTS", "CREATED"],
      ...orgs.map((org) => [org.id, org.name, String(org.members), String(org.clients), org.createdAt.toISOString().slice(0, 16).replace("T", " ")]),
    ];
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    for (const row of rows) io.out(row.map((cell, column) => cell.padEnd(widths[column])).join("  ").trimEnd());
    return EXIT.ok;
  },
};
