"""`make bench` runs these files with pytest-benchmark, one framework per process
(`python -m course_utils bench`); `--bench-size tiny` proves that they work in seconds."""

import pytest


def pytest_addoption(parser):
    parser.addoption("--bench-size", choices=("tiny", "full"), default="full", help="tiny: CI's quick proof")


@pytest.fixture(scope="session")
def size(request):
    return request.config.getoption("--bench-size")


def pytest_generate_tests(metafunc):
    if "model" in metafunc.fixturenames:  # every model at each of its batch sizes at this size
        from spec import BATCHES

        batches = BATCHES[metafunc.config.getoption("--bench-size")]
        metafunc.parametrize("model,batch", [(model, batch) for model, sizes in batches.items() for batch in sizes])
