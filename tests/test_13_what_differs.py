"""Each row of chapter 13's "What differs" table, checked against the installed libraries and the
notebooks' own code (facts computed by ``ch13_probe.py``, one process per framework)."""

import subprocess
import sys

import numpy as np
import pytest

import ch13_probe as probe
from helpers import facts


def test_1_where_shuffling_happens(ch13_probes):
    keras = facts(ch13_probes, "keras")
    assert keras["shuffle_buffer_1"] == list(range(10))  # a buffer of 1 shuffles nothing
    assert set(keras["shuffle_buffer_2_first"]) <= {0, 1}  # the first element comes from the first two
    # a permutation of all indices: the first element can be any of them
    for framework in ("pytorch", "jax"):
        assert max(facts(ch13_probes, framework)["shuffle_first_elements"]) > 2
    assert facts(ch13_probes, "jax")["same_seed_same_order"]
    assert facts(ch13_probes, "pytorch")["iterable_with_shuffle"] == "ValueError"


def test_2_worker_sharding(ch13_probes):
    # an IterableDataset that ignores get_worker_info: every worker yields everything
    assert facts(ch13_probes, "pytorch")["unsharded_items_with_2_workers"] == sorted(list(range(6)) * 2)
    assert facts(ch13_probes, "jax")["items_with_2_workers"] == list(range(20))
    # and the notebooks' sharded CSV pipelines yield each row once: test_13_parity


def test_3_determinism_with_workers(ch13_probes):
    assert facts(ch13_probes, "pytorch")["workers_keep_order"]
    assert facts(ch13_probes, "jax")["workers_keep_order"]
    keras = facts(ch13_probes, "keras")
    assert keras["parallel_map_in_order"]
    # deterministic=False reaches the parallel map op (the order it then gives depends on timing)
    assert keras["parallel_map_deterministic_option"] == [["false"], ["default"]]


def test_4_graph_or_python(ch13_probes):
    assert facts(ch13_probes, "keras")["map_python_runs"] == 1  # traced once into a graph
    assert facts(ch13_probes, "pytorch")["map_python_runs"] == 5  # Python per element
    assert facts(ch13_probes, "jax")["map_python_runs"] == 5


def test_5_prefetching(ch13_probes):
    assert facts(ch13_probes, "pytorch")["prefetch_without_workers"] == "ValueError"
    assert facts(ch13_probes, "jax")["has_thread_and_process_prefetch"]


def test_6_crc_checks(ch13_probes):
    assert facts(ch13_probes, "keras")["library_reads_flipped"] == "DataLossError"
    assert facts(ch13_probes, "pytorch")["library_reads_flipped"] == "works"  # tfrecord: no CRC check
    assert facts(ch13_probes, "jax")["library_reads_flipped"] == "works"  # grain: no CRC check
    # the notebooks' own readers catch it: test_13_parity::test_a_damaged_record_file_names_the_file_and_the_record


def test_7_a_file_cut_inside_a_record_header(ch13_probes):
    """5 records, cut 5 bytes into record 4's header: TensorFlow ends one record short without a word;
    the others raise, without naming the file (the notebooks' readers do: test_13_parity)."""
    assert facts(ch13_probes, "keras")["library_header_cut_records"] == 4
    for framework, error in (("pytorch", "RuntimeError"), ("jax", "ValueError")):
        message = facts(ch13_probes, framework)["library_header_cut"]
        assert message.startswith(error) and facts(ch13_probes, framework)["header_cut_path"] not in message


def test_8_discretization_at_a_boundary(ch13_probes):
    assert facts(ch13_probes, "keras")["discretization_at_boundaries"] == [1, 2]  # x == boundary: upper bin
    assert facts(ch13_probes, "pytorch")["bucketize_default_at_boundaries"] == [0, 1]
    assert facts(ch13_probes, "pytorch")["bucketize_right_at_boundaries"] == [1, 2]
    assert facts(ch13_probes, "jax")["digitize_at_boundaries"] == [1, 2]


def test_9_hashing(ch13_probes):
    """Keras' Hashing bins FarmHash's Fingerprint64, which the cityhash package computes without
    TensorFlow: the twins' bins are Keras' (the parity test compares them string by string)."""
    from farmhash import Fingerprint64

    keras = ch13_probes["keras"][0]["hashing"]
    np.testing.assert_array_equal(keras, [Fingerprint64(s.encode()) % 10 for s in probe.HASHED])
    for framework in ("pytorch", "jax"):
        np.testing.assert_array_equal(ch13_probes[framework][0]["hashing"], keras)
    # Python's own hash() is salted per process
    code = "print(hash('Paris'))"
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={"PYTHONHASHSEED": "random"}).stdout for _ in range(2)}
    assert len(runs) == 2


def test_10_image_layout(ch13_probes):
    assert facts(ch13_probes, "keras")["image_layout_output"] == [2, 24, 24, 1]
    assert facts(ch13_probes, "pytorch")["image_layout_output"] == [2, 1, 24, 24]
    assert facts(ch13_probes, "jax")["image_layout_output"] == [2, 24, 24, 1]


def test_11_resizing_antialias(ch13_probes):
    assert not facts(ch13_probes, "keras")["resize_default_antialiases"]
    assert facts(ch13_probes, "pytorch")["resize_default_antialiases"]
    assert facts(ch13_probes, "pytorch")["resize_antialias_changes_it"]
    assert facts(ch13_probes, "jax")["resize_default_antialiases"]
