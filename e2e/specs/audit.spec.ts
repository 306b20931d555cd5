import { createUserWithToken } from "../fixtures/users";
import { expect, test } from "../fixtures/test";

// The audit page shows the newest 500 events of a filter and loads older ones on request.

test("the audit page pages: the newest 500, then the older ones on request", async ({ page, request, baseURL }) => {
  const person = await createUserWithToken(request, baseURL!, "viewer");
  // 501 events by this user (one token.create each, plus the token the fixture made and its sign-in).
  for (let batch = 0; batch < 50; batch++) {
    await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        fetch(`${baseURL}/api/tokens`, {
          method: "POST",
          headers: { authorization: `Bearer ${person.token}`, "content-type": "application/json" },
          body: JSON.stringify({ name: `t${batch}-${index}` }),
        }).then((response) => expect(response.status).toBe(201)),
      ),
    );
  }
  const api = await (
    await fetch(`${baseURL}/api/audit?actor=${encodeURIComponent(person.name)}&limit=500`, {
      headers: { authorization: `Bearer ${person.token}` },
    })
  ).json();
  const total = (api as { total: number }).total;
  expect(total).toBe(502);

  await page.goto("/audit");
  await page.getByLabel("Actor", { exact: true }).selectOption(person.name);
  const rows = page.locator(`[data-testid=audit-row][data-actor="${person.name}"]`);
  await expect(rows).toHaveCount(500);
  await expect(page.getByText(`The newest 500 of ${total} events`)).toBeVisible();
  await page.getByRole("button", { name: `Load ${total - 500} older events` }).click();
  await expect(rows).toHaveCount(total);
  await expect(page.getByText(`${total} events`, { exact: false })).toBeVisible();
  await expect(page.getByRole("button", { name: /older events/ })).toHaveCount(0);
  // The oldest is the fixture's sign-in, at the bottom.
  await expect(rows.last()).toHaveAttribute("data-action", "auth.sign-in");
});
