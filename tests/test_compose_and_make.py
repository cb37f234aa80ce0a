"""docker-compose.yml and docker/Dockerfile cannot run here (no Docker engine): check them statically, against
the lock, the Makefile and the project's own layout."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
AIRFLOW_COMPONENTS = {
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
}
AIRFLOW_SERVICES = [*AIRFLOW_COMPONENTS, "airflow-init", "airflow-worker"]
ONE_SHOT = {"airflow-init"}
# Interpolated from .env or the shell, never written in the compose file.
SECRET_SETTINGS = {
    "postgres": ["POSTGRES_PASSWORD"],
    "airflow": ["AIRFLOW__CORE__FERNET_KEY", "AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY"],
}
REQUIRED_VARIABLE = re.compile(r"^\$\{[A-Z][A-Z0-9_]*:\?[^}]+\}$")


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.MULTILINE))


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def services() -> dict[str, dict]:
    return compose()["services"]


def dockerfile() -> list[tuple[str, str]]:
    """docker/Dockerfile as (INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    text = (ROOT / "docker" / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), " ".join(arguments.split())))
    return instructions


def project_dir() -> str:
    """Where the Dockerfile puts (and installs) the project: its last WORKDIR."""
    workdirs = [arguments for keyword, arguments in dockerfile() if keyword == "WORKDIR"]
    assert workdirs and workdirs[-1].startswith("/"), "the Dockerfile sets an absolute WORKDIR for the project"
    return workdirs[-1].rstrip("/")


def copied_into_project() -> set[str]:
    """Relative paths (in the project) that the Dockerfile's COPY instructions bring from the build context."""
    copied = set()
    for keyword, arguments in dockerfile():
        if keyword == "COPY":
            *sources, _destination = [word for word in shlex.split(arguments) if not word.startswith("--")]
            copied |= {source.rstrip("/") for source in sources}
    return copied


def lock_pin(package: str) -> str:
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", (ROOT / "constraints.txt").read_text(), re.MULTILINE))
    return pins[package]


def command_text(service: dict) -> str:
    parts = []
    for key in ("command", "entrypoint"):
        value = service.get(key) or []
        parts.append(value if isinstance(value, str) else " ".join(value))
    return " ".join(parts)


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    assert isinstance(env, dict), "environment as a mapping, so the anchor can be merged"
    return env


def image_tag_is_pinned(image: str) -> bool:
    name, _, tag = image.rpartition(":")
    return bool(name) and "/" not in tag and "latest" not in tag and re.search(r"\d+\.\d+", tag) is not None


def test_every_image_is_pinned_to_an_exact_version():
    for name, service in services().items():
        assert "image" in service, f"{name} names its image (built or pulled), pinned"
        assert image_tag_is_pinned(service["image"]), (name, service["image"])
    froms = [arguments.split()[-1] for keyword, arguments in dockerfile() if keyword == "FROM"]
    assert froms and all(image_tag_is_pinned(image) for image in froms), froms


def test_dockerfile_extends_the_official_image_at_the_locks_airflow_and_python():
    froms = [arguments.split()[-1] for keyword, arguments in dockerfile() if keyword == "FROM"]
    assert len(froms) == 1
    requires = re.search(r'requires-python = ">=(3\.\d+),<', (ROOT / "pyproject.toml").read_text()).group(1)
    assert requires == "3.11"
    assert froms[0] == f"apache/airflow:{lock_pin('apache-airflow')}-python{requires}"


def test_dockerfile_installs_the_project_from_the_lock_as_the_airflow_user():
    instructions = dockerfile()
    installs = [index for index, (keyword, arguments) in enumerate(instructions)
                if keyword == "RUN" and "pip install" in arguments]
    assert installs, "the Dockerfile pip-installs the project"
    last = instructions[installs[-1]][1]
    assert re.search(r"(-c|--constraint) constraints\.txt", last), last
    assert re.search(r"(-e|--editable) \.( |$)", last), "the project itself, editable (PROJECT_ROOT is its folder)"
    assert all(re.search(r"(-c|--constraint) constraints\.txt", instructions[index][1]) for index in installs)
    # The lock is copied in before it is used, and pip runs as `airflow` (the image's user), never as root.
    first_copy_of_lock = next(index for index, (keyword, arguments) in enumerate(instructions)
                              if keyword == "COPY" and "constraints.txt" in arguments.split())
    assert first_copy_of_lock < installs[0]
    users = [arguments for keyword, arguments in instructions[:installs[-1]] if keyword == "USER"]
    assert not users or users[-1] in {"airflow", "50000"}, users


