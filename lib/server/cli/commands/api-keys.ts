import { API_KEY_SCOPES } from "@/db/schema";
import { isUuid } from "@/lib/server/ids";
import { apiKeyInput, createApiKey, listApiKeys, revokeApiKey } from "@/lib/server/services/api-keys";
import { getCurrentOrg } from "@/lib/server/services/orgs";
import { systemContext, type TenantContext } from "@/lib/server/tenant";
import { reportError } from "../report";
import { EXIT, type CliCommand, type CliIo } from "../types";

/**
 * API keys from the command line, for set-ups that script their integrations. Keys made here act like keys made in
 * the settings; the audit log names the command line as their creator.
 */

const orgOption = { type: "string", required: true, placeholder: "org id", description: "the organisation's id (see org:list)" } as const;

/** The org's context as the command line acts in it; null (reported) when there is no such org. */
async function orgContext(values: Record<string, string | boolean | undefined>, io: CliIo) {
  const orgId = String(values.org ?? "");
  if (!isUuid(orgId)) {
    io.err(`No organisation with id "${orgId}". List them with: npm run cli -- org:list`);
    return null;
  }
  const ctx: TenantContext = systemContext((await io.database()).db, orgId, "cli");
  try {
    return { ctx, org: await getCurrentOrg(ctx) };
  } catch {
    io.err(`No organisation with id "${orgId}". List them with: npm run cli -- org:list`);
    return null;
  }
}

export const apiKeyCreate: CliCommand = {
  name: "apikey:create",
  summary: "Create an API key for an organisation and print it (shown only this once).",
  options: {
    org: orgOption,
    name: { type: "string", placeholder: "name", description: 'what the key is for (default "Command line")' },
    scope: { type: "string", placeholder: API_KEY_SCOPES.join("|"), description: "write (default): read and write; read: GET only" },
    json: { type: "boolean", description: "print JSON (with the key) instead of text" },
  },
  notes: [
    'Example: npm run -s cli -- apikey:create --org 0b6f1c2e-… --name "Power BI" --scope read',
    "Use the key as: curl -H 'Authorization: Bearer i24_…' http://localhost:3000/api/v1/clients",
  ],
  async run(values, io) {
    const input = { name: String(values.name ?? "Command line"), scope: values.scope === undefined ? undefined : String(values.scope) };
    const parsed = apiKeyInput.safeParse(input);
    if (!parsed.success) return reportError(parsed.error, io, { name: "--name", scope: "--scope" });
    const found = await orgContext(values, io);
    if (!found) return EXIT.failed;
    try {
      const { apiKey, key } = await createApiKey(found.ctx, parsed.data);
      if (values.json) {
        io.out(JSON.stringify({ id: apiKey.id, name: apiKey.name, scope: apiKey.scope, prefix: apiKey.prefix, key }));
        return EXIT.ok;
      }
      io.out(`Created API key "${apiKey.name}" (${apiKey.scope}, id ${apiKey.id}) for "${found.org.name}":`);
      io.out(key);
      io.out("Store it now: it cannot be shown again. Revoke it with apikey:revoke or in Settings → API keys.");
      return EXIT.ok;
    } catch (error) {
      return reportError(error, io, { name: "--name", scope: "--scope" });
    }
  },
};

export const apiKeyList: CliCommand = {
  name: "apikey:list",
  summary: "List an organisation's API keys (prefixes only; keys are never stored).",
  options: {
    org: orgOption,
    json: { type: "boolean", description: "print JSON instead of a table" },
  },
  async run(values, io) {
    const found = await orgContext(values, io);
    if (!found) return EXIT.failed;
    const keys = await listApiKeys(found.ctx);
    const when = (value: Date | null) => (value ? value.toISOString().slice(0, 16).replace("T", " ") : "-");
    if (values.json) {
      io.out(
        JSON.stringify(
          keys.map((k) => ({
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            scope: k.scope,
            createdAt: k.createdAt.toISOString(),
            lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
            revokedAt: k.revokedAt?.toISOString() ?? null,
          })),
          null,
          2,
        ),
      );
      return EXIT.ok;
    }
    if (keys.length === 0) {
      io.out(`"${found.org.name}" has no API keys. Create one with: npm run cli -- apikey:create --org ${found.ctx.orgId}`);
      return EXIT.ok;
    }
    const rows = [
      ["ID", "NAME", "KEY", "SCOPE", "CREATED", "LAST USED", "REVOKED"],
      ...keys.map((k) => [k.id, k.name, `${k.prefix}…`, k.scope, when(k.createdAt), when(k.lastUsedAt), when(k.revokedAt)]),
    ];
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    for (const row of rows) io.out(row.map((cell, column) => cell.padEnd(widths[column])).join("  ").trimEnd());
    return EXIT.ok;
  },
};

export const apiKeyRevoke: CliCommand = {
  name: "apikey:revoke",
  summary: "Revoke an API key: its next request is refused with 401.",
  options: {
    org: orgOption,
    id: { type: "string", required: true, placeholder: "key id", description: "the key's id (see apikey:list)" },
  },
  async run(values, io) {
    const found = await orgContext(values, io);
    if (!found) return EXIT.failed;
    try {
      const apiKey = await revokeApiKey(found.ctx, String(values.id));
      io.out(`Revoked API key "${apiKey.name}" (${apiKey.prefix}…) of "${found.org.name}".`);
      return EXIT.ok;
    } catch (error) {
      return reportError(error, io);
    }
  },
};
