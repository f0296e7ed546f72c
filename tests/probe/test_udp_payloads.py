#!/usr/bin/python3
"""UDP requests against real servers in a private network namespace, each on a non-standard
loopback port under the test's own configuration: dnsmasq (DNS, over UDP and TCP, with two NS
records for the root), chronyd as an
NTP server (local stratum 10, never touching the clock), and snmpd (SNMPv2c, community public,
with a sysDescr the test sets). A port that stays silent is open|filtered,
never open.
Usage: test_udp_payloads.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import os  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402

import daemons  # noqa: E402
import probe_common as pc  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns()
daemons.need("/usr/sbin/dnsmasq", "dnsmasq-base")
daemons.need("/usr/sbin/chronyd", "chrony")
daemons.need("/usr/sbin/snmpd", "snmpd")

STRATUM = 10
SYS_DESCR = "portent test agent on loopback"


def probe(suite, *args, expect_count=1):
    run = pc.run([PORTENT, "probe", "127.0.0.1", *args, "--timeout", "2s", "--format", "json"], timeout=30)
    results = pc.parse_json_run(suite, run, expect_count=expect_count)
    pc.check_exit_code_matches(suite, run, results)
    return results


def main():
    suite = pc.Suite("probe.udp_payloads")
    with tempfile.TemporaryDirectory(prefix="portent-probe-udp-") as tmp:
        os.chmod(tmp, 0o777)  # chronyd and dnsmasq drop to their own users
        dns = pc.free_port(kind=pc.socket.SOCK_DGRAM, also=[("127.0.0.1", pc.socket.SOCK_STREAM)])
        version = subprocess.run(["/usr/sbin/dnsmasq", "--version"], capture_output=True, text=True,
                                 timeout=10).stdout
        number = re.search(r"version (\S+)", version)
        with daemons.running("dnsmasq", ["/usr/sbin/dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
                                         f"--port={dns}", "--listen-address=127.0.0.1", "--bind-interfaces",
                                         "--no-resolv", "--no-hosts", f"--pid-file={tmp}/dnsmasq.pid",
                                         "--user=nobody", "--group=nogroup",
                                         # the root's name servers, a.test and b.test (RFC 1035 3.3.11)
                                         "--dns-rr=.,2,0161047465737400", "--dns-rr=.,2,0162047465737400"],
                             tcp_ports=[dns], udp_ports=[dns], log=os.path.join(tmp, "dnsmasq.log")):
            with suite.case("dnsmasq answers version.bind CH TXT, and . NS, over UDP and TCP"):
                suite.require(number is not None, f"dnsmasq --version says no version: {version!r}")
                for r in probe(suite, f"{dns}/udp", "--as", "dns") + probe(suite, f"{dns}/tcp", "--as", "dns"):
                    suite.check(r["state"] == "open" and r["verdict"] == "passed", "not open/passed", repr(r))
                    expected = f"version.bind: dnsmasq-{number[1]}; . NS: 2 name servers"
                    suite.check(r["answer"] == expected, f"answer {r['answer']!r}, expected {expected!r} (dnsmasq "
                                "--version, and the two root NS records configured)", repr(r))

        ntp = pc.free_port(kind=pc.socket.SOCK_DGRAM)
        config = os.path.join(tmp, "chrony.conf")
        with open(config, "w") as f:
            f.write(f"port {ntp}\nbindaddress 127.0.0.1\nallow 127.0.0.1\nlocal stratum {STRATUM}\ncmdport 0\n"
                    f"pidfile {tmp}/chronyd.pid\n")
        with daemons.running("chronyd", ["/usr/sbin/chronyd", "-d", "-x", "-f", config], udp_ports=[ntp],
                             log=os.path.join(tmp, "chronyd.log")):
            with suite.case("chronyd answers the NTP client packet: its stratum, a clock offset near zero"):
                (r,) = probe(suite, f"{ntp}", "--as", "ntp")
                suite.check(r["protocol"] == "udp", "--as ntp on a bare port did not probe UDP", repr(r))
                suite.check(r["state"] == "open" and r["verdict"] == "passed", "not open/passed", repr(r))
                m = re.fullmatch(r"stratum (\d+), offset ([+-]\d+\.\d{6}) s", r["answer"])
                suite.require(m is not None, f"answer {r['answer']!r}", repr(r))
                # chronyd serves this machine's own clock: the offset is the measuring error alone.
                suite.check(int(m[1]) == STRATUM, f"stratum {m[1]}, configured {STRATUM}", repr(r))
                suite.check(abs(float(m[2])) < 0.05, f"offset {m[2]} s from the same clock", repr(r))

        snmp = pc.free_port(kind=pc.socket.SOCK_DGRAM)
        silent = pc.free_port(kind=pc.socket.SOCK_DGRAM, also=[("127.0.0.1", pc.socket.SOCK_DGRAM)])
        config = os.path.join(tmp, "snmpd.conf")
        with open(config, "w") as f:
            f.write(f"rocommunity public 127.0.0.1\nsysDescr {SYS_DESCR}\n")
        other = os.path.join(tmp, "snmpd-other.conf")
        with open(other, "w") as f:
            f.write("rocommunity not-public 127.0.0.1\n")
        env = dict(os.environ, SNMP_PERSISTENT_DIR=os.path.join(tmp, "snmp"), MIBS="", MIBDIRS=tmp)
        with daemons.running("snmpd", ["/usr/sbin/snmpd", "-f", "-Lo", "-C", "-c", config, f"udp:127.0.0.1:{snmp}"],
                             udp_ports=[snmp], log=os.path.join(tmp, "snmpd.log"), env=env), \
                daemons.running("snmpd", ["/usr/sbin/snmpd", "-f", "-Lo", "-C", "-c", other,
                                          f"udp:127.0.0.1:{silent}"],
                                udp_ports=[silent], log=os.path.join(tmp, "snmpd-other.log"), env=env):
            with suite.case("snmpd answers GetRequest sysDescr.0 with community public (--as snmp)"):
                (r,) = probe(suite, f"{snmp}/udp", "--as", "snmp")
                suite.check(r["state"] == "open" and r["verdict"] == "passed", "not open/passed", repr(r))
                suite.check(r["answer"] == SYS_DESCR, f"answer {r['answer']!r}, configured {SYS_DESCR!r}", repr(r))
            with suite.case("an agent that does not know the community stays silent: open|filtered, never open"):
                (r,) = probe(suite, f"{silent}/udp", "--as", "snmp")
                suite.check(r["state"] == "open|filtered" and "no reply" in (r["detail"] or ""),
                            f"state {r['state']!r}, expected open|filtered (no reply)", repr(r))
            with suite.case("snmp's port without --as: the empty datagram, no community guessed"):
                (r,) = probe(suite, f"{snmp}/udp")
                suite.check(r["dialogue"] == "generic" and r["state"] == "open|filtered",
                            f"dialogue/state {r['dialogue']}/{r['state']}, expected generic/open|filtered", repr(r))
    suite.finish()


if __name__ == "__main__":
    main()