def test_dockerfile_copies_everything_the_project_reads_at_run_time():
    copied = copied_into_project()
    pyproject = (ROOT / "pyproject.toml").read_text()
    packages = re.findall(r'"([a-z_]+)\*"', re.search(r"include = \[(.*?)\]", pyproject).group(1))
    assert packages
    ignored = set((ROOT / ".gitignore").read_text().split())
    dbt_files = {f"dbt_project/{path.name}" for path in (ROOT / "dbt_project").iterdir()
                 if f"dbt_project/{path.name}/" not in ignored and f"dbt_project/{path.name}" not in ignored}
    needed = {*packages, "dags", "warehouse.yml", "pyproject.toml", "constraints.txt", "README.md", *dbt_files}
    assert needed <= copied, needed - copied
    # Nothing from the host's virtualenv, secrets or data goes into the image.
    assert not copied & {".", ".venv", ".env", "data", ".airflow", "dbt_project/target"}, copied


@pytest.mark.parametrize("name", AIRFLOW_COMPONENTS)
def test_airflow_components_start_as_airflow_subcommands_on_the_built_image(name):
    service, init = services()[name], services()["airflow-init"]
    assert service["command"] == ["airflow", AIRFLOW_COMPONENTS[name]]
    assert "entrypoint" not in service, "the official image's entrypoint puts airflow's user and PATH in place"
    assert service["build"]["dockerfile"] == "docker/Dockerfile" and service["build"]["context"] == "."
    assert service["image"] == init["image"] == services()["sandbox"]["image"]


def test_init_migrates_creates_the_duckdb_pool_and_parses_dbt():
    script = command_text(services()["airflow-init"])
    makefile = (ROOT / "Makefile").read_text()
    pool_line = re.search(r"\$\(BIN\)/(airflow pools set .*?) >", makefile).group(1)
    assert "duckdb_writer 1" in pool_line
    steps = ["airflow db migrate", pool_line, f"cd {project_dir()}/dbt_project", "dbt parse --profiles-dir ."]
    positions = [script.find(step) for step in steps]
    assert -1 not in positions and positions == sorted(positions), dict(zip(steps, positions, strict=True))
    assert "set -e" in script, "a failing step fails the init, so nothing starts on a half-made database"
    assert services()["airflow-init"].get("restart", "no") == "no"


def test_long_running_services_have_a_healthcheck_and_a_restart_policy():
    for name, service in services().items():
        if name in ONE_SHOT:
            continue
        test = service.get("healthcheck", {}).get("test")
        assert test and test[0] in {"CMD", "CMD-SHELL"} and len(test) > 1, name
        assert service.get("restart") in {"always", "unless-stopped"}, name


def test_healthchecks_ask_each_component_the_right_question():
    by_name = services()
    checks = {name: " ".join(service["healthcheck"]["test"][1:]) for name, service in by_name.items()
              if "healthcheck" in service}
    assert checks["postgres"].startswith("pg_isready")
    assert checks["airflow-apiserver"] == "curl --fail http://localhost:8080/api/v2/monitor/health"
    assert by_name["airflow-apiserver"]["ports"] == ["8080:8080"]
    assert checks["airflow-scheduler"] == "curl --fail http://localhost:8974/health"
    assert environment(by_name["airflow-scheduler"])["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"] == "true"
    assert "--job-type DagProcessorJob" in checks["airflow-dag-processor"]
    assert "--job-type TriggererJob" in checks["airflow-triggerer"]


