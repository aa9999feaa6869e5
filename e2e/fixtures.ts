import { test as base, expect, type Page } from "@playwright/test";
import crypto from "node:crypto";

export interface Account {
  name: string;
  email: string;
  password: string;
  orgName: string;
}

/** A new, unique account description; every spec works in orgs of its own. */
export function newAccount(label = "user"): Account {
  const id = crypto.randomBytes(4).toString("hex");
  return {
    name: `${label} ${id}`,
    email: `${label}-${id}@example.test`,
    password: `pw-${id}-long-enough`,
    orgName: `Org ${label} ${id}`,
  };
}

/** Signs up through the form (English UI) and waits for the signed-in home page. */
export async function signUp(page: Page, account: Account = newAccount()): Promise<Account> {
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill(account.name);
  await page.getByLabel("E-mail").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByLabel("Company name").fill(account.orgName);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-up"));
  return account;
}

/** Signs in through the form (English UI). */
export async function signIn(page: Page, account: Pick<Account, "email" | "password">, next?: string) {
  await page.goto(next ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in");
  await page.getByLabel("E-mail").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
}

export const test = base.extend<{ account: Account }>({
  account: async ({ page }, use) => {
    await use(await signUp(page));
  },
});

export { expect };
