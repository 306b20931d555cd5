import { describe, expect, it } from "vitest";
import {
  checkBaseImage,
  dockerfileQuote,
  generateDockerfile,
  type GenerateDockerfileOptions,
} from "@/lib/restores/plan/generate-dockerfile";
import { makeManifest } from "@/e2e/support/restore-fixtures";

function generate(config: Partial<ReturnType<typeof makeManifest>["config"]>, options: Partial<GenerateDockerfileOptions> = {}) {
  const manifest = makeManifest();
  return generateDockerfile({
    baseImage: "debian:trixie",
    manifest: { ...manifest, config: { ...manifest.config, ...config } },
    install: ["openssh-server", "samba"],
    hasPayload: true,
    hasAccountFiles: true,
    hasDeletions: true,
    ...options,
  });
}

const instructions = (dockerfile: string) => dockerfile.split("\n").filter((line) => line !== "" && !line.startsWith("#"));

describe("generateDockerfile", () => {
  it("installs in its own stage, restores in a staging stage, copies the result over /, then the configuration with USER last", () => {
    const { dockerfile, buildArgs, warnings } = generate({
      env: [
        { name: "PATH", value: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", redacted: false },
        { name: "DB_PASSWORD", value: null, redacted: true },
        { name: "GREETING", value: 'say "hi" to $USER \\ `now`', redacted: false },
        { name: "EMPTY", value: "", redacted: false },
      ],
      workingDir: "/srv/my app",
      user: "alice:users",
      exposedPorts: ["445/tcp", "139/tcp"],
      volumes: ["/srv/data", "/var/lib/samba"],
      labels: { "org.example.description": "File server for the 2nd floor", maintainer: 'Ops "team" <ops@example.com>' },
      entrypoint: ["/usr/bin/tini", "--"],
      cmd: ["smbd", "--foreground", "--configfile=/etc/samba/smb.conf", 'a "quoted" arg', "$HOME"],
    });
    expect(instructions(dockerfile)).toEqual([
      "FROM debian:trixie AS kura-packages",
      "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y -- openssh-server samba && rm -rf /var/lib/apt/lists/*",
      "FROM kura-packages AS kura-restore",
      "COPY kura/ /kura/",
      "COPY payload/ /kura/stage/",
      "COPY accounts/ /kura/accounts/",
      'RUN ["/bin/sh", "/kura/restore.sh"]',
      "FROM kura-packages",
      "COPY kura/ /kura/",
      'RUN ["/bin/sh", "/kura/restore.sh", "delete"]',
      "COPY --from=kura-restore /kura/restore-report.txt /kura/restore-report.txt",
      "COPY --from=kura-restore /kura/stage/ /",
      'ENV PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"',
      "ARG DB_PASSWORD",
      'ENV DB_PASSWORD="${DB_PASSWORD}"',
      'ENV GREETING="say \\"hi\\" to \\$USER \\\\ `now`"',
      'ENV EMPTY=""',
      'WORKDIR "/srv/my app"',
      "EXPOSE 445/tcp 139/tcp",
      'VOLUME ["/srv/data","/var/lib/samba"]',
      'LABEL "maintainer"="Ops \\"team\\" <ops@example.com>"',
      'LABEL "org.example.description"="File server for the 2nd floor"',
      "USER alice:users",
      'ENTRYPOINT ["/usr/bin/tini","--"]',
      'CMD ["smbd","--foreground","--configfile=/etc/samba/smb.conf","a \\"quoted\\" arg","$HOME"]',
    ]);
    expect(dockerfile).toContain("# Pass the secrets left out of the archive: docker build --build-arg DB_PASSWORD=... -t NAME .");
    expect(buildArgs).toEqual(["DB_PASSWORD"]);
    expect(warnings).toEqual([{ kind: "secret-left-out", message: expect.stringContaining("--build-arg DB_PASSWORD=...") }]);
  });

  it("puts every step that sees an archived file after the packages stage, and no archived ENV before the last RUN", () => {
    const { dockerfile } = generate({ env: [{ name: "LD_PRELOAD", value: "/usr/local/lib/evil.so", redacted: false }] });
    const lines = instructions(dockerfile);
    const stages = lines.flatMap((line, index) => (line.startsWith("FROM ") ? [index] : []));
    expect(stages).toHaveLength(3);
    const packagesStage = lines.slice(0, stages[1]);
    expect(packagesStage.join("\n")).not.toMatch(/COPY|payload|accounts|\/kura/);
    // The payload lands at / only by COPY --from, after the last RUN; archived ENV comes after it.
    const lastRun = lines.findLastIndex((line) => line.startsWith("RUN "));
    const landing = lines.indexOf("COPY --from=kura-restore /kura/stage/ /");
    expect(landing).toBeGreaterThan(lastRun);
    expect(lines.findIndex((line) => line.startsWith("ENV LD_PRELOAD"))).toBeGreaterThan(landing);
    expect(lines.filter((line) => line.startsWith("COPY payload/"))).toEqual(["COPY payload/ /kura/stage/"]);
  });

  it("round-trips JSON exec form exactly", () => {
    const cmd = ["sh", "-c", "echo \"$((1+1))\" 'x' \\n\nnext", "ünï ☃"];
    const { dockerfile } = generate({ cmd });
    const line = dockerfile.split("\n").find((candidate) => candidate.startsWith("CMD "));
    expect(JSON.parse(line?.slice(4) ?? "")).toEqual(cmd);
    expect(dockerfile.split("\n").filter((candidate) => candidate.startsWith("CMD "))).toHaveLength(1);
  });

  it("writes no instruction for empty lists and values", () => {
    const { dockerfile } = generate(
      { env: [], workingDir: "", user: "", exposedPorts: [], volumes: [], labels: {}, entrypoint: [], cmd: null },
      { install: [], hasPayload: false, hasAccountFiles: false, hasDeletions: false },
    );
    expect(instructions(dockerfile)).toEqual([
      "FROM debian:trixie AS kura-packages",
      "FROM kura-packages AS kura-restore",
      "COPY kura/ /kura/",
      'RUN ["/bin/sh", "/kura/restore.sh"]',
      "FROM kura-packages",
      "COPY kura/ /kura/",
      "COPY --from=kura-restore /kura/restore-report.txt /kura/restore-report.txt",
      "COPY --from=kura-restore /kura/stage/ /",
    ]);
  });

  it("leaves out what a Dockerfile cannot hold, with a warning each", () => {
    const { dockerfile, warnings, buildArgs } = generate({
      env: [
        { name: "MULTI", value: "a\nb", redacted: false },
        { name: "bad name", value: "x", redacted: false },
        { name: "dotted.secret", value: null, redacted: true },
      ],
      exposedPorts: ["80/tcp", "http"],
      volumes: ["/data", "/odd $dir"],
      labels: { note: "line one\nline two" },
    });
    expect(dockerfile).not.toMatch(/MULTI|bad name|dotted\.secret|http|odd|line one/);
    expect(buildArgs).toEqual([]);
    expect(warnings.map((warning) => warning.kind)).toEqual(["other", "other", "secret-left-out", "other", "other", "other"]);
    for (const warning of warnings) expect(warning.message).toMatch(/\.$/);
  });

  it("refuses an unusable base image", () => {
    expect(checkBaseImage("debian:trixie")).toBeNull();
    expect(checkBaseImage("registry.local:5000/team/debian:13-slim")).toBeNull();
    expect(checkBaseImage("debian:trixie\nRUN rm -rf /")).toMatch(/not an image reference/);
    expect(() => generate({}, { baseImage: "" })).toThrow(/empty/);
  });
});

describe("dockerfileQuote", () => {
  it("escapes backslash, double quote and dollar", () => {
    expect(dockerfileQuote('a\\b"c$d')).toBe('"a\\\\b\\"c\\$d"');
    expect(dockerfileQuote("it's")).toBe('"it\'s"');
  });
});
