import { describe, expect, it } from "vitest";
import type { ManifestEntry } from "@/lib/archives/manifest";
import { makeEntry, makeManifest } from "@/e2e/support/restore-fixtures";
import type { StagePackage } from "@/lib/restores/package-stage/types";
import { mapVersionedPaths } from "@/lib/restores/plan/map-versioned-paths";
import { planConversions } from "./plan-conversions";
import { planPythonVenv, pythonVenvTextsWanted, PYTHON_VENV_SPEC_FILE, type PythonVenvSpec } from "./plan-python-venv";
import type { ConversionInput } from "./types";

// A Python 3.9 venv in /opt/app as `python3 -m venv` and pip leave it on Debian 11: pip and setuptools, an app installed
// as a wheel (helloapp: .dist-info, pip's script), one by setup.py install (legacy: .egg-info, a pkg_resources script),
// one compiled for CPython 3.9 (fastspeed), one whose RECORD was not archived (lost), and a namespace folder shared by two.
const SP = "/opt/app/lib/python3.9/site-packages";
const file = (path: string) => makeEntry(path, "file");
const dir = (path: string) => makeEntry(path, "dir");
const link = (path: string, target: string) => makeEntry(path, "symlink", { linkTarget: target });

const ENTRIES: ManifestEntry[] = [
  dir("/opt/app"),
  file("/opt/app/pyvenv.cfg"),
  dir("/opt/app/bin"),
  link("/opt/app/bin/python", "python3"),
  link("/opt/app/bin/python3", "/usr/bin/python3"),
  file("/opt/app/bin/pip"),
  file("/opt/app/bin/hello"),
  file("/opt/app/bin/hello-legacy"),
  dir("/opt/app/lib"),
  dir("/opt/app/lib/python3.9"),
  dir(SP),
  ...["pip", "pip-20.3.4.dist-info", "setuptools-44.1.1.dist-info", "helloapp", "helloapp-1.0.dist-info"].map((name) =>
    dir(`${SP}/${name}`),
  ),
  file(`${SP}/pip/__init__.py`),
  file(`${SP}/pip-20.3.4.dist-info/RECORD`),
  file(`${SP}/setuptools-44.1.1.dist-info/RECORD`),
  file(`${SP}/helloapp/__init__.py`),
  file(`${SP}/helloapp/cli.py`),
  file(`${SP}/helloapp/__pycache__/cli.cpython-39.pyc`),
  file(`${SP}/helloapp-1.0.dist-info/RECORD`),
  file(`${SP}/helloapp-1.0.dist-info/WHEEL`),
  file(`${SP}/helloapp-1.0.dist-info/entry_points.txt`),
  dir(`${SP}/hellolegacy`),
  file(`${SP}/hellolegacy/__init__.py`),
  dir(`${SP}/hellolegacy-1.0-py3.9.egg-info`),
  file(`${SP}/hellolegacy-1.0-py3.9.egg-info/installed-files.txt`),
  file(`${SP}/hellolegacy-1.0-py3.9.egg-info/entry_points.txt`),
  dir(`${SP}/fastspeed`),
  file(`${SP}/fastspeed/__init__.py`),
  file(`${SP}/fastspeed/_speed.cpython-39-x86_64-linux-gnu.so`),
  dir(`${SP}/fastspeed-2.0.dist-info`),
  file(`${SP}/fastspeed-2.0.dist-info/RECORD`),
  dir(`${SP}/lost-3.1.dist-info`),
  file(`${SP}/lost-3.1.dist-info/METADATA`),
  dir(`${SP}/zope`),
  file(`${SP}/zope/interface.py`),
  file(`${SP}/zope/event.py`),
  dir(`${SP}/zope.interface-5.0.dist-info`),
  file(`${SP}/zope.interface-5.0.dist-info/RECORD`),
];

