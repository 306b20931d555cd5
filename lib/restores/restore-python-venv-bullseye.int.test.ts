import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerHost, exec, removeContainer, runContainer, TRIXIE, uniqueName } from "@/e2e/fixtures/containers";
import { archiveService, restoreOntoTrixie, runScript, tryScript } from "@/e2e/fixtures/release-jump";
import { ensurePyappImage, PYAPP_TAG } from "@/e2e/harness/bullseye-images.mjs";
import { makeRestorePlan } from "@/lib/restores/make-restore-plan";

// Issue 15: a Python 3.9 virtual environment in /opt/app on Debian 11, with two local apps installed into it without
// network: `hello` (built as a wheel: a .dist-info and pip's console script) and `hello-legacy` (pip's legacy
// `setup.py install` when the venv has no wheel package: an .egg-info and a setuptools script that imports
// pkg_resources), and a distribution compiled for Python 3.9 (`fastspeed`, a cpython-39 .so). Archived with the default
// selection and restored onto Debian 13 (Python 3.13) with no hand edit: both console scripts run on Python 3.13, and
// the plan names fastspeed as needing a person. Before the conversion the restored bin/python (3.13) did not look in
// lib/python3.9/site-packages: `ModuleNotFoundError: No module named 'helloapp'`.

const source = uniqueName("kura-it-pyvenv");
const restored = uniqueName("kura-it-pyvenv-restored");
let archiveId = "";

const project = (name: string, script: string) => `
mkdir -p /src/${name}/${name}
cat > /src/${name}/setup.py <<'PY'
from setuptools import setup
setup(name="${name}", version="1.0", packages=["${name}"], entry_points={"console_scripts": ["${script}=${name}.cli:main"]})
PY
: > /src/${name}/${name}/__init__.py
cat > /src/${name}/${name}/cli.py <<'PY'
import sys
def main():
    print("hello from ${name} on Python %d.%d" % sys.version_info[:2])
PY
`;

const SETUP = `
python3 -m venv /opt/app
${project("hellolegacy", "hello-legacy")}
${project("helloapp", "hello")}
# No wheel package in the venv yet: pip falls back to setup.py install (an .egg-info, a pkg_resources script).
/opt/app/bin/pip install --no-index --no-build-isolation /src/hellolegacy
# Debian's python-pip-whl ships the wheel package's wheel: with it, pip builds and installs a wheel (a .dist-info).
/opt/app/bin/pip install --no-index --find-links /usr/share/python-wheels wheel
/opt/app/bin/pip install --no-index --no-build-isolation /src/helloapp
# A distribution compiled for CPython 3.9 (its files as pip leaves them; the .so is not loaded by this test).
cd /opt/app/lib/python3.9/site-packages
mkdir -p fastspeed fastspeed-2.0.dist-info
printf 'from ._speed import *\\n' > fastspeed/__init__.py
printf '\\177ELF-not-really' > fastspeed/_speed.cpython-39-x86_64-linux-gnu.so
printf 'Wheel-Version: 1.0\\nRoot-Is-Purelib: false\\nTag: cp39-cp39-manylinux2014_x86_64\\n' > fastspeed-2.0.dist-info/WHEEL
printf 'Metadata-Version: 2.1\\nName: fastspeed\\nVersion: 2.0\\n' > fastspeed-2.0.dist-info/METADATA
printf '%s,,\\n' fastspeed/__init__.py fastspeed/_speed.cpython-39-x86_64-linux-gnu.so fastspeed-2.0.dist-info/WHEEL \\
  fastspeed-2.0.dist-info/METADATA fastspeed-2.0.dist-info/RECORD > fastspeed-2.0.dist-info/RECORD
# The app's own account owns the venv, as the service that runs it would.
useradd --system --home-dir /opt/app --shell /usr/sbin/nologin app
chown -R app:app /opt/app
`;

