import type { Browser, Page } from "@playwright/test";
import { expect, newAccount, test } from "./fixtures";

/** The link in the newest outbox e-mail to `to` whose subject matches. */
async function linkFromOutbox(page: Page, to: string, subject: RegExp): Promise<string> {
  await page.goto("/dev/outbox");
  await page.getByRole("row").filter({ hasText: to }).getByRole("link", { name: subject }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(subject);
  const href = await page.locator("[data-outbox-link]").first().getAttribute("href");
  expect(href).toBeTruthy();
  return new URL(href!).pathname;
}

async function freshPage(browser: Browser) {
  const context = await browser.newContext({ locale: "en-US" });
  return context.newPage();
}

test("sign up, invite a member through the outbox, and the member joins the org", async ({ page, account, browser }) => {
  // Signing up created the org, and the user is in it.
  await expect(page.getByRole("combobox", { name: "Organisation" })).toContainText(account.orgName);
  await page.goto("/settings");
  await expect(page.getByLabel("Organisation name")).toHaveValue(account.orgName);

  const member = newAccount("member");
  await page.goto("/settings/members");
  await page.getByLabel("E-mail").fill(member.email);
  await page.getByLabel("Role", { exact: true }).selectOption("analyst");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${member.email}.`)).toBeVisible();
  await expect(page.locator(`[data-invitation="${member.email}"]`)).toContainText("Analyst");

  // The member, in a browser of their own, opens the link from the development outbox.
  const memberPage = await freshPage(browser);
  const invitePath = await linkFromOutbox(memberPage, member.email, /invited you to/);
  expect(invitePath).toMatch(/^\/invite\/[\w-]{20,}$/);
  await memberPage.goto(invitePath);
  await expect(memberPage.getByRole("heading", { name: `Join ${account.orgName}` })).toBeVisible();
  await expect(memberPage.getByText(`as Analyst`)).toBeVisible();

  await memberPage.getByRole("link", { name: "Create an account" }).click();
  await expect(memberPage.getByRole("heading", { name: "Create your account" })).toBeVisible();
  await expect(memberPage.getByLabel("E-mail")).toHaveValue(member.email);
  // Joining an existing org: no company of one's own to name.
  await expect(memberPage.getByLabel("Company name")).toHaveCount(0);
  await memberPage.getByLabel("Your name").fill(member.name);
  await memberPage.getByLabel("Password").fill(member.password);
  await memberPage.getByRole("button", { name: "Create account" }).click();
  await memberPage.waitForURL(`**${invitePath}`);
  await memberPage.getByRole("button", { name: "Accept and join" }).click();
  await memberPage.waitForURL((url) => url.pathname === "/");
  await expect(memberPage.getByRole("combobox", { name: "Organisation" })).toContainText(account.orgName);
  await memberPage.goto("/settings/members");
  await expect(memberPage.getByText("Only owners and admins can manage members.")).toBeVisible();
  await expect(memberPage.locator(`[data-member="${account.email}"]`)).toContainText("Owner");

  // The owner sees the new member; the invitation is no longer pending.
  await page.reload();
  await expect(page.locator(`[data-member="${member.email}"]`)).toBeVisible();
  await expect(page.locator(`[data-invitation="${member.email}"]`)).toHaveCount(0);

  // The link worked once.
  await memberPage.goto(invitePath);
  await expect(memberPage.getByText("This invitation has already been used.")).toBeVisible();
  await memberPage.context().close();
});

test("an unknown invitation link says so", async ({ page }) => {
  await page.goto("/invite/not-a-real-token");
  await expect(page.getByText("This invitation link is not valid.")).toBeVisible();
});

test("the last owner cannot step down or leave", async ({ page, account }) => {
  void account; // signed up, in an org of its own
  await page.goto("/settings/members");
  await page.getByRole("combobox", { name: /^Role of / }).selectOption("admin");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("An organisation must keep at least one owner.")).toBeVisible();

  await page.getByRole("button", { name: "Leave organisation" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Leave", exact: true }).click();
  await expect(dialog.getByText("You are the only owner.")).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await page.reload();
  await expect(page.getByRole("combobox", { name: /^Role of / })).toHaveValue("owner");
});

test("switching the language changes the interface", async ({ page, account }) => {
  void account; // signed up, in an org of its own
  await page.goto("/clients");
  await expect(page.getByRole("heading", { name: "Clients" })).toBeVisible();
  await page.getByRole("combobox", { name: "Language" }).selectOption("ru");
  await expect(page.getByRole("heading", { name: "Клиенты" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  await expect(page.getByRole("link", { name: "Настройки" })).toBeVisible();
  // The choice is kept on the account and for later pages.
  await page.goto("/settings/members");
  await expect(page.getByRole("heading", { name: "Пригласить участника" })).toBeVisible();
  await page.getByRole("combobox", { name: "Язык" }).selectOption("en");
  await expect(page.getByRole("heading", { name: "Invite a member" })).toBeVisible();
});

test("invalid input shows translated field errors in English and Russian", async ({ page, account }) => {
  void account; // signed up, in an org of its own
  await page.goto("/clients/new");
  await page.getByLabel("Base currency").fill("12");
  await page.getByRole("button", { name: "Create client" }).click();
  await expect(page.locator('[data-field-error="name"]')).toHaveText("This field is required.");
  await expect(page.locator('[data-field-error="baseCurrency"]')).toHaveText(
    "Enter a three-letter currency code, such as RUB or USD.",
  );
  await expect(page.getByRole("textbox", { name: "Name", exact: true })).toHaveAttribute("aria-invalid", "true");

  await page.getByRole("combobox", { name: "Language" }).selectOption("ru");
  await expect(page.getByRole("heading", { name: "Новый клиент" })).toBeVisible();
  await page.getByRole("button", { name: "Создать клиента" }).click();
  await expect(page.locator('[data-field-error="name"]')).toHaveText("Заполните это поле.");

  await page.goto("/settings/members");
  await page.getByLabel("Электронная почта").fill("not-an-address");
  await page.getByRole("button", { name: "Отправить приглашение" }).click();
  await expect(page.locator('[data-field-error="email"]')).toHaveText("Введите корректный адрес электронной почты.");

  await page.getByRole("combobox", { name: "Язык" }).selectOption("en");
  await page.getByLabel("E-mail").fill("not-an-address");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.locator('[data-field-error="email"]')).toHaveText("Enter a valid e-mail address.");
});

test("clients: create, find, edit, archive and restore", async ({ page, account }) => {
  void account; // signed up, in an org of its own
  await page.goto("/clients");
  await expect(page.getByText("No clients yet")).toBeVisible();
  await page.getByRole("link", { name: "New client" }).first().click();
  await expect(page.getByRole("heading", { name: "New client" })).toBeVisible();
  await page.getByRole("textbox", { name: "Name", exact: true }).fill("Romashka LLC");
  await page.getByLabel("Time zone").selectOption("Asia/Yekaterinburg");
  await page.getByLabel("CRM go-live date").fill("2025-03-01");
  await page.getByRole("button", { name: "Create client" }).click();
  await expect(page.getByRole("heading", { name: "Romashka LLC" })).toBeVisible();
  await expect(page.getByText("Asia/Yekaterinburg")).toBeVisible();

  await page.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { name: "Edit Romashka LLC" })).toBeVisible();
  await page.getByLabel("Status").selectOption("prospect");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { name: "Romashka LLC" })).toBeVisible();
  await expect(page.getByText("Prospect").first()).toBeVisible();

  await page.getByRole("button", { name: "Archive" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Archive client" }).click();
  await expect(page.getByText("This client is archived").first()).toBeVisible();
  await page.goto("/clients?q=romashka");
  await expect(page.getByText("No clients match")).toBeVisible();
  await page.getByLabel("Show").selectOption("archived");
  await page.getByRole("button", { name: "Apply" }).click();
  await page.getByRole("link", { name: "Romashka LLC" }).click();
  await expect(page.getByRole("heading", { name: "Romashka LLC" })).toBeVisible();
  await page.getByRole("button", { name: "Restore" }).click();
  await expect(page.getByRole("button", { name: "Archive" })).toBeVisible();
  await expect(page.getByText("Prospect").first()).toBeVisible();
  // The restore button is gone with the re-render; the page's status region says what happened.
  await expect(page.getByRole("status").filter({ hasText: "Client restored." })).toBeAttached();

  await page.goto("/settings/audit");
  for (const text of ["Created client Romashka LLC", "Edited client Romashka LLC", "Archived client Romashka LLC", "Restored client Romashka LLC"]) {
    await expect(page.getByText(text)).toBeVisible();
  }
});

test("password reset by e-mailed link works once", async ({ page, account, browser }) => {
  const visitor = await freshPage(browser);
  await visitor.goto("/sign-in");
  await visitor.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(visitor.getByRole("heading", { name: "Reset your password" })).toBeVisible();
  await visitor.getByLabel("E-mail").fill(account.email);
  await visitor.getByRole("button", { name: "Send reset link" }).click();
  await expect(visitor.getByText("If an account exists for that address")).toBeVisible();

  const resetPath = await linkFromOutbox(visitor, account.email, /Reset your Impact24 password/);
  await visitor.goto(resetPath);
  await visitor.getByLabel("New password").fill("a brand new password");
  await visitor.getByLabel("Repeat the password").fill("a different password");
  await visitor.getByRole("button", { name: "Set password" }).click();
  await expect(visitor.locator('[data-field-error="confirm"]')).toHaveText("The passwords do not match.");
  await visitor.getByLabel("New password").fill("a brand new password");
  await visitor.getByLabel("Repeat the password").fill("a brand new password");
  await visitor.getByRole("button", { name: "Set password" }).click();
  await expect(visitor.getByText("Your password has been changed.")).toBeVisible();

  await visitor.goto(resetPath);
  await expect(visitor.getByText("This reset link has expired or has already been used.")).toBeVisible();

  await visitor.goto("/sign-in");
  await visitor.getByLabel("E-mail").fill(account.email);
  await visitor.getByLabel("Password").fill(account.password);
  await visitor.getByRole("button", { name: "Sign in" }).click();
  await expect(visitor.getByText("Wrong e-mail or password.")).toBeVisible();
  await visitor.getByLabel("Password").fill("a brand new password");
  await visitor.getByRole("button", { name: "Sign in" }).click();
  await visitor.waitForURL((url) => url.pathname === "/");
  await visitor.context().close();
  void page;
});
