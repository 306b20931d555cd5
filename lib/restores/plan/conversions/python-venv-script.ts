// The program that converts Python virtual environments in the image build (plan-python-venv.ts writes its
// input, kura/convert/python-venvs.json). Run by the new base's python3, as root, without network. Every path it
// touches comes from the plan (relative ones are checked to stay inside their folder); owners and modes are kept.

export const PYTHON_VENV_SCRIPT = String.raw`# Kura: converts Python virtual environments to this image's python3 (issue 15).
import errno
import json
import os
import shutil
import stat
import subprocess
import sys
import venv

NEW = "%d.%d" % sys.version_info[:2]
WHEELS = "/usr/share/python-wheels"


def log(message):
    print("kura python-venv: " + message, flush=True)


def inside(root, relative):
    """root/relative, or an error when it leaves root."""
    path = os.path.normpath(os.path.join(root, relative))
    if os.path.isabs(relative) or not path.startswith(root + os.sep):
        raise ValueError("%r leaves %s" % (relative, root))
    return path


def copy_keep(src, dst):
    """Copies src to dst (a tree), keeping owners, modes and times."""
    st = os.lstat(src)
    if stat.S_ISLNK(st.st_mode):
        os.symlink(os.readlink(src), dst)
    elif stat.S_ISDIR(st.st_mode):
        os.mkdir(dst)
        for name in os.listdir(src):
            copy_keep(os.path.join(src, name), os.path.join(dst, name))
    else:
        shutil.copyfile(src, dst, follow_symlinks=False)
    os.chown(dst, st.st_uid, st.st_gid, follow_symlinks=False)
    if not stat.S_ISLNK(st.st_mode):
        os.chmod(dst, stat.S_IMODE(st.st_mode))
        os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns))


def move(src, dst):
    try:
        os.rename(src, dst)
    except OSError as error:
        # A folder from a lower image layer cannot be renamed on overlayfs: copied, then removed.
        if error.errno != errno.EXDEV:
            raise
        copy_keep(src, dst)
        if os.path.isdir(src) and not os.path.islink(src):
            shutil.rmtree(src)
        else:
            os.unlink(src)


def make_parents(path, new_root, old_root, owner):
    """Creates path's missing parent folders under new_root like their counterparts under old_root."""
    parent = os.path.dirname(path)
    if os.path.isdir(parent):
        return
    make_parents(parent, new_root, old_root, owner)
    os.mkdir(parent)
    counterpart = os.path.join(old_root, os.path.relpath(parent, new_root))
    st = os.lstat(counterpart) if os.path.isdir(counterpart) else None
    os.chown(parent, st.st_uid if st else owner[0], st.st_gid if st else owner[1])
    os.chmod(parent, stat.S_IMODE(st.st_mode) if st else 0o755)


def chown_tree(top, owner):
    for folder, dirs, files in os.walk(top):
        for name in [folder] + [os.path.join(folder, item) for item in dirs + files]:
            os.chown(name, owner[0], owner[1], follow_symlinks=False)


def convert(item):
    root = os.path.normpath(item["dir"])
    old = item["fromVersion"]
    if old == NEW:
        log("%s: already Python %s, nothing to convert" % (root, NEW))
        return
    if os.path.islink(root) or not os.path.isdir(root):
        raise ValueError("%s is not a folder" % root)
    for part in ("bin", "lib"):
        if os.path.islink(os.path.join(root, part)):
            raise ValueError("%s/%s is a link" % (root, part))
    owner = (os.lstat(root).st_uid, os.lstat(root).st_gid)
    old_sp = os.path.join(root, "lib", "python" + old, "site-packages")
    new_lib = os.path.join(root, "lib", "python" + NEW)
    new_sp = os.path.join(new_lib, "site-packages")
    bin_dir = os.path.join(root, "bin")
    # What pip and venv rewrite keeps its owner and mode.
    before = {}
    for path in [os.path.join(root, "pyvenv.cfg")] + [os.path.join(bin_dir, name) for name in os.listdir(bin_dir)]:
        st = os.lstat(path)
        if stat.S_ISREG(st.st_mode):
            before[path] = st
    names = set(os.listdir(bin_dir))
    log("%s: Python %s -> %s: python3 -m venv --upgrade%s" % (root, old, NEW, "" if item["withPip"] else " --without-pip"))
    builder = venv.EnvBuilder(system_site_packages=item["systemSitePackages"], symlinks=True, upgrade=True, with_pip=item["withPip"])
    builder.create(root)
    for tool in item["tools"]:
        result = subprocess.run(
            [os.path.join(bin_dir, "python"), "-m", "pip", "install", "--no-index", "--find-links", WHEELS,
             "--disable-pip-version-check", "--no-warn-script-location", "--quiet", tool])
        if result.returncode:
            log("%s: %s not installed (no wheel of it in %s): the archived one stays in %s" % (root, tool, WHEELS, old_sp))
        else:
            log("%s: %s installed from %s" % (root, tool, WHEELS))
    chown_tree(new_lib, owner)
    for name in set(os.listdir(bin_dir)) - names:
        os.chown(os.path.join(bin_dir, name), owner[0], owner[1], follow_symlinks=False)
    moved = 0
    for relative in item["moves"]:
        src = inside(old_sp, relative)
        dst = inside(new_sp, relative)
        if not os.path.lexists(src):
            log("%s: %s is not there, not moved" % (root, src))
            continue
        if os.path.lexists(dst):
            log("%s: %s is there already, %s not moved" % (root, dst, src))
            continue
        make_parents(dst, new_sp, old_sp, owner)
        move(src, dst)
        moved += 1
    for rewrite in item["rewrites"]:
        path = inside(bin_dir, os.path.relpath(rewrite["path"], bin_dir))
        if not os.path.isfile(path) or os.path.islink(path):
            continue
        with open(path, "w", encoding="utf-8") as script:
            script.write(rewrite["content"])
    for path, st in before.items():
        if os.path.isfile(path) and not os.path.islink(path):
            os.chown(path, st.st_uid, st.st_gid)
            os.chmod(path, stat.S_IMODE(st.st_mode))
    log("%s: %d path(s) moved to %s, %d script(s) rewritten" % (root, moved, new_sp, len(item["rewrites"])))


def main():
    with open(sys.argv[1], encoding="utf-8") as spec_file:
        spec = json.load(spec_file)
    failed = []
    for item in spec["venvs"]:
        try:
            convert(item)
        except Exception as error:  # reported by name, the build fails after the other venvs
            log("%s: not converted: %s" % (item.get("dir"), error))
            failed.append(item.get("dir"))
    if failed:
        sys.exit("kura python-venv: could not convert " + ", ".join(failed))


main()
`;
