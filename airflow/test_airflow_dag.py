#!/usr/bin/env python3
"""Checks `sluice airflow-dag` without Airflow (it cannot be installed here): the generated DAG
file compiles (py_compile), and executed against the stub airflow modules of dag_stubs.py it
declares a plan task, one dynamically mapped task per table with one instance per shard (each
`sluice run PIPELINE --only TABLE --shard I/N --json`), Airflow retries with exponential backoff
and an on-failure callback, and the transforms downstream of every shard. Also: the commands
survive awkward paths, push a one-line JSON summary to XCom and keep sluice's exit code, and bad
pipeline files are refused. Running the commands against MariaDB is
tests/runner/shard_e2e_test.cc.

    python3 airflow/test_airflow_dag.py PATH/TO/sluice
"""
import logging
import os
import py_compile
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import dag_stubs  # noqa: E402  (after the path change)

PIPELINE = """\
name: shop-daily
sources:
  db:
    url: mysql://etl@db.internal:${DB_PORT}/shop
    password: ${SHOP_DB_PASSWORD}
destination: ${LAKE_DIR}/shop
tables:
  - name: orders
    shards: 4
  - name: customers
  - name: daily_report
    query: SELECT 1 AS x
  - name: payments
    casts:
      amount_text: {type: "decimal(12,2)", on_error: quarantine}
transforms:
  - name: totals
    output: marts/totals.parquet
    sql: SELECT count(*) AS n FROM orders
"""


def generate(sluice, pipeline, *args):
    result = subprocess.run([sluice, "airflow-dag", pipeline] + list(args),
                            capture_output=True, text=True)
    return result


def argv_of(command):
    """The sluice argv of a task command: `set -o pipefail; ARGV | python3 -c FILTER`."""
    assert command.startswith("set -o pipefail; "), command
    words = shlex.split(command[len("set -o pipefail; "):])
    return words[:words.index("|")]


def check_shop_dag(sluice, tmp):
    pipeline = os.path.join(tmp, "dir with space", "shop's pipeline.yaml")
    os.makedirs(os.path.dirname(pipeline))
    with open(pipeline, "w") as out:
        out.write(PIPELINE)
    dag_file = os.path.join(tmp, "shop_dag.py")
    # The environment of the run (DB_PORT, passwords, LAKE_DIR) is not needed to generate.
    env_free = {key: value for key, value in os.environ.items()
                if key not in ("DB_PORT", "SHOP_DB_PASSWORD", "LAKE_DIR")}
    result = subprocess.run([sluice, "airflow-dag", pipeline, "--shards", "3", "--sluice",
                             "/opt/sluice/bin/sluice", "--retries", "4", "--pool", "shop_db",
                             "--output", dag_file], capture_output=True, text=True, env=env_free)
    assert result.returncode == 0, result.stderr
    py_compile.compile(dag_file, doraise=True)

    dag = dag_stubs.load_dag(dag_file)
    assert dag.dag_id == "sluice_shop-daily", dag.dag_id
    assert dag.kwargs["schedule"] == "@daily"
    assert dag.kwargs["catchup"] is False
    args = dag.kwargs["default_args"]
    assert args["retries"] == 4
    assert args["retry_exponential_backoff"] is True
    assert args["max_retry_delay"] > args["retry_delay"]
    callback = args["on_failure_callback"]
    assert callable(callback)
    logging.getLogger("sluice").addHandler(logging.NullHandler())  # keep the test output quiet
    callback({"exception": RuntimeError("boom")})  # logs, never raises
    callback({})

    assert set(dag.tasks) == {"plan", "extract_orders", "extract_customers",
                              "extract_daily_report", "extract_payments",
                              "transforms"}, sorted(dag.tasks)
    plan = dag.tasks["plan"]
    assert not plan.mapped
    assert argv_of(plan.commands[0]) == ["/opt/sluice/bin/sluice", "plan", pipeline, "--save",
                                         "--json"], plan.commands
    assert plan.downstream == {"extract_orders", "extract_customers", "extract_daily_report",
                               "extract_payments"}
    # orders: `shards: 4`; customers: --shards 3; the query table: one scan, one shard.
    for table, count in (("orders", 4), ("customers", 3), ("daily_report", 1)):
        task = dag.tasks["extract_" + table]
        assert task.mapped, table
        assert task.kwargs.get("pool") == "shop_db", task.kwargs
        assert task.downstream == {"transforms"}, (table, task.downstream)
        assert len(task.commands) == count, (table, task.commands)
        for index, command in enumerate(task.commands):
            assert argv_of(command) == [
                "/opt/sluice/bin/sluice", "run", pipeline, "--only", table, "--shard",
                "%d/%d" % (index, count), "--progress", "log", "--json"], command
    # A validated table runs unsharded (its validation report is made by one process).
    payments = dag.tasks["extract_payments"]
    assert payments.downstream == {"transforms"}
    assert [argv_of(command) for command in payments.commands] == [[
        "/opt/sluice/bin/sluice", "run", pipeline, "--only", "payments", "--progress", "log",
        "--json"]], payments.commands
    transforms = dag.tasks["transforms"]
    assert "--transforms-only" in argv_of(transforms.commands[0])
    assert transforms.downstream == set()
    for task in dag.tasks.values():
        assert "env" not in task.kwargs, (task.task_id, task.kwargs)

    # --run-date-env: every task sees the run's logical date, on top of the worker's environment.
    result = subprocess.run([sluice, "airflow-dag", pipeline, "--run-date-env", "SHOP_RUN_DATE",
                             "--output", dag_file], capture_output=True, text=True, env=env_free)
    assert result.returncode == 0, result.stderr
    dated = dag_stubs.load_dag(dag_file)
    for task in dated.tasks.values():
        assert task.kwargs.get("env") == {"SHOP_RUN_DATE": "{{ ds }}"}, (task.task_id, task.kwargs)
        assert task.kwargs.get("append_env") is True, task.kwargs
    result = generate(sluice, pipeline, "--run-date-env", "1BAD")
    assert result.returncode == 2 and "environment variable name" in result.stderr, result.stderr

    # Airflow 3 moved BashOperator to the standard provider: the DAG imports either.
    dag3 = dag_stubs.load_dag(dag_file, airflow3=True)
    assert set(dag3.tasks) == set(dag.tasks)

    # A task command pushes one line of JSON (XCom keeps the last line) and keeps sluice's exit
    # code; a sluice that prints nothing (a config error) still fails the task with its code.
    fake = os.path.join(tmp, "fake-sluice")
    for stdout, code in (('{\n  "status": "failed",\n  "files": ["a b"]\n}', 4), ("", 2),
                         ('{\n  "status": "succeeded"\n}', 0)):
        with open(fake, "w") as out:
            out.write("#!/bin/sh\ncat <<'EOF'\n%s\nEOF\nexit %d\n" % (stdout, code)
                      if stdout else "#!/bin/sh\nexit %d\n" % code)
        os.chmod(fake, 0o755)
        command = dag.tasks["extract_orders"].commands[1].replace(
            shlex.quote("/opt/sluice/bin/sluice"), shlex.quote(fake), 1)
        run = subprocess.run(["bash", "-c", command], capture_output=True, text=True)
        assert run.returncode == code, (run.returncode, code, run.stderr)
        lines = run.stdout.splitlines()
        if stdout:
            assert len(lines) == 1 and lines[0].startswith('{"status": '), run.stdout
        else:
            assert run.stdout.strip() == "", run.stdout


