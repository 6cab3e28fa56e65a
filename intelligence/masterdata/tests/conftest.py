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


@pytest.fixture(scope="session")
def masterdata_spark(tmp_path_factory):
    """The Spark engine's session, started once for the test session (the JVM's start-up costs
    tens of seconds here) with its working files in a temporary folder, stopped at the end."""
    from django.test import override_settings

    from intelligence.masterdata.matching import spark

    folder = tmp_path_factory.mktemp("masterdata-spark")
    overrides = override_settings(
        MASTERDATA_SPARK_DIR=str(folder), MASTERDATA_SPARK_MASTER="local[2]"
    )
    overrides.enable()
    try:
        yield spark.session(), folder
    finally:
        spark.stop()
        overrides.disable()
