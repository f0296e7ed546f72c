#!/usr/bin/python3
"""STARTTLS against real servers: dovecot (IMAP STARTTLS, POP3 STLS, SMTP STARTTLS from its
submission service, and implicit TLS on an imaps port) and vsftpd (FTP AUTH TLS), each on a
non-standard loopback port of a private network namespace, with certificates the test makes
(a test CA and a leaf for localhost). Trust comes from SSL_CERT_FILE.
Usage: test_starttls.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import os  # noqa: E402
import tempfile  # noqa: E402

import daemons  # noqa: E402
import probe_common as pc  # noqa: E402
import real_servers  # noqa: E402
import tls_material as tm  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns()
pc.require_tools("openssl")
daemons.need("/usr/sbin/dovecot", "dovecot-imapd, dovecot-pop3d and dovecot-submissiond")
daemons.need("/usr/sbin/vsftpd", "vsftpd")
if not os.path.exists("/usr/lib/dovecot/submission-login"):
    pc.skip("dovecot's submission service is missing: install dovecot-submissiond")


def probe(suite, port, dialogue, env):
    run = pc.run([PORTENT, "probe", "localhost", str(port), "--as", dialogue, "--timeout", "5s", "--format", "json"],
                 timeout=30, env=env)
    (r,) = pc.parse_json_run(suite, run, expect_count=1)
    pc.check_exit_code_matches(suite, run, [r])
    return r


def check_facts(suite, r, greeting_prefix, authority_name="portent mail CA"):
    suite.check(r["state"] == "open" and r["verdict"] == "passed", f"state/verdict {r['state']}/{r['verdict']}",
                repr(r))
    suite.check(r["answer"].startswith(greeting_prefix), f"answer {r['answer']!r}, expected {greeting_prefix!r}…",
                repr(r))
    t = r["tls"]
    suite.require(isinstance(t, dict), "no tls object", repr(r))
    suite.check(t["trust"] == "trusted", f"trust {t['trust']!r}", repr(t))
    suite.check(t["sni"] == "localhost", f"sni {t['sni']!r}", repr(t))
    suite.check(t["certificate"]["subject_cn"] == "localhost" and t["certificate"]["san"] == ["localhost"],
                "certificate names", repr(t))
    suite.check(f"CN={authority_name}" in t["certificate"]["issuer"], f"issuer {t['certificate']['issuer']!r}",
                repr(t))


def main():
    suite = pc.Suite("probe.starttls")
    with tempfile.TemporaryDirectory(prefix="portent-probe-starttls-") as tmp:
        os.chmod(tmp, 0o755)  # dovecot's login processes and vsftpd look into it as other users
        material = tm.Material(os.path.join(tmp, "certs"))
        authority = material.make("portent mail CA", authority=True, days_after=3650)
        cert, key = material.make("localhost", ["DNS:localhost"], issuer=authority, days_after=60)
        trusting = dict(os.environ, SSL_CERT_FILE=authority[0])
        empty = os.path.join(tmp, "empty.pem")
        open(empty, "w").close()
        trusting_nothing = dict(os.environ, SSL_CERT_FILE=empty, SSL_CERT_DIR=tmp)

        ports = {name: pc.free_port() for name in ("imap", "imaps", "pop3", "submission", "ftp")}
        dovecot_dir = os.path.join(tmp, "dovecot")
        os.mkdir(dovecot_dir)
        config = os.path.join(dovecot_dir, "dovecot.conf")
        with open(config, "w") as f:
            f.write(real_servers.dovecot_config(
                dovecot_dir, {"imap": {"imap": (ports["imap"], False), "imaps": (ports["imaps"], True)},
                              "pop3": {"pop3": (ports["pop3"], False), "pop3s": (0, False)},
                              "submission": {"submission": (ports["submission"], False)}},
                tls=(cert, key), extra="submission_relay_host = 127.0.0.1\nsubmission_relay_port = 9"))
        with daemons.running("dovecot", ["/usr/sbin/dovecot", "-F", "-c", config],
                             tcp_ports=[ports[n] for n in ("imap", "imaps", "pop3", "submission")],
                             log=os.path.join(dovecot_dir, "stdout.log")):
            with suite.case("dovecot IMAP STARTTLS (RFC 2595)"):
                check_facts(suite, probe(suite, ports["imap"], "imap", trusting), "* OK")
            with suite.case("dovecot POP3 STLS (RFC 2595)"):
                check_facts(suite, probe(suite, ports["pop3"], "pop3", trusting), "+OK")
            with suite.case("dovecot submission SMTP STARTTLS (RFC 3207)"):
                check_facts(suite, probe(suite, ports["submission"], "smtp", trusting), "220 ")
            with suite.case("dovecot imaps: implicit TLS (--as tls)"):
                check_facts(suite, probe(suite, ports["imaps"], "tls", trusting), "* OK")
            with suite.case("STARTTLS with the CA not trusted: open, failed, unknown issuer"):
                r = probe(suite, ports["imap"], "imap", trusting_nothing)
                suite.check(r["state"] == "open" and r["verdict"] == "failed", "not open/failed", repr(r))
                suite.check(r["tls"] and r["tls"]["trust"] == "untrusted: unknown issuer", "trust", repr(r))
            with suite.case("IMAP STARTTLS spoken to the POP3 port: failed, no TLS"):
                r = probe(suite, ports["pop3"], "imap", trusting)
                suite.check(r["verdict"] == "failed" and r["tls"] is None, "not failed without TLS", repr(r))

        ftp_dir = os.path.join(tmp, "vsftpd")
        empty_dir = os.path.join(ftp_dir, "empty")
        os.makedirs(empty_dir)
        config = os.path.join(ftp_dir, "vsftpd.conf")
        with open(config, "w") as f:
            f.write(real_servers.vsftpd_config(ports["ftp"], empty_dir, tls=(cert, key)))
        with daemons.running("vsftpd", ["/usr/sbin/vsftpd", config], tcp_ports=[ports["ftp"]],
                             log=os.path.join(ftp_dir, "stdout.log")):
            with suite.case("vsftpd AUTH TLS (RFC 4217)"):
                check_facts(suite, probe(suite, ports["ftp"], "ftp", trusting), "220 ")
    suite.finish()


if __name__ == "__main__":
    main()
