"""The flags of `legcramp hermes`, declared without importing paho or rhasspyhermes.

Why not rhasspyhermes.cli.add_hermes_args itself: importing rhasspyhermes imports paho, and on
Python 3.13 without audioop-lts its audio module fails to import, which took `legcramp --help`
and `legcramp chat` down with it. The standard Rhasspy flags are spelled out here with the same
names, defaults and choices (tests/test_cli.py holds them equal to the library's), so building
the parser costs nothing, and the Hermes stack is imported only when `legcramp hermes` runs.
"""
from __future__ import annotations

import argparse

PASSWORD_ENV = "LEGCRAMP_MQTT_PASSWORD"
LOG_FORMAT = "[%(levelname)s:%(asctime)s] %(name)s: %(message)s"
CERT_REQS = ("CERT_REQUIRED", "CERT_OPTIONAL", "CERT_NONE")


def add_hermes_args(parser: argparse.ArgumentParser) -> None:
    """rhasspyhermes' standard flags: connection, login, TLS, sites, debug, log format."""
    mqtt = parser.add_argument_group("MQTT (the standard Rhasspy flags)")
    mqtt.add_argument("--host", default="localhost", help="MQTT broker host (default: localhost)")
    mqtt.add_argument("--port", type=int, default=1883,
                      help="MQTT broker port (default: 1883; Rhasspy's internal broker is 12183)")
    mqtt.add_argument("--username", help="MQTT user name")
    mqtt.add_argument("--password",
                      help=f"MQTT password; visible in the process list, so prefer "
                           f"--password-file or ${PASSWORD_ENV}")
    mqtt.add_argument("--tls", action="store_true", help="connect with TLS")
    mqtt.add_argument("--tls-ca-certs", help="file of the certificate authorities to trust")
    mqtt.add_argument("--tls-certfile", help="client certificate file (PEM)")
    mqtt.add_argument("--tls-keyfile", help="client key file (PEM)")
    mqtt.add_argument("--tls-cert-reqs", default="CERT_REQUIRED", choices=CERT_REQS,
                      help="what is required of the broker's certificate (default: CERT_REQUIRED)")
    mqtt.add_argument("--tls-version", type=int, help="TLS version (default: the highest)")
    mqtt.add_argument("--tls-ciphers", help="TLS ciphers to use")
    mqtt.add_argument("--site-id", action="append",
                      help="a Rhasspy site id to answer; repeat for several (default: every site)")
    mqtt.add_argument("--debug", action="store_true",
                      help="log at debug level (the log then holds what people say)")
    mqtt.add_argument("--log-format", default=LOG_FORMAT,
                      help="Python logging format of the log lines on stderr")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Every flag of `legcramp hermes` beyond the common ones of skill/cli.py."""
    add_hermes_args(parser)
    parser.add_argument("--password-file", metavar="FILE",
                        help=f"read the MQTT password from FILE (else ${PASSWORD_ENV}, if set)")
    parser.add_argument("--no-local-grammar", action="store_true",
                        help="use only Rhasspy's intents, not our own reading of the raw words")
    parser.add_argument("--outcome-topic", default="legcramp/outcome",
                        help="MQTT topic of a JSON outcome after each advice ('' to switch off; "
                             "default: legcramp/outcome)")
