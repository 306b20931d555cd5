import { describe, expect, it } from "vitest";
import { MASK, isSecretName, maskEnv } from "./mask-env";

describe("maskEnv", () => {
  it("masks values of secret-looking names and keeps the rest", () => {
    expect(maskEnv(["DB_PASSWORD=hunter2", "PATH=/usr/bin", "API_TOKEN=abc", "EMPTY_SECRET=", "FLAG"])).toEqual([
      { name: "DB_PASSWORD", value: MASK, masked: true },
      { name: "PATH", value: "/usr/bin", masked: false },
      { name: "API_TOKEN", value: MASK, masked: true },
      { name: "EMPTY_SECRET", value: "", masked: false },
      { name: "FLAG", value: "", masked: false },
    ]);
  });
  it("keeps values containing '=' whole", () => {
    expect(maskEnv(["OPTS=a=b=c"])).toEqual([{ name: "OPTS", value: "a=b=c", masked: false }]);
  });
  it.each(["AWS_SECRET_ACCESS_KEY", "SSH_KEY", "KEY", "PRIVATE_KEY_FILE", "MYSQL_ROOT_PASSWORD", "GITHUB_TOKEN", "SMTP_PASS", "BASIC_AUTH"])("treats %s as secret", (name) => {
    expect(isSecretName(name)).toBe(true);
  });
  it.each(["PATH", "HOME", "MONKEY", "KEYBOARD_LAYOUT", "LANG", "AUTHOR"])("treats %s as plain", (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});
