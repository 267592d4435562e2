import pytest


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["broker"]["ok"] and body["cache"]["ok"]
    assert body["down"] == []


@pytest.mark.django_db
def test_healthz_is_degraded_not_503_when_the_broker_is_unreachable(client, monkeypatch):
    """The API still takes tickets without the broker: a load balancer must keep the node (issue 13)."""
    from helpdesk import health

    monkeypatch.setattr(health, "_broker_ok", lambda: (False, "ConnectionRefusedError"))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded" and response.json()["down"] == ["broker"]
    assert response.json()["broker"] == {"ok": False, "detail": "ConnectionRefusedError"}


@pytest.mark.django_db
def test_healthz_is_degraded_when_the_cache_redis_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "degraded" and body["down"] == ["cache"]
    assert body["cache"]["ok"] is False and "ConnectionError" in body["cache"]["detail"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    from helpdesk import health

    monkeypatch.setattr(health, "_database_ok", lambda: (False, "OperationalError"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error" and response.json()["down"] == ["database"]


def test_the_broker_connection_logs_no_warning(caplog):
    """The embedded filesystem broker's URL names a host: kombu warned "No hostname was supplied. Reverting to
    default 'localhost'" whenever a process described its connection (each Celery process at start, each
    worker child that sent a task)."""
    import logging

    from helpdesk.celery import app

    with caplog.at_level(logging.INFO), app.connection_for_write() as connection:
        assert connection.as_uri()
        assert connection.info()["hostname"]
    assert not [record for record in caplog.records if record.name.startswith("kombu")], caplog.text
