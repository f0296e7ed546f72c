#!/usr/bin/python3
"""Tab completion in the real shells, through each shell's own entry point: bash (with Debian's
bash-completion) and zsh (with compinit) run interactively in tmux and get a real Tab; fish
answers `complete -C`. Usage: shells.py PORTENT DATA_DIR NMAP_SERVICES [SCRIPTS_DIR | --installed PREFIX]

With SCRIPTS_DIR the scripts of completions/ are loaded by hand; with --installed PREFIX each
shell finds them where `cmake --install` put them under PREFIX, by its own search path.
Exit 0 on success, 1 on a failure, 77 (skip) only when a shell or tmux is missing.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

portent, data_dir, nmap_services = sys.argv[1:4]
installed = sys.argv[4] == "--installed"
location = sys.argv[5] if installed else sys.argv[4]
failures = []

for tool in ("bash", "zsh", "fish", "tmux"):
    if shutil.which(tool) is None:
        print(f"SKIP: {tool} is not installed (scripts/setup.sh installs it)")
        sys.exit(77)
bash_completion = "/usr/share/bash-completion/bash_completion"
if not os.path.exists(bash_completion):
    print("SKIP: bash-completion is not installed (scripts/setup.sh installs it)")
    sys.exit(77)

work = tempfile.mkdtemp(prefix="portent-shells-")
bin_dir = os.path.join(work, "bin")
os.mkdir(bin_dir)
os.symlink(os.path.abspath(portent), os.path.join(bin_dir, "portent"))
home = os.path.join(work, "home")
os.makedirs(os.path.join(home, ".ssh"))
with open(os.path.join(home, ".ssh", "known_hosts"), "w") as known:
    known.write("|1|c2FsdHNhbHQ=|aGFzaGhhc2g= ssh-ed25519 AAAA\n"
                "testhost.example,192.0.2.5 ssh-ed25519 AAAA\n")
env = {"PATH": bin_dir + ":/usr/bin:/bin", "HOME": home, "TERM": "xterm", "LANG": "C.UTF-8",
       "XDG_CONFIG_HOME": os.path.join(home, ".config")}
if installed:
    env["PATH"] = os.path.join(location, "bin") + ":/usr/bin:/bin"
    env["XDG_DATA_DIRS"] = os.path.join(location, "share") + ":/usr/share"
contract = os.path.join(data_dir, "contract.services")

# (words typed, the candidates expected: exactly these, or among them when the list ends in "…")
CASES = [
    ("portent dayt", ["daytime"]),
    ("portent probe localhost ht", ["http", "https", "…"]),
    (f"portent --db {nmap_services} pcany", ["pcanywheredata", "pcanywherestat", "pcanywhere"]),
    ("portent --format ", ["table", "services", "json"]),
    ("portent local --format ", ["table", "json", "jsonl"]),
    (f"portent --db {nmap_services} http/", ["http/tcp", "http/udp", "http/sctp"]),
    ("portent http/", ["http/tcp"]),
    (f"portent --db {contract} lookup sea", ["search"]),
    ("portent probe testh", ["testhost.example"]),
    ("portent probe --as ", ["generic", "daytime", "time", "echo", "http", "https", "tls", "banner", "smtp", "imap",
                             "pop3", "ftp", "dns", "ntp", "snmp"]),
    ("portent --db-format ", ["services", "nmap", "iana-csv"]),
    ("portent completion ", ["bash", "zsh", "fish"]),
]


def matches(words, expected):
    if expected[-1] == "…":
        return set(expected[:-1]) <= set(words)
    return sorted(words) == sorted(expected)


def fail(message):
    failures.append(message)
    print("FAIL:", message)


class Tmux:
    """An interactive shell in a private tmux server, typed at key by key."""

    def __init__(self, name, command):
        self.socket = f"portent-{name}-{os.getpid()}"
        self.run("new-session", "-d", "-s", "t", "-x", "200", "-y", "80", command)

    def run(self, *arguments):
        return subprocess.run(["tmux", "-L", self.socket, *arguments], env=env, capture_output=True,
                              text=True, timeout=20)

    def keys(self, *keys, literal=False):
        self.run("send-keys", "-t", "t", *(["-l"] if literal else []), *keys)

    def screen(self):
        return self.run("capture-pane", "-p", "-J", "-t", "t", "-S", "-200").stdout

    def wait_for(self, predicate, seconds=15):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            text = self.screen()
            if predicate(text):
                return text
            time.sleep(0.05)
        return None

    def close(self):
        self.run("kill-server")


def line_after(session, count, marker):
    """The buffer the shell shows in its marker line, after `count` earlier ones."""
    text = session.wait_for(lambda screen: screen.count(marker + "<") > count)
    if text is None:
        return None
    last = text.split(marker + "<")[count + 1]
    return last[: last.index(">")] if ">" in last else None


def interactive(shell, rc_lines, complete_all_keys):
    rc = os.path.join(work, f"{shell}rc")
    with open(rc, "w") as out:
        out.write("\n".join(rc_lines) + "\n")
    if shell == "bash":
        session = Tmux(shell, f"bash --noprofile --rcfile {rc} -i")
    else:
        os.makedirs(os.path.join(work, "zdot"), exist_ok=True)
        shutil.copy(rc, os.path.join(work, "zdot", ".zshrc"))
        env["ZDOTDIR"] = os.path.join(work, "zdot")
        session = Tmux(shell, "zsh -i")
    try:
        if session.wait_for(lambda screen: "READY>" in screen) is None:
            fail(f"{shell}: no prompt: {session.screen()!r}")
            return
        shown = 0
        for typed, expected in CASES:
            session.keys(typed, literal=True)
            session.keys(*complete_all_keys)
            session.keys("C-t")
            got = line_after(session, shown, "LINE")
            shown += 1
            session.keys("C-u")
            if got is None:
                fail(f"{shell}: {typed!r}: no line shown: {session.screen()[-800:]!r}")
                continue
            # The word being completed is replaced; the words before it stay.
            words = got.split()[len(typed.split()) - (0 if typed.endswith(" ") else 1):]
            if not matches(words, expected):
                fail(f"{shell}: {typed!r} completed to {got!r}, expected {expected}")
        if shell == "zsh":  # zsh lists each candidate with its description
            session.keys("clear", "Enter")
            session.wait_for(lambda screen: screen.strip() == "READY>")
            session.keys("portent dayti", literal=True)
            session.wait_for(lambda screen: "READY> portent dayti" in screen)
            session.keys("C-d")
            if session.wait_for(lambda screen: "13/tcp,udp" in screen, 10) is None:
                fail(f"zsh: no description beside daytime: {session.screen()[-600:]!r}")
            session.keys("C-u")
    finally:
        session.close()


scripts = [] if installed else [os.path.join(location, "portent.bash")]
interactive("bash", [
    "PS1='READY> '",
    f". {bash_completion}",
    *[f". {script}" for script in scripts],
    "bind 'set bell-style none'",
    "bind -x '\"\\C-t\": printf \"LINE<%s>\\n\" \"$READLINE_LINE\"'",
], ["Escape", "*"])  # insert-completions: every candidate of the Tab machinery, into the line

zsh_setup = [] if installed else [f"fpath=({location} $fpath)"]
if installed:
    zsh_setup = [f"fpath=({location}/share/zsh/vendor-completions {location}/share/zsh/site-functions $fpath)"]
interactive("zsh", [
    "PS1='READY> '",
    *zsh_setup,
    "autoload -Uz compinit && compinit -u -d ~/.zcompdump",
    "zle -C all-completions complete-word _generic",
    "zstyle ':completion:all-completions:*' completer _all_matches _complete",
    "zstyle ':completion:all-completions:*' insert true",
    "bindkey '^X*' all-completions",
    "show-line() { zle -I; print -r -- \"LINE<$BUFFER>\"; }",
    "zle -N show-line",
    "bindkey '^T' show-line",
], ["C-x", "*"])

# fish: complete -C, the same entry point fish's own Tab uses.
fish_setup = "" if installed else f"source {os.path.join(location, 'portent.fish')}; "
# Installed, fish's own start-up (not --no-config) sets the vendor folders from XDG_DATA_DIRS.
fish = ["fish"] if installed else ["fish", "--no-config"]
for typed, expected in CASES:
    result = subprocess.run([*fish, "-c", fish_setup + f"complete -C {subprocess.list2cmdline([typed])}"],
                            env=env, capture_output=True, text=True, timeout=30)
    words = [line.split("\t")[0] for line in result.stdout.splitlines()]
    if not matches(words, expected):
        fail(f"fish: {typed!r} offered {words}, expected {expected} ({result.stderr.strip()})")
result = subprocess.run([*fish, "-c", fish_setup + "complete -C 'portent dayti'"], env=env,
                        capture_output=True, text=True, timeout=30)
if "daytime\t13/tcp,udp" not in result.stdout:
    fail(f"fish: no description beside daytime: {result.stdout!r}")

shutil.rmtree(work)
print(f"{len(CASES) * 3 + 2 - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
