import { signUp, signUpInput } from "@/lib/server/services/accounts";
import { EXIT, type CliCommand } from "../types";
import { reportError } from "../report";

/** Creates a user and an org they own, as sign-up does, for set-ups without public sign-up. */
export const userCreate: CliCommand = {
  name: "user:create",
  summary: "Create a user and an organisation they own.",
  options: {
    email: { type: "string", required: true, placeholder: "address", description: "the user's e-mail (their sign-in)" },
    password: { type: "string", required: true, placeholder: "password", description: "at least 10 characters" },
    org: { type: "string", required: true, placeholder: "name", description: "name of the organisation they will own" },
    name: { type: "string", placeholder: "name", description: "the user's display name (default: the e-mail's local part)" },
  },
  notes: [
    'Example: npm run cli -- user:create --email ann@example.com --password "a long password" --org "Acme Integrators"',
    "The password is visible in your shell history; the user can change it with “Forgot your password?”.",
  ],
  async run(values, io) {
    const email = String(values.email ?? "");
    const input = {
      email,
      password: String(values.password ?? ""),
      orgName: String(values.org ?? ""),
      name: String(values.name ?? email.split("@")[0] ?? ""),
    };
    const fieldToOption = { email: "--email", password: "--password", orgName: "--org", name: "--name" };
    const parsed = signUpInput.safeParse(input);
    if (!parsed.success) return reportError(parsed.error, io, fieldToOption);
    try {
      const { user, org } = await signUp((await io.database()).db, parsed.data);
      io.out(`Created user ${user.email} (${user.id}), owner of "${org!.name}" (${org!.id}).`);
      return EXIT.ok;
    } catch (error) {
      return reportError(error, io, fieldToOption);
    }
  },
};
