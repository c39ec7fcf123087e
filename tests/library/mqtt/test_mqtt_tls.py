"""TLS towards the broker: a CA made by the test, verification on, a clear refusal."""

from __future__ import annotations

import pytest
from mqtt_testing import COLLECTOR_ID, KEEP_USER, USERS, fast_settings
from support.mosquitto import MosquittoBroker, make_tls_files

from hrv_readiness.errors import BrokerError
from hrv_readiness.mqtt import (
    BrokerTlsError,
    MqttConfigError,
    MqttSettings,
    MqttTlsSettings,
    Publisher,
    publish_pending,
)

pytestmark = pytest.mark.broker


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tls")
    return make_tls_files(directory, name="broker"), make_tls_files(directory, name="stranger")


@pytest.fixture
def tls_broker(tls_files):
    broker_files, _ = tls_files
    with MosquittoBroker(extra_config=(*KEEP_USER, *broker_files.listener_config())) as broker:
        yield broker


async def test_connects_with_verification_on(tls_broker, tls_files, store, readings):
    broker_files, _ = tls_files
    readings.store_with_state(store, readings.reading("alice", day=0))
    settings = fast_settings(tls_broker, tls=MqttTlsSettings(ca_file=broker_files.ca_cert))
    assert settings.tls is not None
    assert settings.tls.insecure is False
    assert await publish_pending(settings, COLLECTOR_ID, USERS, store) == 1


async def test_long_running_publisher_over_tls(tls_broker, tls_files, store, readings):
    broker_files, _ = tls_files
    settings = fast_settings(tls_broker, tls=MqttTlsSettings(ca_file=broker_files.ca_cert))
    readings.store_with_state(store, readings.reading("bob", day=0))
    async with Publisher(settings, collector_id=COLLECTOR_ID, users=USERS, outbox=store) as pub:
        await pub.wait_connected(5)
        assert pub.connected
        assert store.pending_outbox() == []


async def test_wrong_ca_is_refused_with_a_clear_error(tls_broker, tls_files, store, readings):
    _, stranger = tls_files
    readings.store_with_state(store, readings.reading("alice", day=0))
    settings = fast_settings(tls_broker, tls=MqttTlsSettings(ca_file=stranger.ca_cert))
    with pytest.raises(BrokerTlsError) as caught:
        await publish_pending(settings, COLLECTOR_ID, USERS, store)
    message = str(caught.value)
    assert f"127.0.0.1:{tls_broker.port}" in message
    assert "certificate verify failed" in message
    assert "mqtt.tls.ca_file" in message
    assert len(store.pending_outbox()) == 1  # nothing lost


async def test_wrong_ca_keeps_the_daemon_retrying_not_crashing(tls_broker, tls_files, store):
    _, stranger = tls_files
    settings = fast_settings(tls_broker, tls=MqttTlsSettings(ca_file=stranger.ca_cert))
    async with Publisher(settings, collector_id=COLLECTOR_ID, users=USERS, outbox=store) as pub:
        with pytest.raises(BrokerTlsError):
            await pub.wait_connected(1.0)
        assert isinstance(pub.last_error, BrokerTlsError)


async def test_plain_client_cannot_talk_to_the_tls_listener(tls_broker, store):
    with pytest.raises(BrokerError, match=f"127.0.0.1:{tls_broker.port}"):
        await publish_pending(fast_settings(tls_broker), COLLECTOR_ID, USERS, store, timeout_s=2)


async def test_insecure_skips_verification_when_asked(tls_broker, tls_files, store):
    _, stranger = tls_files
    settings = fast_settings(
        tls_broker, tls=MqttTlsSettings(ca_file=stranger.ca_cert, insecure=True)
    )
    assert await publish_pending(settings, COLLECTOR_ID, USERS, store) == 0


@pytest.mark.parametrize("with_client_certificate", [True, False])
async def test_client_certificate(tls_files, store, with_client_certificate):
    """A broker that authenticates clients by certificate (require_certificate)."""
    files, _ = tls_files
    config = (*KEEP_USER, *files.listener_config(), "require_certificate true")
    with MosquittoBroker(extra_config=config) as broker:
        tls = MqttTlsSettings(ca_file=files.ca_cert)
        if with_client_certificate:
            tls = MqttTlsSettings(
                ca_file=files.ca_cert, cert_file=files.server_cert, key_file=files.server_key
            )
        settings = fast_settings(broker, tls=tls)
        if with_client_certificate:
            assert await publish_pending(settings, COLLECTOR_ID, USERS, store) == 0
        else:
            with pytest.raises(BrokerTlsError, match=f"127.0.0.1:{broker.port}") as caught:
                await publish_pending(settings, COLLECTOR_ID, USERS, store, timeout_s=2)
            assert "CERTIFICATE_REQUIRED" in str(caught.value)
            assert "mqtt.tls.cert_file/key_file" in str(caught.value)


def test_missing_ca_file_is_a_config_error(tmp_path):
    tls = MqttTlsSettings(ca_file=tmp_path / "nope.crt")
    with pytest.raises(MqttConfigError, match=r"mqtt\.tls"):
        Publisher(MqttSettings(host="127.0.0.1", tls=tls), collector_id=COLLECTOR_ID, users=USERS)
