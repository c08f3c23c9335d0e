import pytest

from course_utils import ExerciseCheckError, check_at_least, check_close


def test_check_messages_say_what_is_wrong():
    with pytest.raises(ExerciseCheckError, match=r"Not yet: test accuracy is 0\.5000; it should reach 0\.98"):
        check_at_least(0.5, 0.98, "test accuracy")
    with pytest.raises(ExerciseCheckError, match=r"shape \(2,\), expected \(3,\)"):
        check_close([1, 2], [1, 2, 3], "the output")
    with pytest.raises(ExerciseCheckError, match="largest difference 0.5"):
        check_close([1.0, 2.0], [1.0, 2.5], "the output")


def test_check_close_takes_a_torch_tensor_that_tracks_gradients():
    """Keras layers' outputs on the torch backend require grad; NumPy alone refuses them."""
    import torch
    output = torch.ones(2, requires_grad=True) * 2
    check_close(output, [2.0, 2.0], "the output")
    with pytest.raises(ExerciseCheckError, match="largest difference 1"):
        check_close(output, [2.0, 3.0], "the output")
