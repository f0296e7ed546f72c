"""The xinetd configuration of the tests: its internal echo, daytime, time and chargen services on their
standard ports of 127.0.0.1 (or another address). Not a test itself."""


def xinetd_config(log_path, address="127.0.0.1"):
    blocks = [f"defaults\n{{\n    instances = 100\n    cps = 1000 1\n    log_type = FILE {log_path}\n}}\n"]
    for service, socket_type, protocol in [("daytime", "stream", "tcp"), ("daytime", "dgram", "udp"),
                                           ("time", "stream", "tcp"), ("time", "dgram", "udp"),
                                           ("echo", "stream", "tcp"), ("echo", "dgram", "udp"),
                                           ("chargen", "stream", "tcp")]:
        blocks.append(f"""service {service}
{{
    type        = INTERNAL
    id          = {service}-{socket_type}
    socket_type = {socket_type}
    protocol    = {protocol}
    user        = root
    wait        = {"yes" if socket_type == "dgram" else "no"}
    bind        = {address}
    disable     = no
}}
""")
    return "\n".join(blocks)
