"""A throw-away machine for ``scripts/dev``: its own PATH, and programs that record their calls.

The script is copied with ``pyproject.toml`` into a temporary checkout and run with a PATH that
holds only links to the few real tools it uses (bash, coreutils, Xvfb...) and stand-ins for
the ones a test must not really run here: ``apt-get`` and ``dpkg`` (no system changes, any
"missing" packages), ``id`` (any user), ``python3`` and the virtual environment's ``python``
(no network: ``pip install`` prints a transcript shaped like pip's own). Every stand-in appends
its arguments to ``calls.log``, which is what the tests read.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# fmt: off
REAL_TOOLS = (
    "bash", "cat", "cut", "dirname", "mktemp", "rm", "seq", "sleep", "sha256sum", "tail",
    "setsid", "tput", "mcookie", "xauth", "Xvfb",
)
# fmt: on

# pip's output for a first install: the runtime's dependencies, a few large wheels, then the
# install step (what `pip install --progress-bar off` prints when its output is not a terminal).
BIG_WHEELS = {"PySide6_Essentials": "95.1 MB", "shiboken6": "1.5 MB", "uvloop": "4.0 MB"}
# fmt: off
PACKAGES = [
    "PySide6_Essentials", "shiboken6", "SQLAlchemy", "alembic", "httpx", "fastapi", "uvicorn",
    "httptools", "uvloop", "pydantic", "pydantic_core", "pydantic_settings", "platformdirs",
    "tzdata", "argon2_cffi", "argon2_cffi_bindings", "cffi", "pycparser", "orjson", "keyring",
    "jaraco.classes", "jaraco.functools", "jaraco.context", "more_itertools", "SecretStorage",
    "jeepney", "cryptography", "starlette", "anyio", "sniffio", "idna", "certifi", "httpcore",
    "h11", "click", "Mako", "MarkupSafe", "greenlet", "typing_extensions", "annotated_types",
    "python_dotenv", "typing_inspection",
]
# fmt: on


def pip_transcript() -> str:
    lines = [
        "Obtaining file:///checkout",
        "  Installing build dependencies: started",
        "  Installing build dependencies: finished with status 'done'",
    ]
    for name in PACKAGES:
        lines.append(f"Collecting {name} (from instainstru-desktop==0.1.0)")
        size = BIG_WHEELS.get(name, "120 kB")
        lines.append(f"  Downloading {name}-1.0-py3-none-any.whl.metadata (4.2 kB)")
        lines.append(f"Downloading {name}-1.0-py3-none-any.whl ({size})")
    lines.append("Installing collected packages: " + ", ".join(PACKAGES))
    lines.append("Successfully installed " + " ".join(f"{n}-1.0" for n in PACKAGES))
    return "\n".join(lines) + "\n"


FAKE_PYTHON = '''#!{python}
"""The system's python3: real for -c, a stand-in for -m venv (FAKE_PYTHON: good, old, no-venv)."""
import os, subprocess, sys
from pathlib import Path
kind = os.environ.get("FAKE_PYTHON", "good")
with open(os.environ["FAKE_CALLS"], "a") as calls:
    calls.write("python3 " + " ".join(sys.argv[1:]) + "\\n")
if kind == "old":
    if sys.argv[1:] == ["--version"]:
        print("Python 3.9.2")
    sys.exit(1)
if sys.argv[1] == "-c":
    sys.exit(subprocess.run([{python!r}, *sys.argv[1:]]).returncode)
if sys.argv[1:3] == ["-m", "venv"]:
    venv = Path(sys.argv[3])
    if kind == "no-venv":  # Debian without python3-venv: a venv without pip, then an error
        subprocess.run([{python!r}, "-m", "venv", "--without-pip", str(venv)], check=True)
        print("The virtual environment was not created successfully because ensurepip is not")
        print("available.  On Debian/Ubuntu systems, you need to install the python3-venv")
        print("package using the following command.")
        print("    apt install python3.11-venv")
        sys.exit(1)
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\\n")
    for name in ("python", "instainstru", "instainstru-server"):
        target = venv / "bin" / name
        target.write_text(Path(os.environ["FAKE_VENV_PYTHON"]).read_text())
        target.chmod(0o755)
    sys.exit(0)
