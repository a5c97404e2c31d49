# Fails while loading (collection error): the module does not exist.
import does_not_exist  # noqa: F401


def test_never_collected():
    pass
