"""datastore_search's ``total`` after direct loads (the path the MQTT stream uses): always exact."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from ckan.cli.cli import ckan
from ckan.tests.helpers import call_action
from ckanext.datastore.backend.postgres import get_write_engine
from factories import territorial_schemas
from timeseries_helpers import HOUR, UTC, hourly, load, observations

from ckanext.territorio.timeseries import maintenance
from ckanext.territorio_harvesters import store
from ckanext.territorio_harvesters.records import Reading

START = dt.datetime(2024, 6, 1, tzinfo=UTC)


def total(resource_id: str) -> int:
    return call_action("datastore_search", resource_id=resource_id, limit=0)["total"]


def cached(resource_id: str) -> int | None:
    with get_write_engine().connect() as connection:
        return connection.execute(
            sa.text("SELECT (stats ->> 'rows')::bigint FROM _table_stats WHERE resource_id = :r"), {"r": resource_id}
        ).scalar()


def counted(resource_id: str) -> int:
    with get_write_engine().connect() as connection:
        return connection.execute(sa.text(f'SELECT count(*) FROM "{resource_id}"')).scalar_one()


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestTotal:
    pytestmark = territorial_schemas

    def test_fast_copy_then_merged_batches_keep_the_cached_total_exact(self, sensor_dataset):
        dataset = sensor_dataset(hourly("temuco-1", "pm25", "µg/m³", START, 100))
        resource_id = observations(dataset)
        assert total(resource_id) == 100 and cached(resource_id) == 100
        # new rows by the fast COPY path
        with store.ObservationTable(resource_id) as table:
            table.load([Reading(*r) for r in hourly("temuco-1", "pm25", "µg/m³", START + 100 * HOUR, 50)],
                       overlap=False)
        assert total(resource_id) == counted(resource_id) == 150
        # an overlapping batch: 20 already there (one revised), 30 new, through INSERT … ON CONFLICT
        rows = hourly("temuco-1", "pm25", "µg/m³", START + 130 * HOUR, 50)
        rows[0] = (*rows[0][:2], 999.0, *rows[0][3:])
        load(resource_id, rows)
        assert total(resource_id) == counted(resource_id) == 180 == cached(resource_id)

    def test_batches_committed_in_steps_and_a_refused_batch_count_right(self, sensor_dataset):
        dataset = sensor_dataset([])
        resource_id = observations(dataset)
        assert total(resource_id) == 0
        with store.ObservationTable(resource_id, commit_rows=10) as table:
            for day in range(5):
                batch = hourly("temuco-2", "pm10", "µg/m³", START + day * 24 * HOUR, 24)
                table.load([Reading(*r) for r in batch], overlap=False)
                assert total(resource_id) == counted(resource_id) == 24 * (day + 1)
            with pytest.raises(store.LoadError):  # a NaN-free but impossible time: refused whole
                table.load_encoded("temuco-2\tpm10\t1.0\tu\tno-es-fecha\t\\N\t'x'\n", 1, overlap=False)
        assert total(resource_id) == counted(resource_id) == 120

    def test_the_ensure_command_repairs_a_stale_total(self, sensor_dataset):
        dataset = sensor_dataset(hourly("temuco-1", "pm25", "µg/m³", START, 10))
        resource_id = observations(dataset)
        assert total(resource_id) == 10
        with get_write_engine().begin() as connection:  # as a load from before the fix left it
            connection.execute(sa.text("UPDATE _table_stats SET stats = '{\"rows\": 3}' WHERE resource_id = :r"),
                               {"r": resource_id})
        assert total(resource_id) == 3
        done = {e.resource_id: e for e in maintenance.ensure_all()}
        assert done[resource_id].rows == 10 and done[resource_id].statements == 0
        assert total(resource_id) == 10


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestEnsureCommand:
    pytestmark = territorial_schemas

    def test_a_table_from_before_gets_its_indexes_and_live_trigger(self, sensor_dataset, cli):
        dataset = sensor_dataset(hourly("temuco-1", "pm25", "µg/m³", START, 10))
        resource_id = observations(dataset)
        with get_write_engine().begin() as connection:  # as a table created before this version
            connection.execute(sa.text(f'DROP INDEX "{resource_id}_ts_var"'))
            connection.execute(sa.text(f'DROP INDEX "{resource_id}_ts_brin"'))
            connection.execute(sa.text(f'DROP TRIGGER territorio_live ON "{resource_id}"'))
        result = cli.invoke(ckan, ["territorio", "timeseries", "ensure"])
        assert result.exit_code == 0, result.output
        assert f"{resource_id}: 5 sentencias, 10 filas" in result.output
        with get_write_engine().connect() as connection:
            indexes = set(connection.execute(
                sa.text("SELECT indexname FROM pg_indexes WHERE tablename = :t"), {"t": resource_id}).scalars())
            triggers = set(connection.execute(
                sa.text("SELECT tgname FROM pg_trigger WHERE tgrelid = CAST(:t AS regclass)"),
                {"t": f'"{resource_id}"'}).scalars())
        assert {f"{resource_id}_ts_var", f"{resource_id}_ts_brin"} <= indexes
        assert "territorio_live" in triggers
        again = cli.invoke(ckan, ["territorio", "timeseries", "ensure"])
        assert f"{resource_id}: 0 sentencias, 10 filas" in again.output
