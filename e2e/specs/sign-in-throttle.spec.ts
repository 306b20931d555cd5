import { expect, test } from "../fixtures/test";
import { uniqueName } from "../fixtures/containers";

// The sign-in limit (5 failures per name in 5 minutes) was checked before the slow password check and
// counted after it, so guesses sent in parallel all got checked. Each attempt now takes its slot first.

test("200 parallel wrong sign-ins for one name: at most 5 are checked, the rest are refused with 429", async ({ baseURL }) => {
  const name = uniqueName("guessed");
  const attempt = (i: number) =>
    fetch(`${baseURL}/api/auth/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name, password: `guess-${i}-wrong` }),
    });
  const statuses = (await Promise.all(Array.from({ length: 200 }, (_, i) => attempt(i)))).map((response) => response.status);
  expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5);
  expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(195);
  expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
  // Another name is not affected.
  const other = await fetch(`${baseURL}/api/auth/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: uniqueName("other"), password: "wrong-password" }),
  });
  expect(other.status).toBe(401);
});