def check_errors(sluice, tmp):
    bad = os.path.join(tmp, "bad.yaml")
    for text, message in (
            ("name: x\nsources:\n  db:\n    url: mysql://u@h/d\ndestination: /l\ntables:\n"
             "  - name: t\n    shards: 0\n", "bad.yaml:8: tables.t.shards: must be between 1"),
            ("name: x\nsources:\n  db:\n    url: mysql://u@h/d\ndestination: /l\ntables:\n"
             "  - name: t\n    query: SELECT 1\n    shards: 2\n",
             "tables.t.shards: a query or scan table is extracted as one streaming pass"),
            ("tables:\n  - table: x\n", "missing required key"),
    ):
        with open(bad, "w") as out:
            out.write(text)
        result = generate(sluice, bad)
        assert result.returncode == 2, (result.returncode, result.stderr)
        assert message in result.stderr, result.stderr
        assert result.stdout == "", result.stdout
    result = generate(sluice, os.path.join(tmp, "missing.yaml"))
    assert result.returncode == 2 and "cannot read pipeline file" in result.stderr, result.stderr
    result = generate(sluice, bad, "--shards", "0")
    assert result.returncode == 2, result.stderr


def check_example(sluice, tmp):
    """The case study's pipeline: generated to stdout, compiles, all three tables mapped."""
    example = os.path.join(REPO, "examples", "insurance.yaml")
    result = generate(sluice, example, "--shards", "2", "--schedule", "None")
    assert result.returncode == 0, result.stderr
    dag_file = os.path.join(tmp, "insurance_dag.py")
    with open(dag_file, "w") as out:
        out.write(result.stdout)
    py_compile.compile(dag_file, doraise=True)
    dag = dag_stubs.load_dag(dag_file)
    assert dag.kwargs["schedule"] is None
    for table in ("customers", "contracts", "coverages"):
        # Two shards each, except tables with a contract: those run unsharded, in one task.
        argvs = [argv_of(command) for command in dag.tasks["extract_" + table].commands]
        shards = [argv[argv.index("--shard") + 1] for argv in argvs if "--shard" in argv]
        assert shards == ["0/2", "1/2"] or (len(argvs) == 1 and not shards), (table, argvs)
    described = dag_stubs.describe(dag)
    assert described["tasks"]["plan"]["downstream"] == [
        "extract_contracts", "extract_coverages", "extract_customers"]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: test_airflow_dag.py PATH/TO/sluice")
    sluice = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        check_shop_dag(sluice, tmp)
        check_errors(sluice, tmp)
        check_example(sluice, tmp)
    print("sluice airflow-dag OK")


if __name__ == "__main__":
    main()
