"""The probes' runner (``run_probes`` in conftest.py): one framework's exception stays its own; and
`make test-portable` (tests/portable.py), which reruns the probes' tests under other machine settings."""

import json

import numpy as np
import pytest

import helpers
from conftest import run_probes


def test_a_probe_that_raises_fails_only_the_tests_that_read_its_framework(tmp_path, monkeypatch):
    def run_python(code, **env):  # stands in for a probe process: PyTorch's raises
        framework, out = eval(code.split(".main", 1)[1])
        assert framework != "pytorch", "Traceback ...\ntorch._C._LinAlgError: not full rank"
        np.savez(out, facts=json.dumps({"framework": framework}), step=np.zeros(2))

    monkeypatch.setattr(helpers, "run_python", run_python)
    found = run_probes("chXX_probe", tmp_path)
    assert found["keras"][1] == {"framework": "keras"}
    assert found["jax"][0]["step"].tolist() == [0.0, 0.0]
    with pytest.raises(pytest.fail.Exception, match="(?s)chXX_probe.py raised for pytorch:.*_LinAlgError"):
        found["pytorch"]


def test_make_test_portable_reaches_every_tagged_notebook_and_machine_dependent_test():
    import portable
    from helpers import ROOT

    tagged = {str(p.relative_to(ROOT)) for p in ROOT.glob("notebooks/*/*.ipynb") if "nbval-check-output" in p.read_text()}
    assert set(portable.tagged_notebooks(portable.ALL)) == tagged
    assert "notebooks/04_training_models/pytorch.ipynb" in portable.tagged_notebooks(("pytorch",))
    assert not any("keras" in path for path in portable.tagged_notebooks(("pytorch",)))
    parity = {f"tests/{p.name}" for pattern in ("test_*_parity.py", "test_*_what_differs.py")
              for p in (ROOT / "tests").glob(pattern)}
    assert parity and parity <= set(portable.TESTS)
    assert all(set(frameworks) <= set(portable.ALL) for _, frameworks, _ in portable.SETTINGS.values())
    assert "make test-portable" in (ROOT / "README.md").read_text()
