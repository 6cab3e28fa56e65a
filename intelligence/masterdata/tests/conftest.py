import pytest


def people_csv(
    rows, header="source_id,first_name,surname,date_of_birth,postcode,address,email,phone"
):
    return (header + "\n" + "\n".join(rows) + "\n").encode()


@pytest.fixture
def md_a(council_a, in_council):
    """Run master data actions in council A: ``with md_a() as actions: ...``."""
    from contextlib import contextmanager

    @contextmanager
    def inside():
        from intelligence.masterdata import actions

        with in_council(council_a):
            yield actions

    return inside


@pytest.fixture
def md_client_factory(staff_client_factory):
    """A client in the "Master data" group for a council."""

    def make(council, username=None):
        return staff_client_factory(council, groups=("Master data",), username=username)

    return make
