import { describe, expect, it } from "vitest";
import type { Rule } from "@/lib/changes/classify/types";
import { DEFAULT_RULES } from "@/lib/rules/language/default-rules";
import { compileRules } from "@/lib/rules/language/match-rules";

const ex = (pattern: string): Rule => ({ pattern, action: "exclude", note: "" });
const inc = (pattern: string): Rule => ({ pattern, action: "include", note: "" });

/** "exclude" / "include" for the deciding rule, or null when no rule matches. */
function actionFor(rules: Rule[], path: string, isDir = false): Rule["action"] | null {
  return compileRules(rules).decide(path, isDir)?.rule.action ?? null;
}

function matches(pattern: string, path: string, isDir = false): boolean {
  return compileRules([ex(pattern)]).matchesRule(0, path, isDir);
}

describe("compileRules ordering", () => {
  it("lets the last matching rule win", () => {
    expect(actionFor([ex("*.conf"), inc("/etc/app.conf")], "/etc/app.conf")).toBe("include");
    expect(actionFor([inc("/etc/app.conf"), ex("*.conf")], "/etc/app.conf")).toBe("exclude");
    expect(compileRules([ex("/etc"), inc("/etc/x"), ex("/etc/x")]).decide("/etc/x", false)?.index).toBe(2);
  });
  it("returns null when no rule matches", () => {
    expect(compileRules([ex("/var/cache")]).decide("/srv/data", false)).toBeNull();
    expect(compileRules([]).decide("/srv/data", false)).toBeNull();
  });
  it("re-includes below an excluded directory (unlike git)", () => {
    const rules = [ex("/var/log"), inc("/var/log/app/**")];
    expect(actionFor(rules, "/var/log/app/access.log")).toBe("include");
    expect(actionFor(rules, "/var/log/app/2024/old.log")).toBe("include");
    expect(actionFor(rules, "/var/log/syslog")).toBe("exclude");
    // "/x/**" covers what is inside, not the folder itself.
    expect(actionFor(rules, "/var/log/app", true)).toBe("exclude");
    expect(actionFor([ex("/var/log"), inc("/var/log/app")], "/var/log/app", true)).toBe("include");
    expect(actionFor([ex("/var/log"), inc("/var/log/app")], "/var/log/app/x.log")).toBe("include");
  });
  it("returns the rule object and its index", () => {
    const rules = [ex("/tmp"), inc("/tmp/keep")];
    expect(compileRules(rules).decide("/tmp/keep/a", false)).toEqual({ index: 1, rule: rules[1] });
  });
});