const TEXTS: Record<string, string> = {
  "/opt/app/pyvenv.cfg": "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.9.2\n",
  "/opt/app/bin/hello": "#!/opt/app/bin/python\nimport re\nimport sys\nfrom helloapp.cli import main\n",
  "/opt/app/bin/hello-legacy":
    "#!/opt/app/bin/python3\n# EASY-INSTALL-ENTRY-SCRIPT: 'hellolegacy==1.0','console_scripts','hello-legacy'\n" +
    "from pkg_resources import load_entry_point\n",
  [`${SP}/pip-20.3.4.dist-info/RECORD`]: "../../../bin/pip,sha256=x,225\npip/__init__.py,sha256=y,1\n",
  [`${SP}/setuptools-44.1.1.dist-info/RECORD`]: "setuptools/__init__.py,,\n",
  [`${SP}/helloapp-1.0.dist-info/RECORD`]: [
    "../../../bin/hello,sha256=a,215",
    "helloapp/__init__.py,sha256=b,0",
    "helloapp/__pycache__/cli.cpython-39.pyc,,",
    "helloapp/cli.py,sha256=c,120",
    "helloapp-1.0.dist-info/RECORD,,",
    "helloapp-1.0.dist-info/WHEEL,sha256=d,92",
    "helloapp-1.0.dist-info/entry_points.txt,sha256=e,40",
    // Hostile lines stay inside the archived files: nothing outside site-packages but the venv's own bin/ is listed.
    "../../../../../../etc/shadow,,",
  ].join("\n"),
  [`${SP}/helloapp-1.0.dist-info/WHEEL`]: "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
  [`${SP}/helloapp-1.0.dist-info/entry_points.txt`]: "[console_scripts]\nhello = helloapp.cli:main\n",
  [`${SP}/hellolegacy-1.0-py3.9.egg-info/installed-files.txt`]:
    "../../../../bin/hello-legacy\n../hellolegacy/__init__.py\ninstalled-files.txt\nentry_points.txt\n",
  [`${SP}/hellolegacy-1.0-py3.9.egg-info/entry_points.txt`]: "[console_scripts]\nhello-legacy = hellolegacy.cli:main\n",
  [`${SP}/fastspeed-2.0.dist-info/RECORD`]: "fastspeed/__init__.py,,\nfastspeed/_speed.cpython-39-x86_64-linux-gnu.so,,\n",
  [`${SP}/zope.interface-5.0.dist-info/RECORD`]: '"zope/interface.py",,\nzope.interface-5.0.dist-info/RECORD,,\n',
};

const trixiePython = (version: string | null): ConversionInput["newPackages"] => ({ python3: version, "python3-venv": version });

function input(extra: Partial<ConversionInput> = {}): ConversionInput {
  const manifest = makeManifest({ entries: ENTRIES, packages: [] });
  return {
    manifest,
    payloadEntries: ENTRIES.filter((entry) => entry.type !== "symlink"),
    archivedPackages: { python3: "3.9.2-3" },
    newPackages: trixiePython("3.13.5-1"),
    stage: null,
    baseImage: "debian:trixie",
    oldReleaseImage: null,
    archivedTexts: TEXTS,
    ...extra,
  };
}

const specOf = (plan: ReturnType<typeof planPythonVenv>) =>
  JSON.parse(String(plan?.contextFiles.find((item) => item.path === PYTHON_VENV_SPEC_FILE)?.content)) as PythonVenvSpec;

