"""An independent reading of services(5) files by glibc's rules, for the shell tests.

glibc (nss_files: files-service.c + files-parse.c; checked against Debian 12's 2.36) reads:
  - fgets() reads up to '\n'; the C string ends at the first NUL byte;
  - the data ends at the first '#' (strpbrk(line, "#\n"));
  - leading isspace() bytes are skipped; an empty rest is not an entry;
  - NAME runs to the next isspace() byte, then spaces are swallowed;
  - PORT is INT_FIELD(s_port, ISSLASH, swallow, base 0): strtoul(text, &end, 0), so an
    optional '+'/'-', then "0x" hex, a leading-0 octal or decimal digits; no digits rejects the
    line, a value over 0xffffffff (a negative one included, -0 aside) rejects it, and the value
    is stored as a 16-bit port (65536 wraps to 0); the next byte must be '/' (all the slashes
    that follow are swallowed, then PROTO) or the end of the data (PROTO is then empty);
  - PROTO runs to the next isspace() byte; the rest is split into aliases on isspace() runs.
isspace() is the C locale's: space, \t, \n, \v, \f, \r.

portent refuses by design some lines that glibc accepts (a signed port, a port over 65535, an
empty protocol): `portent_refusal` says which and why. For a port glibc does not read as plain
decimal (hex, octal, leading zeros) or several slashes, portent must either agree with glibc
or refuse the line with a diagnostic: `glibc_oddity` says which lines those are.
"""

SPACE = b" \t\n\v\f\r"
ULONG_MAX = (1 << 64) - 1


class Line:
    """One physical line: `entry` is (name, port, proto, aliases) or None when glibc rejects it."""

    def __init__(self, number, raw, entry, reason, port_text):
        self.number = number
        self.raw = raw
        self.entry = entry
        self.reason = reason  # why glibc rejects it ("" for blank/comment lines)
        self.port_text = port_text


def split_lines(data):
    """The lines as fgets() sees them, without their '\\n'."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def _token(text, start):
    """Skips isspace() bytes from start, returns (token, end)."""
    i = start
    while i < len(text) and text[i] in SPACE:
        i += 1
    j = i
    while j < len(text) and text[j] not in SPACE:
        j += 1
    return text[i:j], j


def _strtoul(text):
    """glibc strtoul(text, &end, 0) with no leading spaces: (value, end); end is 0 when no digits."""
    i = 0
    negative = False
    if i < len(text) and text[i] in b"+-":
        negative = text[i] == ord("-")
        i += 1
    hexdigits = b"0123456789abcdefABCDEF"
    if text[i:i + 2] in (b"0x", b"0X") and i + 2 < len(text) and text[i + 2] in hexdigits:
        base, digits, i = 16, hexdigits, i + 2
    elif text[i:i + 1] == b"0":
        base, digits = 8, b"01234567"
    else:
        base, digits = 10, b"0123456789"
    start = i
    while i < len(text) and text[i] in digits:
        i += 1
    if i == start:
        return 0, 0
    value = int(text[start:i], base)
    if value > ULONG_MAX:
        value = ULONG_MAX
    elif negative:
        value = (-value) & ULONG_MAX
    return value, i


def parse_line(number, raw):
    line = raw.split(b"\0", 1)[0].split(b"#", 1)[0]
    name, pos = _token(line, 0)
    if not name:
        return Line(number, raw, None, "", b"")
    while pos < len(line) and line[pos] in SPACE:
        pos += 1
    rest = line[pos:]
    value, end = _strtoul(rest)
    if end == 0:
        return Line(number, raw, None, "no port number", rest)
    port_text = rest[:end]
    if end < len(rest) and rest[end] != ord("/"):
        return Line(number, raw, None, "port not followed by '/' or the end of the line", rest)
    if value > 0xFFFFFFFF:
        return Line(number, raw, None, "port over 0xffffffff", rest)
    slashes = end
    while slashes < len(rest) and rest[slashes] == ord("/"):
        slashes += 1
    port_text = rest[:slashes]
    after = rest[slashes:]
    j = 0
    while j < len(after) and after[j] not in SPACE:
        j += 1
    proto = after[:j]
    aliases = []
    pos = j
    while True:
        alias, pos = _token(after, pos)
        if not alias:
            break
        aliases.append(alias)
    return Line(number, raw, (name, value & 0xFFFF, proto, aliases), "", port_text)


def parse(data):
    return [parse_line(number, raw) for number, raw in enumerate(split_lines(data), 1)]


def _digits(port_text):
    return port_text.rstrip(b"/").lstrip(b"+-")


def portent_refusal(line):
    """Why portent refuses by design a line that glibc accepts, or None."""
    if line.entry is None:
        return None
    text = line.port_text
    if text[:1] in (b"+", b"-"):
        return "signed port '%s' (glibc's strtoul accepts it)" % text.rstrip(b"/").decode("latin-1")
    digits = _digits(text)
    if digits.isdigit() and not digits.startswith(b"0") and int(digits) > 65535:
        return "port %s over 65535 (glibc wraps it to %d)" % (digits.decode(), line.entry[1])
    if not line.entry[2]:
        return "empty protocol (glibc gives an empty s_proto)"
    return None


def glibc_oddity(line):
    """Why glibc reads this line in a way portent may refuse instead, or None."""
    if line.entry is None:
        return None
    digits = _digits(line.port_text)
    if digits[:2] in (b"0x", b"0X"):
        return "hexadecimal port '%s' (glibc reads %d)" % (digits.decode("latin-1"), line.entry[1])
    if digits.startswith(b"0") and len(digits) > 1:
        return "port '%s' with a leading 0 (glibc reads it as octal: %d)" % (
            digits.decode("latin-1"), line.entry[1])
    if line.port_text.endswith(b"//"):
        return "several slashes before the protocol (glibc skips them all)"
    return None


def keys_of(entries):
    """Every name, alias, name/proto, alias/proto, port and port/proto, in file order."""
    keys = {}
    for name, port, proto, aliases in entries:
        for word in [name] + aliases:
            keys[word] = None
            keys[word + b"/" + proto] = None
        keys[b"%d" % port] = None
        keys[b"%d/%s" % (port, proto)] = None
    return list(keys)


def escape(data):
    """Bytes shown the way `od -c` shows them: printable ASCII as is, the rest as escapes."""
    names = {0: "\\0", 7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r"}
    out = []
    for byte in data:
        if byte in names:
            out.append(names[byte])
        elif byte == 0x5C:
            out.append("\\\\")
        elif 0x20 <= byte < 0x7F:
            out.append(chr(byte))
        else:
            out.append("\\%03o" % byte)
    return "".join(out)
