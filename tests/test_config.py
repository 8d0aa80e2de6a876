"""Outside demo mode the app refuses a missing, default or short cookie key, and a missing,
demo or malformed data key."""

import pytest
from cryptography.fernet import Fernet

from care.config import DEMO_COOKIE_KEY, DEMO_DATA_KEY, ROOT, ConfigError, check_settings, load_settings

# A cookie key as the README makes one (secrets.token_urlsafe(48)), written out so the test is repeatable.
REAL_COOKIE_KEY = "q3Vx9_Lr2TbNw8hZp0YcKd4sMfGjE7aU1oRiXl6vBn5eWtQyHzC-uSgPk2DmJxOa"


@pytest.mark.parametrize("key", [None, DEMO_COOKIE_KEY, "too-short"])
def test_unsafe_cookie_key_is_refused_outside_demo(monkeypatch, tmp_path, key):
    monkeypatch.setenv("CARE_SECRETS_FILE", str(tmp_path / "none.toml"))
    monkeypatch.setenv("CARE_DEMO", "0")
    if key is None:
        monkeypatch.delenv("CARE_COOKIE_KEY", raising=False)
    else:
        monkeypatch.setenv("CARE_COOKIE_KEY", key)
    with pytest.raises(ConfigError):
        check_settings(load_settings())


def test_secret_from_secrets_file_is_accepted(monkeypatch, tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('CARE_COOKIE_KEY = "' + REAL_COOKIE_KEY + '"\n')
    monkeypatch.setenv("CARE_SECRETS_FILE", str(secrets))
    monkeypatch.setenv("CARE_DEMO", "0")
    monkeypatch.delenv("CARE_COOKIE_KEY", raising=False)
    check_settings(load_settings())


def test_demo_mode_runs_with_the_demo_key(monkeypatch, tmp_path):
    monkeypatch.setenv("CARE_SECRETS_FILE", str(tmp_path / "none.toml"))
    monkeypatch.setenv("CARE_DEMO", "1")
    monkeypatch.delenv("CARE_COOKIE_KEY", raising=False)
    s = load_settings()
    assert s.cookie_key == DEMO_COOKIE_KEY
    check_settings(s)


def test_the_app_config_hides_unaudited_exports_and_error_details():
    """Tables' own CSV download would bypass the audited exports; a traceback can show a person's data."""
    import tomllib

    from streamlit import config as st_config

    with (ROOT / ".streamlit" / "config.toml").open("rb") as fh:
        app = tomllib.load(fh)
    chosen = {f"{section}.{name}": value for section, options in app.items() for name, value in options.items()}
    assert chosen["client.disableDataExport"] is True
    assert chosen["client.showErrorDetails"] == "none"
    assert chosen["browser.gatherUsageStats"] is False
    assert set(chosen) <= set(st_config.get_config_options()), "an option Streamlit does not know is ignored"


def _real_mode(monkeypatch, tmp_path, data_key: str | None, old: str = "") -> None:
    monkeypatch.setenv("CARE_SECRETS_FILE", str(tmp_path / "none.toml"))
    monkeypatch.setenv("CARE_DEMO", "0")
    monkeypatch.setenv("CARE_COOKIE_KEY", REAL_COOKIE_KEY)
    monkeypatch.setenv("CARE_DATA_KEYS_OLD", old)
    if data_key is None:
        monkeypatch.delenv("CARE_DATA_KEY", raising=False)
    else:
        monkeypatch.setenv("CARE_DATA_KEY", data_key)


@pytest.mark.parametrize(("key", "old", "says"), [
    (None, "", "CARE_DATA_KEY is missing"),
    (DEMO_DATA_KEY, "", "demo key"),
    ("too-short-to-be-a-key", "", "not a Fernet key"),
    ("dGVzdC1vbmx5LWRhdGEta2V5LWZvci1weXRlc3QtISE=", "nope", "CARE_DATA_KEYS_OLD holds a key that is not a Fernet"),
], ids=["missing", "demo", "malformed", "old-malformed"])
def test_a_missing_demo_or_malformed_data_key_is_refused_outside_demo(monkeypatch, tmp_path, key, old, says):
    _real_mode(monkeypatch, tmp_path, key, old)
    with pytest.raises(ConfigError, match=says) as err:
        check_settings(load_settings())
    assert "python -m care new-key" in str(err.value)


def test_a_real_data_key_and_old_keys_are_read(monkeypatch, tmp_path):
    current, old1, old2 = (Fernet.generate_key().decode() for _ in range(3))
    _real_mode(monkeypatch, tmp_path, current, f"{old1}, {old2}")
    s = load_settings()
    check_settings(s)
    assert (s.data_key, s.data_keys_old) == (current, (old1, old2))


def test_demo_mode_encrypts_with_the_demo_data_key(monkeypatch, tmp_path):
    monkeypatch.setenv("CARE_SECRETS_FILE", str(tmp_path / "none.toml"))
    monkeypatch.setenv("CARE_DEMO", "1")
    monkeypatch.delenv("CARE_DATA_KEY", raising=False)
    s = load_settings()
    assert s.data_key == DEMO_DATA_KEY
    check_settings(s)


@pytest.mark.parametrize(("cookie_key", "says"), [
    ("k" * 40, "not random enough"),
    ("ab" * 32, "not random enough"),
    ("0123456701234567012345670123456701234567", "not random enough"),
    (DEMO_DATA_KEY, "demo key"),
], ids=["one-character", "two-characters", "short-cycle", "demo-data-key"])
def test_a_low_entropy_or_demo_cookie_key_is_refused_outside_demo(monkeypatch, tmp_path, cookie_key, says):
    _real_mode(monkeypatch, tmp_path, Fernet.generate_key().decode())
    monkeypatch.setenv("CARE_COOKIE_KEY", cookie_key)
    with pytest.raises(ConfigError, match=says):
        check_settings(load_settings())


def test_a_hex_cookie_key_is_accepted(monkeypatch, tmp_path):
    _real_mode(monkeypatch, tmp_path, Fernet.generate_key().decode())
    monkeypatch.setenv("CARE_COOKIE_KEY", "9f2c4e1ab7d03865fe1c2b9a7d4e6f3051a8c7b2e9d0f4a6b1c3e5d7f9a2b4c6")
    check_settings(load_settings())


@pytest.mark.parametrize(("old", "says"), [
    (DEMO_DATA_KEY, "CARE_DATA_KEYS_OLD holds the demo key"),
    ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "CARE_DATA_KEYS_OLD holds a key that is not random"),
], ids=["demo-as-old", "zero-bytes-as-old"])
def test_the_demo_or_a_zero_data_key_is_refused_as_an_old_key(monkeypatch, tmp_path, old, says):
    _real_mode(monkeypatch, tmp_path, Fernet.generate_key().decode(), old)
    with pytest.raises(ConfigError, match=says):
        check_settings(load_settings())


