import { describe, expect, it } from "vitest";
import { maskDockerfileEnv } from "./mask-dockerfile-env";
import { MASK } from "./mask-env";

describe("maskDockerfileEnv", () => {
  it("masks secret-looking ENV and ARG values and keeps the rest", () => {
    const dockerfile = [
      "FROM debian:trixie",
      'ENV DB_PASSWORD="hunter2"',
      "ENV LANG=C.UTF-8",
      "ARG API_TOKEN=abc123",
      'ENV SMB_SECRET="a \\"quoted\\" one"',
    ].join("\n");
    const masked = maskDockerfileEnv(dockerfile);
    expect(masked).not.toContain("hunter2");
    expect(masked).not.toContain("abc123");
    expect(masked).not.toContain("quoted");
    expect(masked).toContain(`ENV DB_PASSWORD="${MASK}"`);
    expect(masked).toContain("ENV LANG=C.UTF-8");
    expect(masked).toContain("FROM debian:trixie");
  });

  it("leaves build-argument references alone", () => {
    const line = 'ARG DB_PASSWORD\nENV DB_PASSWORD="${DB_PASSWORD}"';
    expect(maskDockerfileEnv(line)).toBe(line);
  });

  it("masks inside a diff, a build log and the old ENV form", () => {
    expect(maskDockerfileEnv('+ENV ADMIN_PASSWORD="s3cret"')).toBe(`+ENV ADMIN_PASSWORD="${MASK}"`);
    expect(maskDockerfileEnv('Step 5/9 : ENV ADMIN_PASSWORD="s3cret"')).not.toContain("s3cret");
    expect(maskDockerfileEnv("ENV SECRET_KEY the whole value")).toBe(`ENV SECRET_KEY ${MASK}`);
    expect(maskDockerfileEnv("ENV A=1 MY_TOKEN=xyz B=2")).toBe(`ENV A=1 MY_TOKEN="${MASK}" B=2`);
  });
});
