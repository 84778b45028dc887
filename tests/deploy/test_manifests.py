"""deploy/ as the cluster and Docker would read it, checked without either: parse and compare
with what the app really serves (probe paths, port, commands)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from service.app import create_app
from service.settings import load_settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
K8S = DEPLOY / "k8s"
APP_PORT = load_settings({"SERVICE_DEV_MODE": "true"}).port


def _k8s() -> dict[str, dict]:
    docs = {}
    for path in [*sorted(K8S.glob("*.yaml")), *sorted((K8S / "migrate").glob("*.yaml"))]:
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") != "Kustomization":
                docs[doc["kind"]] = doc
    return docs


MANIFESTS = _k8s()


def _pod(kind: str) -> dict:
    return MANIFESTS[kind]["spec"]["template"]["spec"]


def _app_paths() -> set[str]:
    app = create_app(load_settings({"SERVICE_DEV_MODE": "true"}))
    return {route.path for route in app.routes}


def test_every_kind_we_rely_on_is_there():
    assert {
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Job",
    } <= set(MANIFESTS)


def test_probes_ask_the_apps_health_routes_on_its_port():
    (container,) = _pod("Deployment")["containers"]
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}

    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert {"/healthz", "/readyz"} <= _app_paths()
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert ports[container[probe]["httpGet"]["port"]] == APP_PORT
    assert container["command"][:2] == ["service", "serve"]
    assert container["command"][container["command"].index("--port") + 1] == str(APP_PORT)


@pytest.mark.parametrize("kind", ["Deployment", "Job"])
def test_pods_run_unprivileged_with_a_read_only_root(kind):
    pod = _pod(kind)
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    for container in pod["containers"]:
        context = container["securityContext"]
        assert context["readOnlyRootFilesystem"] is True
        assert context["allowPrivilegeEscalation"] is False
        assert context["capabilities"]["drop"] == ["ALL"]
        assert container["resources"]["requests"] and container["resources"]["limits"]


def _env(kind: str) -> dict[str, dict]:
    (container,) = _pod(kind)["containers"]
    return {entry["name"]: entry for entry in container["env"]}


def test_database_credentials_come_from_secrets_by_reference():
    for kind in ("Deployment", "Job"):
        for name, entry in _env(kind).items():
            if name.startswith("DATABASE_") or "PASSWORD" in name:
                assert "value" not in entry, f"{kind} has {name} inline"
                assert entry["valueFrom"]["secretKeyRef"]["name"]


def test_only_the_migration_job_gets_the_owners_connection():
    assert "DATABASE_APP_URL" in _env("Deployment")
    assert "DATABASE_URL" not in _env("Deployment")
    assert "DATABASE_URL" in _env("Job")
    assert _env("Deployment")["SERVICE_DEV_MODE"]["value"] == "false"


def test_the_workers_fit_the_cpu_limit_and_the_settings_are_accepted():
    (container,) = _pod("Deployment")["containers"]
    values = {
        name: entry["value"] for name, entry in _env("Deployment").items() if "value" in entry
    }
    settings = load_settings(values)  # SERVICE_WORKERS with the pull exporter would be refused
    cpu = str(container["resources"]["limits"]["cpu"])
    cores = int(cpu[:-1]) / 1000 if cpu.endswith("m") else float(cpu)
    assert 1 <= settings.workers <= max(1, cores)


def test_the_rollout_applies_no_job_and_names_only_files_that_exist():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    kinds = {
        doc["kind"]
        for resource in kustomization["resources"]
        for doc in yaml.safe_load_all((K8S / resource).read_text())
    }

    assert "Job" not in kinds
    assert "Deployment" in kinds
    assert (DEPLOY / "README.md").is_file()


def test_the_job_runs_service_migrate():
    (container,) = _pod("Job")["containers"]
    assert container["command"] == ["service", "migrate"]
    assert _pod("Job")["restartPolicy"] == "Never"


def test_service_hpa_and_pdb_point_at_the_deployment():
    deployment = MANIFESTS["Deployment"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert MANIFESTS["Service"]["spec"]["selector"].items() <= labels.items()
    assert MANIFESTS["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"].items() <= (
        labels.items()
    )
    target = MANIFESTS["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    assert MANIFESTS["Service"]["spec"]["ports"][0]["targetPort"] == "http"
    assert MANIFESTS["HorizontalPodAutoscaler"]["spec"]["minReplicas"] >= 2


def test_compose_runs_the_migration_once_before_the_service():
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]

    assert {"postgres", "migrate", "service", "otel-collector", "jaeger"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["migrate"]["command"] == ["service", "migrate"]
    depends = services["service"]["depends_on"]
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "DATABASE_URL" not in services["service"]["environment"]
    endpoint = services["service"]["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"]
    assert endpoint == "http://otel-collector:4318"
    collector_config = services["otel-collector"]["volumes"][0].split(":")[0]
    config = yaml.safe_load((DEPLOY / collector_config).read_text())
    assert "otlp" in config["receivers"]
    assert config["service"]["pipelines"]["traces"]["exporters"] == ["otlp/jaeger"]


def test_dockerfile_is_pinned_multi_stage_non_root_with_healthcheck():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    lines = [line.strip() for line in dockerfile.splitlines() if line.strip()]

    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", dockerfile, re.MULTILINE)
    assert base and re.fullmatch(r"python:3\.1[12]\.\d+-slim-\w+(@sha256:[0-9a-f]{64})?", base[1])
    froms = [line for line in lines if line.startswith("FROM ")]
    assert len(froms) >= 2 and all("${PYTHON_IMAGE}" in line for line in froms)
    user = [line for line in lines if line.startswith("USER ")]
    assert user and user[-1].split()[1].split(":")[0] not in ("root", "0")
    healthcheck = next(line for line in lines if line.startswith("HEALTHCHECK"))
    assert "/healthz" in dockerfile[dockerfile.index(healthcheck) :].split("\nCMD [")[0]
    assert lines[-1] == 'CMD ["service", "serve", "--host", "0.0.0.0"]'