describe("pattern semantics", () => {
  it("matches everything below a matched directory", () => {
    expect(matches("/var/cache", "/var/cache")).toBe(true);
    expect(matches("/var/cache", "/var/cache/apt/pkgcache.bin")).toBe(true);
    expect(matches("/var/cache", "/var/cache2")).toBe(false);
    expect(matches("/var/cache", "/var")).toBe(false);
  });
  it("anchors patterns containing a slash at the root", () => {
    expect(matches("/etc/hosts", "/etc/hosts")).toBe(true);
    expect(matches("/etc/hosts", "/srv/etc/hosts")).toBe(false);
    expect(matches("etc/hosts", "/etc/hosts")).toBe(true);
    expect(matches("etc/hosts", "/srv/etc/hosts")).toBe(false);
    expect(matches("/core", "/srv/core")).toBe(false);
  });
  it("matches slash-less patterns by name at any depth", () => {
    expect(matches("hosts", "/etc/hosts")).toBe(true);
    expect(matches("hosts", "/srv/etc/hosts")).toBe(true);
    expect(matches("hosts", "/srv/etc/hosts.allow")).toBe(false);
    expect(matches("hosts", "/srv/hosts/readme")).toBe(true);
    expect(matches("*.pid", "/run/nginx.pid")).toBe(true);
    expect(matches("*.pid", "/srv/app/deep/er/worker.pid")).toBe(true);
    expect(matches("*.pid", "/srv/app/worker.pid.txt")).toBe(false);
    expect(matches("*.pid", "/srv/app/pid")).toBe(false);
  });
  it("makes a trailing slash match directories only", () => {
    expect(matches("__pycache__/", "/srv/app/__pycache__", true)).toBe(true);
    expect(matches("__pycache__/", "/srv/app/__pycache__", false)).toBe(false);
    expect(matches("__pycache__/", "/srv/app/__pycache__/mod.cpython-311.pyc")).toBe(true);
    expect(matches("/srv/data/", "/srv/data", true)).toBe(true);
    expect(matches("/srv/data/", "/srv/data", false)).toBe(false);
    expect(matches("/srv/data/", "/srv/data/file")).toBe(true);
    expect(matches("cache*/", "/home/u/cache1", false)).toBe(false);
    expect(matches("cache*/", "/home/u/cache1", true)).toBe(true);
  });
  it("treats ** as any number of folders", () => {
    expect(matches("/srv/**/cache", "/srv/cache")).toBe(true);
    expect(matches("/srv/**/cache", "/srv/a/cache")).toBe(true);
    expect(matches("/srv/**/cache", "/srv/a/b/c/cache/x.bin")).toBe(true);
    expect(matches("/srv/**/cache", "/opt/a/cache")).toBe(false);
    expect(matches("/srv/**/cache", "/srv/a/cachex")).toBe(false);
    expect(matches("**/node_modules", "/node_modules")).toBe(true);
    expect(matches("**/node_modules", "/srv/app/node_modules/x/index.js")).toBe(true);
    expect(matches("/opt/**", "/opt/a")).toBe(true);
    expect(matches("/opt/**", "/opt", true)).toBe(false);
    expect(matches("/**", "/anything/at/all")).toBe(true);
  });
  it("keeps * and ? within one name", () => {
    expect(matches("/srv/*/data", "/srv/a/data")).toBe(true);
    expect(matches("/srv/*/data", "/srv/a/b/data")).toBe(false);
    expect(matches("/srv/*", "/srv/x/y")).toBe(true);
    expect(matches("/home/?/x", "/home/a/x")).toBe(true);
    expect(matches("/home/?/x", "/home/ab/x")).toBe(false);
    expect(matches("*", "/.hidden")).toBe(true);
  });
  it("supports character classes", () => {
    expect(matches("/etc/rc[0-6].d", "/etc/rc3.d/S01x")).toBe(true);
    expect(matches("/etc/rc[0-6].d", "/etc/rcS.d")).toBe(false);
    expect(matches("/etc/rc[!0-6].d", "/etc/rcS.d")).toBe(true);
    expect(matches("*.[ch]", "/src/a.c")).toBe(true);
    expect(matches("*.[ch]", "/src/a.o")).toBe(false);
    expect(matches("file[[:digit:]]", "/x/file7")).toBe(true);
    expect(matches("a[/]b", "/a/b")).toBe(false);
  });
  it("reads backslash as an escape and regex characters literally", () => {
    expect(matches("/srv/a\\*b", "/srv/a*b")).toBe(true);
    expect(matches("/srv/a\\*b", "/srv/axxb")).toBe(false);
    expect(matches("\\!keep", "/srv/!keep")).toBe(true);
    expect(matches("/srv/a.b+(c)", "/srv/a.b+(c)")).toBe(true);
    expect(matches("/srv/a.b", "/srv/aXb")).toBe(false);
    expect(matches("/srv/unclosed[", "/srv/unclosed[")).toBe(true);
  });
  it("matches odd file names, such as one with a newline", () => {
    expect(matches("/opt/**", "/opt/odd\nname")).toBe(true);
    expect(matches("/opt/*/x", "/opt/a\nb/x")).toBe(true);
    expect(matches("*.pid", "/run/a\nb.pid")).toBe(true);
  });
  it("is case-sensitive and tolerates doubled slashes", () => {
    expect(matches("/ETC", "/etc")).toBe(false);
    expect(matches("/var//log", "/var/log/x")).toBe(true);
  });
});

describe("default rules", () => {
  const matcher = compileRules(DEFAULT_RULES);
  const excluded = (path: string, isDir = false) => matcher.decide(path, isDir)?.rule.action === "exclude";
  it("leave out runtime, engine, package and backup files", () => {
    for (const path of [
      "/proc/1/status",
      "/run/nginx.pid",
      "/var/run",
      "/tmp/x",
      "/var/cache/apt/pkgcache.bin",
      "/var/lib/apt/lists/x",
      "/etc/hosts",
      "/etc/resolv.conf",
      "/srv/app.pid",
      "/srv/app.sock",
      "/etc/passwd-",
      "/etc/samba/smb.conf.bak",
      "/etc/x.conf~",
      "/var/lib/dpkg/status",
      "/root/.cache/pip/x",
      "/etc/ld.so.cache",
    ]) {
      expect(excluded(path), path).toBe(true);
    }
    expect(excluded("/srv/app/__pycache__", true)).toBe(true);
  });
  it("keep configuration and data", () => {
    for (const path of [
      "/etc/passwd",
      "/etc/samba/smb.conf",
      "/srv/data/file",
      "/var/lib/samba/private/passdb.tdb",
      "/home/user/.bashrc",
      "/srv/etc/hosts",
      "/var/lib/mysql/ibdata1",
      // Logs are left out by classification (the log category), not by a rule on their name.
      "/var/log/syslog",
      "/home/u/Maildir/dovecot.index.log",
    ]) {
      expect(matcher.decide(path, false), path).toBeNull();
    }
  });
  it("decide 100,000 paths quickly (sanity bound, not a benchmark)", () => {
    const tops = ["/srv/data", "/var/lib/mysql", "/etc", "/var/log/app", "/home/user", "/usr/share/doc", "/var/cache/apt", "/opt/app/lib"];
    const names = ["index.html", "ibdata1", "smb.conf", "access.log", "notes.txt", "server.pid", "module.py", "lib.so.6"];
    const paths: string[] = [];
    for (let i = 0; i < 100_000; i++) paths.push(`${tops[i % tops.length]}/d${i % 97}/sub${i % 13}/${names[(i >> 3) % names.length]}`);
    const start = performance.now();
    let kept = 0;
    for (const path of paths) if (matcher.decide(path, false) === null) kept++;
    const elapsed = performance.now() - start;
    console.log(`100k paths x ${DEFAULT_RULES.length} default rules decided in ${elapsed.toFixed(1)} ms`);
    expect(kept).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(2000);
  });
});
