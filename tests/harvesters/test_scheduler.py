"""The harvest scheduler: its supervised program and unit, and what one tick does."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import pytest
from ckan.tests.helpers import call_action
from harvest_helpers import harvest_marks
from supervisor.options import ServerOptions

from ckanext.territorio_harvesters import liveness, scheduler

REPO = Path(__file__).resolve().parents[2]


def render(template: Path, out: Path, **values: str) -> None:
    exports = "".join(f"{name}={json.dumps(value)}; " for name, value in values.items())
    subprocess.run(
        ["bash", "-c", f'source deploy/lib/common.sh; {exports}render_template "{template}" "{out}"'],
        check=True, cwd=REPO, env={**os.environ, "TERM": "dumb"}, capture_output=True, timeout=60,
    )


def test_supervisord_runs_the_scheduler_program(tmp_path: Path):
    conf = tmp_path / "supervisord.conf"
    render(
        REPO / "deploy" / "supervisord.conf.in", conf,
        SUPERVISOR_SOCK=str(tmp_path / "s.sock"), LOG_DIR=str(tmp_path), RUN_DIR=str(tmp_path),
        REPO=str(REPO), VENV="/venv", CKAN_INI="/run/ckan.ini", WEB_BIND="127.0.0.1:5000",
        JOB_QUEUES="default territorio", HARVEST_REDIS_URL="redis://127.0.0.1:6379/1?socket_timeout=604800",
    )
    options = ServerOptions()
    options.configfile = str(conf)
    options.process_config(do_usage=False)
    programs = {group.name: group.process_configs[0] for group in options.process_group_configs}
    scheduler_program = programs["harvest-scheduler"]
    assert scheduler_program.command == "/venv/bin/ckan -c /run/ckan.ini territorio-harvest scheduler"
    assert scheduler_program.autorestart and scheduler_program.stopsignal == 15


def test_the_systemd_unit_belongs_to_the_target():
    unit = (REPO / "deploy" / "systemd" / "territorio-harvest-scheduler.service").read_text()
    assert "ExecStart=/srv/territorio/.venv/bin/ckan -c /etc/territorio/ckan.ini territorio-harvest scheduler" in unit
    assert "Restart=always" in unit
    target = (REPO / "deploy" / "systemd" / "territorio.target").read_text()
    assert "territorio-harvest-scheduler.service" in target


@pytest.mark.usefixtures("clean_queues")
class TestTick:
    pytestmark = harvest_marks

    def test_a_source_due_gets_a_job_and_a_manual_one_does_not(self, make_source, fake_server):
        due = make_source("sensorthings", f"{fake_server.base}/sta/v1.1", {"region": ["CL-AR"]},
                          name="siempre", frequency="ALWAYS")
        manual = make_source("sensorthings", f"{fake_server.base}/otra/v1.1", {"region": ["CL-AR"]},
                             name="manual", frequency="MANUAL")
        report = scheduler.tick()
        assert report.running == 1
        (job,) = call_action("harvest_job_list", source_id=due["id"])
        assert job["status"] == "Running"
        assert call_action("harvest_job_list", source_id=manual["id"]) == []
        from ckanext.harvest import queue

        waiting = queue.get_connection().lrange(queue.get_gather_routing_key(), 0, -1)
        assert json.dumps({"harvest_job_id": job["id"]}) in waiting

    def test_a_silent_claim_goes_back_to_the_queue_and_a_beating_one_stays(self, ckan_config):
        from ckanext.harvest import queue

        redis = queue.get_connection()
        fetch = queue.get_fetch_routing_key()
        redis.delete(fetch)  # what earlier tests of this process queued is not this test's
        old = (dt.datetime.now() - dt.timedelta(minutes=10)).strftime(liveness.TIME_FORMAT)
        redis.set(f"{fetch}:objeto-muerto", old)
        redis.set(f"{fetch}:objeto-vivo", old)
        liveness.Heartbeat(fetch, "objeto-vivo").beat(force=True)
        requeued = liveness.requeue_stale(60)
        assert requeued == ["objeto-muerto"]
        assert redis.lrange(fetch, 0, -1) == [json.dumps({"harvest_object_id": "objeto-muerto"})]
        assert redis.get(f"{fetch}:objeto-muerto") is None
        assert redis.get(f"{fetch}:objeto-vivo") is not None
        redis.delete(f"{fetch}:objeto-vivo")

    def test_a_dead_gather_of_a_job_that_timed_out_ends_the_job_and_is_not_requeued(self, make_source, fake_server):
        from ckanext.harvest import queue
        from ckanext.harvest.model import HarvestJob

        source = make_source("sensorthings", f"{fake_server.base}/sta/v1.1", {"region": ["CL-AR"]})
        job = call_action("harvest_job_create", source_id=source["id"], run=True)
        # created three hours ago (past ckan.harvest.timeout); its gather killed its consumer every
        # time it was re-queued, the last time ten minutes ago (past stale_after)
        redis = queue.get_connection()
        gather = queue.get_gather_routing_key()
        message = json.dumps({"harvest_job_id": job["id"]})
        assert redis.lrem(gather, 0, message) == 1
        taken = dt.datetime.now() - dt.timedelta(minutes=10)
        redis.set(f"{gather}:{job['id']}", taken.strftime(liveness.TIME_FORMAT))
        job_obj = HarvestJob.get(job["id"])
        job_obj.created = dt.datetime.utcnow() - dt.timedelta(hours=3)
        job_obj.save()

        report = scheduler.tick()
        shown = call_action("harvest_job_show", id=job["id"])
        assert shown["status"] == "Finished"
        (error,) = call_action("harvest_job_report", id=job["id"])["gather_errors"]
        assert "timeout (120 minutes)" in error["message"]
        assert report.requeued == [] and report.running == 0
        assert message not in redis.lrange(gather, 0, -1)
        assert redis.get(f"{gather}:{job['id']}") is None