describe("a Debian 11 Python virtual environment restored onto Debian 13 (issue 15)", () => {
  beforeAll(async () => {
    ensurePyappImage(dockerHost());
    runContainer({ name: source, image: PYAPP_TAG });
    runScript(source, SETUP);
    // The scenario works on the original, and the two apps were installed the two ways.
    expect(runScript(source, "/opt/app/bin/hello")).toBe("hello from helloapp on Python 3.9");
    expect(runScript(source, "/opt/app/bin/hello-legacy")).toBe("hello from hellolegacy on Python 3.9");
    expect(runScript(source, "ls /opt/app/lib/python3.9/site-packages | grep -E '^hello'")).toBe(
      "helloapp\nhelloapp-1.0.dist-info\nhellolegacy\nhellolegacy-1.0.egg-info",
    );
    expect(runScript(source, "grep -c pkg_resources /opt/app/bin/hello-legacy")).not.toBe("0");
    archiveId = await archiveService(source, "python venv it");
  }, 600_000);

  afterAll(() => {
    removeContainer(restored);
    removeContainer(source);
  });

  it("plans the conversion from Python 3.9 to 3.13 and names the compiled distribution", async () => {
    const { plan, view } = await makeRestorePlan(archiveId, { baseImage: TRIXIE });
    const conversion = plan.conversions.find((item) => item.id === "python-venv");
    expect(conversion).toMatchObject({ data: "/opt/app", package: "python3", fromVersion: "3.9.2", status: "planned" });
    expect(conversion?.toVersion).toMatch(/^3\.13\./);
    expect(conversion?.method).toMatch(/helloapp 1\.0/);
    expect(conversion?.method).toMatch(/hellolegacy 1\.0/);
    expect(view.packages.install).toContain("python3-venv");
    expect(view.warnings.map((warning) => warning.message).join("\n")).toMatch(
      /\/opt\/app .*fastspeed 2\.0 \(compiled: _speed\.cpython-39/,
    );
  }, 120_000);

  it("with no hand edit: the venv's console scripts run on Python 3.13", async () => {
    const { error, restore } = await restoreOntoTrixie(archiveId, restored, "/opt/app/bin/hello");
    expect(exec(restored, ["sh", "-c", ". /etc/os-release && echo $VERSION_CODENAME"])).toBe("trixie");
    const hello = tryScript(restored, "/opt/app/bin/hello");
    expect.soft(hello, restore.log).toEqual({ exitCode: 0, output: "hello from helloapp on Python 3.13" });
    expect.soft(tryScript(restored, "/opt/app/bin/hello-legacy")).toEqual({
      exitCode: 0,
      output: "hello from hellolegacy on Python 3.13",
    });
    // The venv is the new Python's, with a working pip of its own; the compiled distribution stayed where it was.
    expect.soft(tryScript(restored, "/opt/app/bin/python -c 'import sys; print(sys.prefix)'").output).toBe("/opt/app");
    expect.soft(tryScript(restored, "grep -E '^version' /opt/app/pyvenv.cfg").output).toMatch(/^version = 3\.13\./);
    expect
      .soft(tryScript(restored, "/opt/app/bin/pip list --disable-pip-version-check 2>/dev/null | grep -i hello").output)
      .toMatch(/helloapp\s+1\.0\nhellolegacy\s+1\.0/);
    expect.soft(tryScript(restored, "ls /opt/app/lib/python3.9/site-packages/fastspeed").output).toMatch(/_speed/);
    // What the conversion made belongs to the venv's owner, as what it moved and rewrote still does.
    const owners =
      "stat -c '%U:%G %n' /opt/app/lib/python3.13 /opt/app/lib/python3.13/site-packages/pip /opt/app/bin/pip3.13 /opt/app/pyvenv.cfg";
    expect
      .soft(tryScript(restored, `${owners} /opt/app/lib/python3.13/site-packages/helloapp/cli.py /opt/app/bin/hello-legacy`).output)
      .toBe(
        [
          "/opt/app/lib/python3.13",
          "/opt/app/lib/python3.13/site-packages/pip",
          "/opt/app/bin/pip3.13",
          "/opt/app/pyvenv.cfg",
          "/opt/app/lib/python3.13/site-packages/helloapp/cli.py",
          "/opt/app/bin/hello-legacy",
        ]
          .map((path) => `app:app ${path}`)
          .join("\n"),
      );
    // The versioned path mapping (issue 14) leaves the venv's folders alone: only package-owned paths move.
    expect.soft(restore.pathMappings?.some((mapping) => mapping.from.startsWith("/opt/app")) ?? false).toBe(false);
    expect.soft(restore.log).toMatch(/kura python-venv: \/opt\/app: Python 3\.9 -> 3\.13/);
    expect(error, restore.log).toBeNull();
    expect(restore.state).toBe("succeeded");
    expect(restore.check).toMatchObject({ exitCode: 0, ok: true });
  }, 900_000);
});
