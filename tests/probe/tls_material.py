"""Certificates for the TLS tests, made with the openssl command in a directory the test owns.

A test CA, leaves it signs (or that sign themselves) for the names and addresses a test gives,
valid between the instants it gives: `openssl ca` takes explicit start and end dates, so an
expired certificate needs no fake clock. Not a test itself."""

import datetime
import os
import subprocess

CA_CONFIG = """[ca]
default_ca = test_ca
[test_ca]
database = {dir}/index.txt
new_certs_dir = {dir}/issued
serial = {dir}/serial
default_md = sha256
policy = any_name
unique_subject = no
copy_extensions = none
[any_name]
commonName = supplied
organizationName = optional
[leaf]
basicConstraints = CA:FALSE
subjectAltName = {alt_names}
[authority]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
"""


def _openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


def _stamp(instant):
    return instant.astimezone(datetime.timezone.utc).strftime("%Y%m%d%H%M%SZ")


class Material:
    def __init__(self, directory):
        self.dir = directory
        os.makedirs(os.path.join(directory, "issued"), exist_ok=True)
        self.count = 0

    def _paths(self, name):
        self.count += 1
        base = os.path.join(self.dir, f"{self.count:02d}-{name}")
        return base + ".pem", base + ".key"

    def make(self, common_name, alt_names=(), issuer=None, days_before=1, days_after=90, authority=False):
        """A certificate (cert path, key path) for common_name, with subjectAltName `alt_names`
        ("DNS:portent.test", "IP:127.0.0.1"), valid from days_before days ago to days_after days from
        now (negative: in the past), signed by `issuer` (cert, key) or by itself."""
        cert, key = self._paths(common_name.replace("*", "star").replace(" ", "-"))
        csr = cert + ".csr"
        _openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", f"/O=portent tests/CN={common_name}",
                 "-keyout", key, "-out", csr)
        os.chmod(key, 0o600)
        config = os.path.join(self.dir, f"ca-{self.count}.cnf")
        with open(os.path.join(self.dir, "index.txt"), "a"):
            pass
        serial = os.path.join(self.dir, "serial")
        if not os.path.exists(serial):
            with open(serial, "w") as f:
                f.write("1000\n")
        with open(config, "w") as f:
            f.write(CA_CONFIG.format(dir=self.dir, alt_names=",".join(alt_names) or "DNS:unused.invalid"))
        now = datetime.datetime.now(datetime.timezone.utc)
        args = ["ca", "-batch", "-notext", "-config", config, "-in", csr, "-out", cert,
                "-startdate", _stamp(now - datetime.timedelta(days=days_before)),
                "-enddate", _stamp(now + datetime.timedelta(days=days_after)),
                "-extensions", "authority" if authority else "leaf"]
        if issuer:
            args += ["-cert", issuer[0], "-keyfile", issuer[1]]
        else:
            args += ["-selfsign", "-keyfile", key]
        _openssl(*args)
        return cert, key

    def long_chain(self, path, size=100_000):
        """A certificate file of at least `size` bytes, for hostile_server.py --tls-chain: a leaf for
        portent.test and 127.0.0.1, signed by itself, and copies of it. Returns (its path, the key's)."""
        cert, key = self.make("portent.test", ["DNS:portent.test", "IP:127.0.0.1"])
        with open(cert, "rb") as f:
            single = f.read()
        with open(path, "wb") as f:
            f.write(single * (size // len(single) + 1))
        return path, key


def end_date(cert):
    """notAfter of a certificate as openssl reads it, a UTC datetime."""
    out = subprocess.run(["openssl", "x509", "-noout", "-enddate", "-in", cert], check=True, capture_output=True,
                         text=True, timeout=30).stdout.strip()
    text = out.split("=", 1)[1]
    return datetime.datetime.strptime(text, "%b %d %H:%M:%S %Y %Z").replace(tzinfo=datetime.timezone.utc)


def days_left(cert):
    """Whole days from now to the certificate's notAfter, rounded down."""
    return (end_date(cert) - datetime.datetime.now(datetime.timezone.utc)) // datetime.timedelta(days=1)