def test_a_zero_data_key_is_refused_outside_demo(monkeypatch, tmp_path):
    _real_mode(monkeypatch, tmp_path, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
    with pytest.raises(ConfigError, match="CARE_DATA_KEY holds a key that is not random"):
        check_settings(load_settings())


@pytest.mark.parametrize(("name", "value"), [("CARE_IDLE_MINUTES", "half-hour"), ("CARE_MAX_FAILED_LOGINS", "five"),
                                             ("CARE_DEMO", "perhaps"), ("CARE_IDLE_MINUTES", "-5")])
def test_a_badly_typed_setting_is_refused_by_its_name(monkeypatch, tmp_path, name, value):
    monkeypatch.setenv("CARE_SECRETS_FILE", str(tmp_path / "none.toml"))
    monkeypatch.setenv("CARE_DEMO", "1")
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert str(err.value).startswith(f"{name}: ")
    assert repr(value) in str(err.value)


def test_typed_settings_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CARE_SECRETS_FILE", str(tmp_path / "none.toml"))
    monkeypatch.setenv("CARE_DEMO", "yes")
    monkeypatch.setenv("CARE_IDLE_MINUTES", "7.5")
    monkeypatch.setenv("CARE_DATA_KEYS_OLD", " k1 , k2,")
    monkeypatch.setenv("CARE_SECOND_FACTOR", "ALL")
    monkeypatch.setenv("CARE_BACKUP_KEEP", "")  # empty counts as unset
    s = load_settings()
    assert (s.demo, s.idle_minutes, s.data_keys_old, s.second_factor_all, s.backup_keep) == (True, 7.5, ("k1", "k2"), True, 14)
