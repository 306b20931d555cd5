import { describe, expect, it } from "vitest";
import { createSession, findSessionUser } from "@/lib/auth/session-store";
import { createToken, findTokenUser } from "@/lib/auth/token-store";
import { changeOwnPassword, createUser, updateUser } from "@/lib/auth/user-store";

// Whoever learnt a password may have made an API token with it: a password reset by an admin ends
// the user's sessions and tokens; a change of one's own password ends the other sessions and, when
// asked, the tokens.

const unique = () => `tok-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const PASSWORD = "first-password-123";

describe("tokens and password changes", () => {
  it("an admin's reset ends the user's sessions and API tokens", async () => {
    const user = await createUser({ name: unique(), password: PASSWORD, role: "operator" }, "tester");
    const { token } = await createToken(user, "script");
    const session = await createSession(user.id);
    expect(await findTokenUser(token)).toMatchObject({ id: user.id });
    await updateUser(user.id, { password: "reset-password-456" }, "tester");
    expect(await findTokenUser(token)).toBeNull();
    expect(await findSessionUser(session.token)).toBeNull();
    // A role change alone leaves tokens alone.
    const { token: second } = await createToken(user, "script 2");
    await updateUser(user.id, { role: "viewer" }, "tester");
    expect(await findTokenUser(second)).toMatchObject({ id: user.id });
  });

  it("a self change keeps tokens unless revokeTokens is asked, and keeps the current session", async () => {
    const user = await createUser({ name: unique(), password: PASSWORD, role: "viewer" }, "tester");
    const { token } = await createToken(user, "script");
    const current = await createSession(user.id);
    const other = await createSession(user.id);
    expect(await changeOwnPassword(user.id, { currentPassword: PASSWORD, newPassword: "second-password-123" }, current.token)).toEqual({
      tokensRevoked: 0,
    });
    expect(await findTokenUser(token)).toMatchObject({ id: user.id });
    expect(await findSessionUser(other.token)).toBeNull();
    expect(await findSessionUser(current.token)).toMatchObject({ id: user.id });
    const result = await changeOwnPassword(
      user.id,
      { currentPassword: "second-password-123", newPassword: "third-password-123", revokeTokens: true },
      current.token,
    );
    expect(result).toEqual({ tokensRevoked: 1 });
    expect(await findTokenUser(token)).toBeNull();
    expect(await findSessionUser(current.token)).toMatchObject({ id: user.id });
  });
});
