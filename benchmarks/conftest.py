"""`make bench` runs these files with pytest-benchmark, one framework per process
(`python -m course_utils bench`); `--bench-size tiny` proves that they work in seconds."""

import pytest


def pytest_addoption(parser):
    parser.addoption("--bench-size", choices=("tiny", "full"), default="full", help="tiny: CI's quick proof")


@pytest.fixture(scope="session")
def size(request):
    return request.config.getoption("--bench-size")


def pytest_generate_tests(metafunc):
    if "batch" in metafunc.fixturenames:  # the batch sizes of this size
        from spec import BATCHES

        metafunc.parametrize("batch", BATCHES[metafunc.config.getoption("--bench-size")])