def test_services_start_in_order():
    by_name = services()
    assert by_name["airflow-init"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in AIRFLOW_COMPONENTS:
        depends_on = by_name[name]["depends_on"]
        assert depends_on["postgres"] == {"condition": "service_healthy"}, name
        assert depends_on["airflow-init"] == {"condition": "service_completed_successfully"}, name
    # With LocalExecutor the scheduler runs the tasks, and tasks talk to the API server.
    assert by_name["airflow-scheduler"]["depends_on"]["airflow-apiserver"] == {"condition": "service_healthy"}


def test_airflow_uses_local_executor_and_the_postgres_service():
    by_name = services()
    postgres = environment(by_name["postgres"])
    for name in AIRFLOW_SERVICES:
        env = environment(by_name[name])
        # LocalExecutor unless SMW_AIRFLOW_EXECUTOR says CeleryExecutor (the `celery` profile)
        assert env["AIRFLOW__CORE__EXECUTOR"] == "${SMW_AIRFLOW_EXECUTOR:-LocalExecutor}"
        url = re.fullmatch(r"postgresql\+psycopg2://([^:]+):(.+)@([^:/]+):5432/(\w+)",
                           env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
        assert url, env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        user, password, host, database = url.groups()
        assert (user, password, host, database) == (
            postgres["POSTGRES_USER"], postgres["POSTGRES_PASSWORD"], "postgres", postgres["POSTGRES_DB"])
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"


def test_makefile_environment_is_set_in_every_airflow_container():
    exported = dict(re.findall(r"^export (\w+) :?= (.+)$", (ROOT / "Makefile").read_text(), re.MULTILINE))
    settings = {key: value for key, value in exported.items() if "$(" not in value}  # not the host paths
    assert {"AIRFLOW__CORE__LOAD_EXAMPLES", "AIRFLOW__CORE__PARALLELISM",
            "DBT_SEND_ANONYMOUS_USAGE_STATS", "DO_NOT_TRACK"} <= settings.keys()
    for name in AIRFLOW_SERVICES:
        env = environment(services()[name])
        assert {key: env.get(key) for key in settings} == settings, name


def test_data_volume_is_mounted_where_smw_data_dir_points():
    document = compose()
    for name in AIRFLOW_SERVICES:
        service = document["services"][name]
        env = environment(service)
        data_dir = env["SMW_DATA_DIR"]
        assert data_dir.startswith("/")
        mounts = [volume for volume in service["volumes"] if volume["target"] == data_dir]
        assert len(mounts) == 1, (name, service["volumes"])
        assert mounts[0]["type"] == "volume" and mounts[0]["source"] in document["volumes"]
        assert env["SMW_WAREHOUSE"].startswith(data_dir + "/"), "the DuckDB file is on the data volume"


def test_dags_config_and_dbt_manifest_are_inside_the_installed_project():
    project = project_dir()
    assert {"dags", "warehouse.yml"} <= copied_into_project()
    for name in AIRFLOW_SERVICES:
        service = services()[name]
        env = environment(service)
        assert env["AIRFLOW__CORE__DAGS_FOLDER"] == f"{project}/dags"
        assert env["SMW_CONFIG"] == f"{project}/warehouse.yml"
        # airflow-init writes dbt's manifest; the processes that render the DAG must see that same folder.
        targets = {volume["target"]: volume for volume in service["volumes"]}
        assert targets[f"{project}/dbt_project/target"]["type"] == "volume", name


def test_no_command_calls_make_apt_get_or_a_virtualenv():
    forbidden = re.compile(r"(^|[\s;&|(])make\b|apt-get|\.venv")
    for name, service in services().items():
        words = command_text(service) + " " + " ".join(service.get("healthcheck", {}).get("test", []))
        assert not forbidden.search(words), (name, words)
    for keyword, arguments in dockerfile():
        if keyword == "RUN":
            assert not re.search(r"(^|[\s;&|(])make\b|\.venv", arguments), arguments


def test_sandbox_profile_serves_the_simulated_apis_from_the_same_image():
    sandbox = services()["sandbox"]
    assert sandbox["profiles"] == ["sandbox"]
    assert sandbox["command"][:4] == ["python", "-m", "warehouse", "sandbox"]
    assert sandbox["command"][4:] == ["--host", "0.0.0.0"]
    assert sandbox["ports"] == ["8765:8765"]
    assert "sandbox" in make_targets()
    assert "depends_on" not in sandbox and environment(sandbox)["CONNECTION_CHECK_MAX_COUNT"] == "0"


def test_secrets_come_from_the_uncommitted_env_file():
    by_name = services()
    assert ".env" in (ROOT / ".gitignore").read_text().split()
    for name in AIRFLOW_SERVICES:
        assert [entry["path"] for entry in by_name[name]["env_file"]] == [".env"], name
    for name in SECRET_SETTINGS["postgres"]:
        assert REQUIRED_VARIABLE.match(environment(by_name["postgres"])[name]), name
    for service in AIRFLOW_SERVICES:
        env = environment(by_name[service])
        for name in SECRET_SETTINGS["airflow"]:
            assert REQUIRED_VARIABLE.match(env[name]), (service, name, env[name])
    # No secret-like setting of any service has a literal value: tokens, salts, passwords, keys.
    for service_name, service in by_name.items():
        for key, value in environment(service).items():
            if re.search(r"PASSWORD|SECRET|FERNET|TOKEN|SALT|_KEY$|^SMW_CONN_|^AIRFLOW_CONN_", key):
                assert REQUIRED_VARIABLE.match(str(value)), (service_name, key)


def test_every_variable_the_compose_file_interpolates_is_in_env_example():
    text = (ROOT / "docker-compose.yml").read_text()
    interpolated = set(re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)", text))
    assert {"POSTGRES_PASSWORD", "AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET", "AIRFLOW_API_SECRET_KEY"} <= interpolated
    listed = {line.split("=", 1)[0] for line in (ROOT / ".env.example").read_text().splitlines()
              if "=" in line and not line.startswith("#")}
    assert interpolated <= listed, interpolated - listed


def test_readme_opens_with_the_two_commands_and_ci_calls_the_test_one():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert "make demo" in first_block and "make test" in first_block
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert {"demo", "test", "airflow", "sandbox", "bench", "setup"} <= make_targets()


def test_make_puts_the_venv_first_on_path_and_ci_runs_the_real_airflow_test():
    makefile = (ROOT / "Makefile").read_text()
    # `airflow standalone` starts its components as `airflow ...` subprocesses found on PATH.
    assert re.search(r"^export PATH := \$\(CURDIR\)/\$\(VENV\)/bin:\$\(PATH\)$", makefile, re.MULTILINE)
    assert re.search(r"^airflow: setup\n\t\$\(BIN\)/airflow standalone$", makefile, re.MULTILINE)
    # `make test` leaves the real-Airflow test to `make test-airflow`, and CI runs both, after the lint.
    # (and the accurate sentiment tier's minutes-long runs to `make test-accurate`)
    # (and the Spark target's equality test, minutes of Spark in local mode, to `make test-spark`)
    # (on TEST_WORKERS xdist workers, tests handed out by module so a module's fixtures are built once)
    assert re.search(r"^TEST_WORKERS \?= 2$", makefile, re.MULTILINE)
    assert re.search(r'^test: setup\n\t\$\(BIN\)/pytest -m "not airflow and not accurate and not spark"'
                     r" -n \$\(TEST_WORKERS\) --dist loadfile --no-loadscope-reorder$", makefile, re.MULTILINE)
    assert re.search(r"^test-spark: setup\n\t\$\(BIN\)/pytest -m spark$", makefile, re.MULTILINE)
    assert re.search(r"^test-accurate: setup\n\t\$\(BIN\)/pytest -m accurate$", makefile, re.MULTILINE)
    assert re.search(r"^test-airflow: setup\n\t\$\(BIN\)/pytest -m airflow"
                     r" -n \$\(TEST_WORKERS\) --dist loadfile --no-loadscope-reorder$", makefile, re.MULTILINE)
    assert "test-airflow" in re.search(r"^\.PHONY: (.*)$", makefile, re.MULTILINE).group(1).split()
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    steps = [line for line in ci if line.startswith("make ")]
    assert steps == ["make lint", "make test", "make test-airflow", "make test-spark"], steps


def test_secrets_stay_out_of_git():
    ignored = (ROOT / ".gitignore").read_text().split()
    assert ".env" in ignored and "/data/" in ignored
    example = (ROOT / ".env.example").read_text()
    assert all(line.endswith("=") or "=" not in line or line.split("=", 1)[1] in {"warehouse.yml", "default"}
               for line in example.splitlines() if not line.startswith("#"))


def test_celery_profile_adds_a_redis_broker_and_several_workers_on_the_same_image():
    by_name = services()
    redis, worker = by_name["redis"], by_name["airflow-worker"]
    assert redis["profiles"] == worker["profiles"] == ["celery"]
    # Only the broker and the workers are in the profile: without it, the LocalExecutor setup is unchanged.
    assert {name for name, service in by_name.items() if "celery" in service.get("profiles", [])} == {
        "redis", "airflow-worker"}
    assert {name for name, service in by_name.items() if "profiles" not in service} == {
        "postgres", *AIRFLOW_COMPONENTS, "airflow-init"}
    assert " ".join(redis["healthcheck"]["test"][1:]) == "redis-cli ping"
    assert worker["command"] == ["airflow", "celery", "worker"]
    assert worker["image"] == by_name["airflow-scheduler"]["image"]
    assert worker["build"]["dockerfile"] == "docker/Dockerfile"
    assert worker["deploy"]["replicas"] >= 2, "several workers"
    assert "celery_executor.app inspect ping" in " ".join(worker["healthcheck"]["test"])
    assert worker["depends_on"]["redis"] == {"condition": "service_healthy"}
    # A task process on a worker talks to the API server, as under LocalExecutor.
    assert worker["depends_on"]["airflow-apiserver"] == {"condition": "service_healthy"}


def test_every_airflow_component_reaches_the_broker_and_the_result_backend():
    postgres = environment(services()["postgres"])
    for name in AIRFLOW_SERVICES:
        env = environment(services()[name])
        assert env["AIRFLOW__CELERY__BROKER_URL"] == "redis://redis:6379/0", name
        backend = re.fullmatch(r"db\+postgresql://([^:]+):(.+)@postgres:5432/(\w+)",
                               env["AIRFLOW__CELERY__RESULT_BACKEND"])
        assert backend and backend.groups() == (
            postgres["POSTGRES_USER"], postgres["POSTGRES_PASSWORD"], postgres["POSTGRES_DB"]), name
    example = (ROOT / ".env.example").read_text().splitlines()
    assert "SMW_AIRFLOW_EXECUTOR" in {line.split("=", 1)[0] for line in example}
