"""A minimal PEP 517 / PEP 660 build backend for the pure-Python gradient_lens package.

Why not setuptools: pip builds in an isolated environment and would download setuptools into it,
so `pip install ./python` would need the network. This backend needs only the standard library.
The package's metadata lives here; its version in gradient_lens/__init__.py.
"""
import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

NAME = "gradient-lens"
DIST = "gradient_lens"  # the normalised name in file names
PACKAGE = "gradient_lens"
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the python/ folder
# Fixed timestamps so that a build is byte-for-byte reproducible (unless SOURCE_DATE_EPOCH says otherwise).
EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))  # 1980-01-01, the first date a zip can hold


def version():
    with open(os.path.join(HERE, PACKAGE, "__init__.py"), encoding="utf-8") as f:
        match = re.search(r'^__version__ = "([^"]+)"', f.read(), re.M)
    if not match:
        raise RuntimeError(f"no __version__ in {PACKAGE}/__init__.py")
    return match.group(1)


def metadata():
    return "\n".join([
        "Metadata-Version: 2.1",
        f"Name: {NAME}",
        f"Version: {version()}",
        "Summary: Record PyTorch training runs and tensor snapshots for the Gradient Lens editor extension",
        "License: MIT",
        "Requires-Python: >=3.8",
        "Requires-Dist: numpy",
        "",
        "Writes run folders (run.jsonl + one .npz per step) and .npz snapshots that Gradient Lens reads.",
        "",
    ])


def wheel_file():
    return "Wheel-Version: 1.0\nGenerator: gradient_lens_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def package_files():
    """(path in the wheel, bytes) for every .py file of the package, sorted."""
    out = []
    root = os.path.join(HERE, PACKAGE)
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                with open(path, "rb") as f:
                    out.append((os.path.relpath(path, HERE).replace(os.sep, "/"), f.read()))
    return out


def _record_hash(data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    return f"sha256={digest},{len(data)}"


def _zip_info(name):
    import time

    info = zipfile.ZipInfo(name, time.gmtime(max(EPOCH, 315532800))[:6])
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _write_wheel(wheel_directory, files):
    dist_info = f"{DIST}-{version()}.dist-info"
    files = list(files) + [
        (f"{dist_info}/METADATA", metadata().encode("utf-8")),
        (f"{dist_info}/WHEEL", wheel_file().encode("utf-8")),
        (f"{dist_info}/top_level.txt", f"{PACKAGE}\n".encode("utf-8")),
    ]
    record = "".join(f"{name},{_record_hash(data)}\n" for name, data in files) + f"{dist_info}/RECORD,,\n"
    files.append((f"{dist_info}/RECORD", record.encode("utf-8")))
    filename = f"{DIST}-{version()}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w") as wheel:
        for name, data in files:
            wheel.writestr(_zip_info(name), data)
    return filename


# ---- PEP 517 hooks ----

def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    dist_info = f"{DIST}-{version()}.dist-info"
    os.makedirs(os.path.join(metadata_directory, dist_info), exist_ok=True)
    for name, text in (("METADATA", metadata()), ("WHEEL", wheel_file())):
        with open(os.path.join(metadata_directory, dist_info, name), "w", encoding="utf-8") as f:
            f.write(text)
    return dist_info


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, package_files())


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """PEP 660: a wheel whose .pth file puts this source folder on sys.path."""
    return _write_wheel(wheel_directory, [(f"{DIST}.pth", (HERE + "\n").encode("utf-8"))])


def build_sdist(sdist_directory, config_settings=None):
    base = f"{DIST}-{version()}"
    filename = f"{base}.tar.gz"
    sources = [("pyproject.toml", None), ("_build/gradient_lens_build.py", None)] + package_files()
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz", format=tarfile.PAX_FORMAT) as tar:
        entries = [("PKG-INFO", metadata().encode("utf-8"))]
        for name, data in sources:
            if data is None:
                with open(os.path.join(HERE, name), "rb") as f:
                    data = f.read()
            entries.append((name, data))
        for name, data in entries:
            info = tarfile.TarInfo(f"{base}/{name}")
            info.size, info.mtime, info.mode = len(data), EPOCH, 0o644
            tar.addfile(info, io.BytesIO(data))
    return filename
