import { createUserWithToken } from "../fixtures/users";
import { expect, test } from "../fixtures/test";

// A user changes their own password on the Account page: the current one is asked, the new one
// twice; their other sessions end, this one stays; the old password no longer signs in. An API
// token cannot change it.

test("a viewer changes their own password; other sessions end and the old password stops working", async ({
  browser,
  request,
  baseURL,
}) => {
  const person = await createUserWithToken(request, baseURL!, "viewer");
  const newPassword = `${person.password}-new`;
  const context = await browser.newContext({ storageState: undefined });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Name", { exact: true }).fill(person.name);
  await page.getByLabel("Password", { exact: true }).fill(person.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/overview$/);

  await page.goto("/account");
  const form = page.getByRole("form", { name: "Change your password" });
  await form.getByLabel("Current password").fill("not-my-password");
  await form.getByLabel("New password", { exact: true }).fill(newPassword);
  await form.getByLabel("New password again").fill(`${newPassword}x`);
  await expect(form.getByText("The two new passwords differ.")).toBeVisible();
  await expect(form.getByRole("button", { name: "Change password" })).toBeDisabled();
  await form.getByLabel("New password again").fill(newPassword);
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByRole("alert")).toHaveText("The current password is wrong.");

  await form.getByLabel("Current password").fill(person.password);
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByTestId("password-changed")).toContainText("Password changed");

  // This browser stays signed in; the session made by the fixture (another "browser") was ended.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Account" })).toBeVisible();
  const other = await fetch(`${baseURL}/api/auth/session`, { headers: { cookie: person.cookie } });
  expect(((await other.json()) as { user: unknown }).user).toBeNull();

  // The old password no longer signs in; the new one does.
  const signIn = (password: string) =>
    fetch(`${baseURL}/api/auth/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: person.name, password }),
    });
  const oldSignIn = await signIn(person.password);
  expect(oldSignIn.status).toBe(401);
  const newSignIn = await signIn(newPassword);
  expect(newSignIn.status).toBe(200);

  // An API token (still valid) cannot change the password.
  const byToken = await fetch(`${baseURL}/api/auth/password`, {
    method: "PUT",
    headers: { authorization: `Bearer ${person.token}`, "content-type": "application/json" },
    body: JSON.stringify({ currentPassword: newPassword, newPassword: `${newPassword}-again` }),
  });
  expect(byToken.status).toBe(403);
  expect(((await byToken.json()) as { error: { code: string } }).error.code).toBe("session_required");
  await context.close();
});

test("a password change can revoke the user's API tokens; without the box ticked they keep working", async ({
  browser,
  request,
  baseURL,
}) => {
  const person = await createUserWithToken(request, baseURL!, "viewer");
  const tokenWorks = async () =>
    (await fetch(`${baseURL}/api/auth/session`, { headers: { authorization: `Bearer ${person.token}` } })).json() as Promise<{
      user: unknown;
    }>;
  const context = await browser.newContext({ storageState: undefined });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Name", { exact: true }).fill(person.name);
  await page.getByLabel("Password", { exact: true }).fill(person.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/overview$/);
  await page.goto("/account");
  const form = page.getByRole("form", { name: "Change your password" });
  const change = async (from: string, to: string, revoke: boolean) => {
    await form.getByLabel("Current password").fill(from);
    await form.getByLabel("New password", { exact: true }).fill(to);
    await form.getByLabel("New password again").fill(to);
    if (revoke) await form.getByLabel("Also revoke my API tokens").check();
    await form.getByRole("button", { name: "Change password" }).click();
    await expect(form.getByTestId("password-changed")).toContainText(revoke ? "Your API tokens were revoked." : "API tokens keep working.");
  };
  await change(person.password, `${person.password}-2`, false);
  expect((await tokenWorks()).user).toMatchObject({ name: person.name });
  await change(`${person.password}-2`, `${person.password}-3`, true);
  expect((await tokenWorks()).user).toBeNull();
  const refused = await fetch(`${baseURL}/api/engines`, { headers: { authorization: `Bearer ${person.token}` } });
  expect(refused.status).toBe(401);
  await context.close();
});

test("an admin's password reset ends the user's API tokens", async ({ request, baseURL }) => {
  const person = await createUserWithToken(request, baseURL!, "operator");
  const call = () => fetch(`${baseURL}/api/engines`, { headers: { authorization: `Bearer ${person.token}` } });
  expect((await call()).status).toBe(200);
  const users = (await (await request.get("/api/users")).json()) as
    { id: string; name: string }[] | { users: { id: string; name: string }[] };
  const list = Array.isArray(users) ? users : users.users;
  const id = list.find((user) => user.name === person.name)!.id;
  expect((await request.put(`/api/users/${id}`, { data: { password: `${person.password}-reset` } })).status()).toBe(200);
  expect((await call()).status).toBe(401);
});
