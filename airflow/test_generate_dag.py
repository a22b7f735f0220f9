#!/usr/bin/env python3
"""Checks airflow/generate_dag.py without Airflow (it cannot be installed here): the generated DAG
file compiles (py_compile), and executed against small stub `airflow` modules it declares one
task per table with retries and the on-failure callback, a transform task downstream of all of
them, and the right sluice commands."""
import os
import py_compile
import subprocess
import sys
import tempfile
import types

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


class StubDag:
    current = None

    def __init__(self, dag_id, **kwargs):
        self.dag_id = dag_id
        self.kwargs = kwargs
        self.tasks = {}

    def __enter__(self):
        StubDag.current = self
        return self

    def __exit__(self, *exc):
        StubDag.current = None


class StubBashOperator:
    def __init__(self, task_id, bash_command, **kwargs):
        self.task_id = task_id
        self.bash_command = bash_command
        self.kwargs = kwargs
        self.downstream = set()
        self.dag = StubDag.current
        self.dag.tasks[task_id] = self

    def __rshift__(self, other):
        self.downstream.add(other.task_id)
        return other

    def __rrshift__(self, others):
        for task in others:
            task.downstream.add(self.task_id)
        return self


def install_stubs():
    airflow = types.ModuleType("airflow")
    airflow.DAG = StubDag
    operators = types.ModuleType("airflow.operators")
    bash = types.ModuleType("airflow.operators.bash")
    bash.BashOperator = StubBashOperator
    sys.modules.update({"airflow": airflow, "airflow.operators": operators,
                        "airflow.operators.bash": bash})


def main():
    pipeline = os.path.join(REPO, "examples", "insurance.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        dag_file = os.path.join(tmp, "insurance_dag.py")
        with open(dag_file, "w") as out:
            subprocess.run([sys.executable, os.path.join(HERE, "generate_dag.py"), pipeline,
                            "--sluice", "/opt/sluice/bin/sluice", "--retries", "4"],
                           stdout=out, check=True)
        py_compile.compile(dag_file, doraise=True)
        install_stubs()
        namespace = {}
        exec(compile(open(dag_file).read(), dag_file, "exec"), namespace)
        dag = namespace["dag"]
        assert dag.dag_id == "sluice_insurance", dag.dag_id
        assert set(dag.tasks) == {"extract_customers", "extract_contracts", "extract_coverages",
                                  "transform"}, dag.tasks.keys()
        assert dag.kwargs["default_args"]["retries"] == 4
        assert callable(dag.kwargs["default_args"]["on_failure_callback"])
        assert dag.kwargs["default_args"]["retry_exponential_backoff"] is True
        for table in ("customers", "contracts", "coverages"):
            task = dag.tasks["extract_" + table]
            assert task.downstream == {"transform"}, (table, task.downstream)
            assert ("/opt/sluice/bin/sluice run %s --table %s --json" % (pipeline, table)
                    in task.bash_command), task.bash_command
            assert "set -o pipefail" in task.bash_command
            assert task.kwargs["do_xcom_push"] is True
        assert "--transforms-only" in dag.tasks["transform"].bash_command
        # The failure callback logs and never raises.
        dag.kwargs["default_args"]["on_failure_callback"]({"exception": RuntimeError("x")})
        # Bad pipeline files are refused with a message.
        bad = os.path.join(tmp, "bad.yaml")
        with open(bad, "w") as out:
            out.write("tables:\n  - table: x\n")
        result = subprocess.run([sys.executable, os.path.join(HERE, "generate_dag.py"), bad],
                                capture_output=True, text=True)
        assert result.returncode != 0 and "tables[0] needs a name" in result.stderr, result.stderr
    print("airflow DAG generator OK")


if __name__ == "__main__":
    main()
