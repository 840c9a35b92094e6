import pytest

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: the connection is refused at once.
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_is_down(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = DEAD_REDIS
    settings.CACHES = {
        "default": {"BACKEND": "core.cache.FallbackRedisCache", "LOCATION": DEAD_REDIS}
    }


def test_in_process_mode_is_healthy_and_says_so(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "in-process",
        "cache": "in-process",
    }
    assert "no-cache" in response["Cache-Control"]


def test_without_redis_the_site_is_alive_but_not_ready(client, redis_is_down):
    # A load balancer keeps the node: sessions, pages and submissions work without Redis.
    alive = client.get("/healthz")
    ready = client.get("/healthz/ready")

    assert alive.status_code == 200
    assert alive.json() == {
        "status": "degraded",
        "database": "ok",
        "broker": "unreachable",
        "cache": "unreachable",
    }
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "unavailable",
        "database": "ok",
        "broker": "unreachable",
        "cache": "unreachable",
    }


def test_without_the_database_the_site_is_not_alive(client, monkeypatch):
    from kmf import health

    monkeypatch.setattr(health, "database_state", lambda: "unreachable")

    for path in ("/healthz", "/healthz/ready"):
        response = client.get(path)
        assert response.status_code == 503
        assert response.json()["status"] == "unavailable"


@pytest.mark.needs_redis
def test_a_running_redis_broker_and_cache_are_ready(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = settings.REDIS_URL
    settings.CACHES = {
        "default": {"BACKEND": "core.cache.FallbackRedisCache", "LOCATION": settings.REDIS_URL}
    }

    for path in ("/healthz", "/healthz/ready"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.json() == {
            "status": "ok",
            "database": "ok",
            "broker": "ok",
            "cache": "ok",
        }


def test_the_health_checks_answer_get_and_head_only(client):
    for path in ("/healthz", "/healthz/ready"):
        assert client.head(path).status_code == 200
        assert client.post(path).status_code == 405


def test_the_health_checks_are_reachable_over_plain_http_in_production(client, settings):
    # Load balancers probe without TLS; every other path is redirected to HTTPS.
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/").status_code == 301
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz/ready").status_code == 200
