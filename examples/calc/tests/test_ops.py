from calc import add, mean


def test_add():
    assert add(2, 3) == 5


def test_mean_of_three():
    assert mean([1, 2, 3]) == 2


def test_mean_of_one():
    assert mean([4]) == 4
