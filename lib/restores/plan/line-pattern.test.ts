import { describe, expect, it } from "vitest";
import { checkLinePattern, checkReplacement, compileRewrite, countWildcards } from "@/lib/restores/plan/line-pattern";

describe("line patterns (rewrite rules)", () => {
  const rewrite = (pattern: string, replacement: string, line: string) => compileRewrite(pattern, replacement)(line);

  it("match whole lines only: literal text, * and ?", () => {
    expect(rewrite("bind 127.0.0.1 ::1", "bind 127.0.0.1 -::1", "bind 127.0.0.1 ::1")).toBe("bind 127.0.0.1 -::1");
    expect(rewrite("bind 127.0.0.1 ::1", "x", " bind 127.0.0.1 ::1")).toBeNull();
    expect(rewrite("bind 127.0.0.1 ::1", "x", "bind 127.0.0.1 ::1 # no")).toBeNull();
    expect(rewrite("bind * ::1", "bind \\1 -::1", "bind 10.0.0.1 127.0.0.1 ::1")).toBe("bind 10.0.0.1 127.0.0.1 -::1");
    expect(rewrite("port ????", "port 7\\2\\3\\4", "port 6379")).toBe("port 7379");
    expect(rewrite("port ????", "x", "port 63790")).toBeNull();
  });

  it("gives each * the least it can take, left to right, and \\\\ a backslash", () => {
    expect(rewrite("*=*", "[\\1][\\2]", "a=b=c")).toBe("[a][b=c]");
    expect(rewrite("*a*a*", "\\1|\\2|\\3", "xaayaz")).toBe("x||yaz");
    expect(rewrite("a\\*b", "ok \\\\", "a*b")).toBe("ok \\");
    expect(rewrite("a\\*b", "ok", "axb")).toBeNull();
    expect(rewrite("mail_location = maildir:*", "mail_driver = maildir\\nmail_path = \\1", "mail_location = maildir:~/M")).toBe(
      "mail_driver = maildir\nmail_path = ~/M",
    );
    expect(rewrite("*", "", "")).toBeNull(); // a pattern of only * is refused
  });

  it("compares bytes: ? is one byte of UTF-8, and the rest of the line is kept byte for byte", () => {
    expect(rewrite("name = ??", "name = \\1\\2!", "name = é")).toBe("name = é!");
    expect(rewrite("* ☃", "\\1 snow", "let it ☃")).toBe("let it snow");
  });

  it("stays linear on a hostile pattern and line (no backtracking)", () => {
    const line = "a".repeat(100_000);
    const pattern = `${"*a".repeat(4)}*b`;
    const started = Date.now();
    expect(rewrite(pattern, "x", line)).toBeNull();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("refuses malformed patterns and replacements with a sentence", () => {
    expect(checkLinePattern("")).toMatch(/empty/);
    expect(checkLinePattern("**")).toMatch(/every line/);
    expect(checkLinePattern("a\\b")).toMatch(/must be followed/);
    expect(checkLinePattern("a\nb")).toMatch(/one line/);
    expect(checkLinePattern("?".repeat(10))).toMatch(/at most 9 wildcards/);
    expect(checkLinePattern("x".repeat(501))).toMatch(/at most 500/);
    expect(checkLinePattern("bind * ::1")).toBeNull();
    expect(countWildcards("a*b?c\\*")).toBe(2);
    expect(checkReplacement("\\2", 1)).toMatch(/has 1/);
    expect(checkReplacement("\\x", 1)).toMatch(/digit/);
    expect(checkReplacement("a\\\\b \\1", 1)).toBeNull();
  });
});