describe("planPythonVenv", () => {
  it("plans the venv's conversion from Python 3.9 to 3.13: the pure distributions move, the venv's own tools do not", () => {
    const plan = planPythonVenv(input());
    expect(plan?.conversions).toHaveLength(1);
    const [conversion] = plan!.conversions;
    expect(conversion).toMatchObject({
      id: "python-venv",
      what: "Python virtual environment /opt/app",
      data: "/opt/app",
      package: "python3",
      fromVersion: "3.9.2",
      toVersion: "3.13.5",
      status: "planned",
    });
    expect(conversion?.method).toMatch(/recreated over itself with Python 3\.13 \(python3 -m venv --upgrade, pip from its ensurepip\)/);
    expect(conversion?.method).toMatch(/moved from lib\/python3\.9\/site-packages to lib\/python3\.13\/site-packages/);
    expect(conversion?.method).toMatch(/helloapp 1\.0, hellolegacy 1\.0, zope\.interface 5\.0/);
    const [venv] = specOf(plan).venvs;
    expect(venv).toMatchObject({ dir: "/opt/app", fromVersion: "3.9", systemSitePackages: false, withPip: true, tools: ["setuptools"] });
    // Whole folders when all their archived content is the distribution's; one by one in a shared (namespace) folder.
    expect(venv?.moves).toEqual([
      "helloapp",
      "helloapp-1.0.dist-info",
      "hellolegacy",
      "hellolegacy-1.0-py3.9.egg-info",
      "zope/interface.py",
      "zope.interface-5.0.dist-info",
    ]);
    // The verification expects the moved paths at the new folder and the rewritten files changed.
    expect(conversion?.restoredChanges?.moves).toContainEqual({
      from: `${SP}/helloapp`,
      to: "/opt/app/lib/python3.13/site-packages/helloapp",
    });
    expect(conversion?.restoredChanges?.rewritten).toEqual(["/opt/app/pyvenv.cfg", "/opt/app/bin/hello-legacy", "/opt/app/bin/pip"]);
  });

  it("rewrites setuptools' pkg_resources scripts to import their entry point, and leaves pip's scripts as they are", () => {
    const [venv] = specOf(planPythonVenv(input())).venvs;
    expect(venv?.rewrites.map((item) => item.path)).toEqual(["/opt/app/bin/hello-legacy"]);
    expect(venv?.rewrites[0]?.content).toMatch(/^#!\/opt\/app\/bin\/python3\n/);
    expect(venv?.rewrites[0]?.content).toContain("from hellolegacy.cli import main\n");
    expect(venv?.rewrites[0]?.content).toContain("sys.exit(main())");
    expect(venv?.rewrites[0]?.content).not.toContain("pkg_resources import");
  });

  it("names the compiled distributions and those whose file list is unknown in a warning, and does not move them", () => {
    const plan = planPythonVenv(input());
    expect(plan?.warnings).toHaveLength(1);
    expect(plan?.warnings[0]?.message).toContain(
      "The Python virtual environment /opt/app (Python 3.9.2) holds 2 distribution(s) Kura cannot carry to Python 3.13: " +
        "fastspeed 2.0 (compiled: _speed.cpython-39-x86_64-linux-gnu.so); lost 3.1 (its file list was not archived). " +
        "They stay in /opt/app/lib/python3.9/site-packages;",
    );
    expect(plan?.conversions[0]?.method).toMatch(/2 distribution\(s\) left for a person/);
    expect(specOf(plan).venvs[0]?.moves.some((move) => move.startsWith("fastspeed") || move.startsWith("lost"))).toBe(false);
  });

  it("treats a wheel that is not py3-none-any as not pure, even without a compiled file", () => {
    const texts = { ...TEXTS, [`${SP}/helloapp-1.0.dist-info/WHEEL`]: "Root-Is-Purelib: false\nTag: cp39-cp39-linux_x86_64\n" };
    const plan = planPythonVenv(input({ archivedTexts: texts }));
    expect(plan?.warnings[0]?.message).toMatch(/helloapp 1\.0 \(its wheel is not pure Python\)/);
    expect(specOf(plan).venvs[0]?.moves).not.toContain("helloapp");
  });

  it("before the packages are known: plans to the new base's python3 and leaves the version check to the build", () => {
    const plan = planPythonVenv(input({ newPackages: trixiePython(null) }));
    expect(plan?.conversions[0]).toMatchObject({ fromVersion: "3.9.2", toVersion: null });
    expect(plan?.conversions[0]?.method).toMatch(/with the new base's python3/);
    expect(plan?.conversions[0]?.restoredChanges).toBeUndefined();
  });

  it("the same Python on both sides: nothing is planned, but the build steps stay (made before the versions are known)", () => {
    const plan = planPythonVenv(input({ newPackages: trixiePython("3.9.2-3") }));
    expect(plan?.conversions).toEqual([]);
    expect(plan?.install).toEqual(["python3", "python3-venv"]);
    expect(plan?.finalLines.at(-1)).toBe('RUN ["python3", "/kura/convert/python-venv.py", "/kura/convert/python-venvs.json"]');
    expect(plan?.contextFiles.map((item) => item.path)).toEqual(["kura/convert/python-venv.py", "kura/convert/python-venvs.json"]);
  });

  it("finds no venv without a kept pyvenv.cfg, or without site-packages next to it", () => {
    const noCfg = ENTRIES.filter((entry) => entry.path !== "/opt/app/pyvenv.cfg");
    expect(planPythonVenv(input({ manifest: makeManifest({ entries: noCfg }), payloadEntries: noCfg }))).toBeNull();
    const bare = [dir("/srv/tool"), file("/srv/tool/pyvenv.cfg")];
    expect(planPythonVenv(input({ manifest: makeManifest({ entries: bare }), payloadEntries: bare }))).toBeNull();
  });

  it("is registered: planConversions runs it and installs python3-venv", () => {
    const plan = planConversions(input());
    expect(plan.conversions.map((item) => item.id)).toContain("python-venv");
    expect(plan.install).toContain("python3-venv");
  });

  it("asks the caller for the venv's texts only", () => {
    const wanted = pythonVenvTextsWanted([...ENTRIES, file("/etc/hostname"), file(`${SP}/helloapp/cli.py`)]);
    expect(wanted).toContain("/opt/app/pyvenv.cfg");
    expect(wanted).toContain(`${SP}/helloapp-1.0.dist-info/RECORD`);
    expect(wanted).toContain(`${SP}/hellolegacy-1.0-py3.9.egg-info/installed-files.txt`);
    expect(wanted).toContain("/opt/app/bin/hello-legacy");
    expect(wanted).not.toContain("/etc/hostname");
    expect(wanted).not.toContain(`${SP}/helloapp/cli.py`);
  });
});

describe("the versioned path mapping (issue 14) and a venv", () => {
  it("does not move /opt/app/lib/python3.9: python3.13 does not own /opt/app/lib/python3.13", () => {
    const pkg = (name: string, files: string[]): StagePackage => ({
      name,
      version: "3.13.5-1",
      conffiles: [],
      files,
      maintscripts: {},
      news: null,
    });
    const manifest = makeManifest({
      entries: ENTRIES,
      packages: ["python3.9", "libpython3.9-minimal"].map((name) => ({ name, version: "3.9.2-1", manual: false }) as never),
    });
    const stage = {
      packages: {
        "python3.13": pkg("python3.13", ["/usr/bin/python3.13", "/usr/lib/python3.13"]),
        "libpython3.13-minimal": pkg("libpython3.13-minimal", ["/usr/lib/python3.13", "/usr/lib/python3.13/os.py"]),
      },
    };
    const mapped = mapVersionedPaths({ manifest, stage });
    expect(mapped.mappings).toEqual([]);
    expect(mapped.manifest.entries.map((entry) => entry.path)).toEqual(manifest.entries.map((entry) => entry.path));
  });
});
