import { describe, expect, it } from "vitest";
import { MASK, isSecretName, maskEnv, maskUrlCredentials } from "./mask-env";

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
  it.each([
    "AWS_SECRET_ACCESS_KEY",
    "SSH_KEY",
    "KEY",
    "PRIVATE_KEY_FILE",
    "MYSQL_ROOT_PASSWORD",
    "GITHUB_TOKEN",
    "SMTP_PASS",
    "BASIC_AUTH",
  ])("treats %s as secret", (name) => {
    expect(isSecretName(name)).toBe(true);
  });
  it.each(["PATH", "HOME", "MONKEY", "KEYBOARD_LAYOUT", "LANG", "AUTHOR"])("treats %s as plain", (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});

describe("passwords in URLs", () => {
  it("hides the password of a URL in any variable and keeps the rest readable", () => {
    expect(maskEnv(["DATABASE_URL=postgres://u:pw@h/db", "BROKER=amqp://guest:guest@rabbit:5672/vhost", "HOME=/root"])).toEqual([
      { name: "DATABASE_URL", value: `postgres://u:${MASK}@h/db`, masked: true },
      { name: "BROKER", value: `amqp://guest:${MASK}@rabbit:5672/vhost`, masked: true },
      { name: "HOME", value: "/root", masked: false },
    ]);
  });
  it.each([
    ["postgres://u:pw@h/db", `postgres://u:${MASK}@h/db`],
    ["redis://:secret@cache:6379", `redis://:${MASK}@cache:6379`],
    ["https://user:p%40ss:word@example.com?x=1", `https://user:${MASK}@example.com?x=1`],
    ["a=mysql://r:1@db,b=https://x:y@z/q", `a=mysql://r:${MASK}@db,b=https://x:${MASK}@z/q`],
    ["--url http://a:b@h --other", `--url http://a:${MASK}@h --other`],
  ])("masks %s", (value, masked) => {
    expect(maskUrlCredentials(value)).toBe(masked);
  });
  it.each(["https://example.com/a@b", "http://user@host/", "mailto:a@b.c", "postgres://h:5432/db", "http://h/p?u=a:b@c", "plain", "://:@"])(
    "leaves %s alone",
    (value) => {
      expect(maskUrlCredentials(value)).toBe(value);
    },
  );
  it("stays linear on long hostile values", () => {
    const hostile = ["://".repeat(50_000), `x://${"a:".repeat(50_000)}`, `${"a".repeat(100_000)}://${"b".repeat(100_000)}@`];
    const start = performance.now();
    for (const value of hostile) maskUrlCredentials(value);
    expect(performance.now() - start).toBeLessThan(500);
  });
});
