import { describe, expect, it } from "vitest";
import {
  containerNameProblem,
  defaultContainerName,
  stepStatuses,
  toOneLine,
  toStartRestoreInput,
  type RestoreForm,
} from "./restore-model";

const form: RestoreForm = {
  engineId: "local",
  baseImage: "debian:trixie",
  containerName: "files-restored",
  generatedDockerfile: "FROM debian:trixie\n",
  dockerfile: "FROM debian:trixie\n",
  buildArgNames: ["DB_PASSWORD", "API_TOKEN"],
  buildArgs: {},
  checkCommand: "",
  network: "none",
};

describe("containerNameProblem", () => {
  it("accepts Docker's names and refuses the rest", () => {
    expect(containerNameProblem("samba-restored")).toBeNull();
    expect(containerNameProblem("a.b_c-1")).toBeNull();
    expect(containerNameProblem("")).toMatch(/name/);
    expect(containerNameProblem("-leading")).not.toBeNull();
    expect(containerNameProblem("has space")).not.toBeNull();
    expect(containerNameProblem("slash/name")).not.toBeNull();
    expect(containerNameProblem("a".repeat(129))).toMatch(/128/);
  });
  it("suggests the archived name with -restored", () => {
    expect(defaultContainerName("/samba")).toBe("samba-restored");
  });
});

describe("toStartRestoreInput", () => {
  it("leaves out an unedited Dockerfile, empty build args and an empty check", () => {
    expect(toStartRestoreInput(form)).toEqual({
      engineId: "local",
      baseImage: "debian:trixie",
      containerName: "files-restored",
      network: "none",
    });
  });
  it("sends configChecks only when the person turned the configuration checkers off", () => {
    expect(toStartRestoreInput({ ...form, configChecks: true })).not.toHaveProperty("configChecks");
    expect(toStartRestoreInput({ ...form, configChecks: false }).configChecks).toBe(false);
  });
  it("sends the edited Dockerfile, the given build args and the check", () => {
    const input = toStartRestoreInput({
      ...form,
      dockerfile: "FROM debian:trixie\nLABEL a=b\n",
      buildArgs: { DB_PASSWORD: "s3cret", API_TOKEN: "", OTHER: "x" },
      checkCommand: "  test -f /srv/x  ",
      network: "default",
    });
    expect(input).toEqual({
      engineId: "local",
      baseImage: "debian:trixie",
      containerName: "files-restored",
      network: "default",
      dockerfile: "FROM debian:trixie\nLABEL a=b\n",
      buildArgs: { DB_PASSWORD: "s3cret" },
      checkCommand: "test -f /srv/x",
    });
  });
  it("keeps the check command on one line", () => {
    expect(toOneLine("test -f a\ntest -f b")).toBe("test -f a test -f b");
  });
});

describe("stepStatuses", () => {
  const statuses = (restore: Parameters<typeof stepStatuses>[0]) => stepStatuses(restore).map((entry) => `${entry.step}:${entry.status}`);
  it("marks the steps before the running one done", () => {
    expect(statuses({ state: "running", step: "verify", check: null })).toEqual([
      "plan:done",
      "build:done",
      "merge:done",
      "config-check:done",
      "run:done",
      "verify:running",
      "check:pending",
    ]);
  });
  it("names the failed step and leaves the rest pending", () => {
    expect(statuses({ state: "failed", step: "build", check: null })).toEqual([
      "plan:done",
      "build:failed",
      "merge:pending",
      "config-check:pending",
      "run:pending",
      "verify:pending",
      "check:pending",
    ]);
  });
  it("shows a skipped check when none was given and a failed one when it failed", () => {
    expect(statuses({ state: "succeeded", step: "done", check: null }).at(-1)).toBe("check:skipped");
    expect(statuses({ state: "succeeded", step: "done", check: { command: "false", exitCode: 1, output: "", ok: false } }).at(-1)).toBe(
      "check:failed",
    );
  });
  it("names a configuration that does not parse, and skips the step when no checker ran", () => {
    expect(statuses({ state: "failed", step: "config-check", check: null, configChecks: [] }).slice(1, 5)).toEqual([
      "build:done",
      "merge:done",
      "config-check:failed",
      "run:pending",
    ]);
    expect(statuses({ state: "succeeded", step: "done", check: null, configChecks: [] })[3]).toBe("config-check:skipped");
  });
});