sys.exit("unexpected call")
'''

FAKE_VENV_PYTHON = '''#!{python}
"""The environment's python, instainstru and instainstru-server: they record how they were run."""
import os, signal, sys, time
from pathlib import Path
name = Path(sys.argv[0]).name
with open(os.environ["FAKE_CALLS"], "a") as calls:
    shown = {{k: os.environ.get(k, "") for k in ("DISPLAY", "QT_QPA_PLATFORM", "XAUTHORITY")}}
    calls.write(f"{{name}} {{' '.join(sys.argv[1:])}} {{shown}}\\n")
args = sys.argv[1:]
if args[:3] == ["-m", "pip", "--version"]:
    print("pip 24.0")
elif args[:3] == ["-m", "pip", "install"]:
    if "-q" not in args and "--upgrade" not in args:
        sys.stdout.write(Path(os.environ["FAKE_PIP_TRANSCRIPT"]).read_text())
    if os.environ.get("FAKE_PIP_FAILS"):
        print("ERROR: Could not find a version that satisfies the requirement fastapi>=0.115")
        sys.exit(1)
elif name == "instainstru" and os.environ.get("FAKE_APP_WAITS"):
    signal.signal(signal.SIGINT, lambda *_: sys.exit(130))
    Path(os.environ["FAKE_APP_WAITS"]).write_text(str(os.getpid()))
    while True:
        time.sleep(0.05)
'''

FAKE_DPKG = """#!/bin/bash
echo "dpkg $*" >>"$FAKE_CALLS"
# dpkg -s PKG: installed unless FAKE_MISSING says "all" or names it
[ "${FAKE_MISSING:-}" = all ] && exit 1
case " ${FAKE_MISSING:-} " in *" $2 "*) exit 1 ;; esac
exit 0
"""

RECORDER = """#!/bin/bash
echo "{name} $*" >>"$FAKE_CALLS"
"""


@dataclass
class Sandbox:
    root: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def checkout(self) -> Path:
        return self.root / "checkout"

    @property
    def venv(self) -> Path:
        return self.root / "venv"

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    def calls(self) -> list[str]:
        log = self.root / "calls.log"
        return log.read_text().splitlines() if log.exists() else []

    def called(self, program: str) -> list[str]:
        return [c for c in self.calls() if c.split(" ", 1)[0] == program]

    def without(self, *programs: str) -> None:
        for name in programs:
            (self.bin / name).unlink(missing_ok=True)

    def command(self, *args: str) -> list[str]:
        return [str(self.bin / "bash"), str(self.checkout / "scripts" / "dev"), *args]

    def run(
        self, *args: str, timeout: float = 60, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*args),
            env={**self.env, **extra},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def make_sandbox(root: Path) -> Sandbox:
    checkout = root / "checkout"
    (checkout / "scripts").mkdir(parents=True)
    shutil.copy2(REPO / "scripts" / "dev", checkout / "scripts" / "dev")
    shutil.copy2(REPO / "pyproject.toml", checkout / "pyproject.toml")
    bin_dir = root / "bin"
    bin_dir.mkdir()
    for tool in REAL_TOOLS:
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    scripts = {
        "python3": FAKE_PYTHON.format(python=sys.executable),
        "dpkg": FAKE_DPKG,
        "apt-get": RECORDER.format(name="apt-get"),
        "id": '#!/bin/bash\necho "${FAKE_UID:-0}"\n',
    }
    for name, text in scripts.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    venv_python = root / "venv-python"
    venv_python.write_text(FAKE_VENV_PYTHON.format(python=sys.executable))
    transcript = root / "pip-transcript.txt"
    transcript.write_text(pip_transcript())
    env = {
        "PATH": str(bin_dir),
        "HOME": str(root / "home"),
        "TMPDIR": str(root),
        "LANG": "C.UTF-8",
        "TERM": "xterm",
        "INSTAINSTRU_VENV": str(root / "venv"),
        "FAKE_CALLS": str(root / "calls.log"),
        "FAKE_VENV_PYTHON": str(venv_python),
        "FAKE_PIP_TRANSCRIPT": str(transcript),
    }
    return Sandbox(root, env)
