#!/usr/bin/env python3
"""Stand-ins for the parts of Airflow that a DAG from `sluice airflow-dag` uses, because Airflow
cannot be installed here: DAG, BashOperator with .partial().expand() (dynamic task mapping) and
`>>` between tasks and lists of tasks. They record what the DAG file declares, so tests can check
its tasks and run its commands.

    python3 airflow/dag_stubs.py DAG.py     # prints the DAG's tasks and commands as JSON

Used by airflow/test_airflow_dag.py and tests/runner/shard_e2e_test.cc.
"""
import json
import sys
import types


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


class StubTask:
    """A declared task; `commands` holds one bash command, or one per mapped task instance."""

    def __init__(self, task_id, commands, mapped, kwargs):
        if StubDag.current is None:
            raise RuntimeError("task %s declared outside a DAG" % task_id)
        if task_id in StubDag.current.tasks:
            raise RuntimeError("duplicate task id " + task_id)
        self.task_id = task_id
        self.commands = commands
        self.mapped = mapped
        self.kwargs = kwargs
        self.downstream = set()
        StubDag.current.tasks[task_id] = self

    def __rshift__(self, other):
        for task in other if isinstance(other, list) else [other]:
            self.downstream.add(task.task_id)
        return other

    def __rrshift__(self, others):
        # `[a, b] >> c`: Airflow supports a list on the left of one task.
        for task in others:
            task.downstream.add(self.task_id)
        return self


class StubPartial:
    def __init__(self, kwargs):
        self.kwargs = kwargs

    def expand(self, **mapped):
        if set(mapped) != {"bash_command"} or not isinstance(mapped["bash_command"], list):
            raise TypeError("expected expand(bash_command=[...]), got %r" % mapped)
        kwargs = dict(self.kwargs)
        task_id = kwargs.pop("task_id")
        return StubTask(task_id, list(mapped["bash_command"]), True, kwargs)


class StubBashOperator(StubTask):
    def __init__(self, task_id, bash_command, **kwargs):
        super().__init__(task_id, [bash_command], False, kwargs)

    @classmethod
    def partial(cls, **kwargs):
        if "task_id" not in kwargs:
            raise TypeError("partial() needs task_id")
        return StubPartial(kwargs)


def install(airflow3=False):
    """Registers the stub modules: Airflow 2's operator path, or Airflow 3's with airflow3."""
    for name in [name for name in sys.modules if name == "airflow" or name.startswith("airflow.")]:
        del sys.modules[name]
    airflow = types.ModuleType("airflow")
    airflow.DAG = StubDag
    modules = {"airflow": airflow}
    path = ("airflow.providers.standard.operators.bash" if airflow3 else "airflow.operators.bash")
    parts = path.split(".")
    airflow.__path__ = []  # a package, so submodules import
    for depth in range(2, len(parts) + 1):
        module = types.ModuleType(".".join(parts[:depth]))
        module.__path__ = []
        modules[module.__name__] = module
    modules[path].BashOperator = StubBashOperator
    sys.modules.update(modules)


def load_dag(path, airflow3=False):
    """Executes the DAG file against the stubs; returns its StubDag."""
    install(airflow3)
    namespace = {"__name__": "sluice_dag_under_test"}
    with open(path, encoding="utf-8") as source:
        exec(compile(source.read(), path, "exec"), namespace)
    dags = [value for value in namespace.values() if isinstance(value, StubDag)]
    if len(dags) != 1:
        raise RuntimeError("expected one DAG in %s, found %d" % (path, len(dags)))
    return dags[0]


def describe(dag):
    """The DAG as plain data: id, default args and every task with its commands and edges."""
    args = {key: value for key, value in dag.kwargs.get("default_args", {}).items()
            if isinstance(value, (bool, int, str))}
    return {
        "dag_id": dag.dag_id,
        "schedule": dag.kwargs.get("schedule"),
        "default_args": args,
        "tasks": {
            task_id: {
                "mapped": task.mapped,
                "commands": task.commands,
                "downstream": sorted(task.downstream),
                "pool": task.kwargs.get("pool"),
                "env": task.kwargs.get("env"),
            }
            for task_id, task in dag.tasks.items()
        },
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: dag_stubs.py DAG.py")
    print(json.dumps(describe(load_dag(sys.argv[1])), indent=2))
