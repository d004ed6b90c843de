"""Our own JavaScript parses: a syntax error would silently break autosave in every browser."""

import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted((ROOT / "static" / "js").glob("*.js"))


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
@pytest.mark.parametrize("script", SCRIPTS, ids=[script.name for script in SCRIPTS])
def test_script_is_valid_javascript(script):
    result = subprocess.run(  # noqa: S603 -- fixed command line
        [shutil.which("node"), "--check", str(script)], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
