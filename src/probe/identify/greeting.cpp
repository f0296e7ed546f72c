#include "probe/dialogue/common.hpp"
#include "probe/identify/rules.hpp"
#include "util/ascii.hpp"

#include <array>

// What servers that speak first say, rule by rule. Each rule names the protocol and where its
// shape comes from.
namespace portent::probe::identify {

namespace {

using util::is_digit;

// The unsigned number that `bytes` hold least significant byte first, as MySQL packs its lengths.
constexpr std::size_t little_endian(std::string_view bytes)
{
    std::size_t value = 0;
    for (auto byte = bytes.rbegin(); byte != bytes.rend(); ++byte)
        value = (value << 8U) | static_cast<unsigned char>(*byte);
    return value;
}

// Mail and file servers that say their own name in their greeting, as they spell it.
constexpr std::array known_products = {
    std::string_view("Dovecot"),   std::string_view("Cyrus"),     std::string_view("Courier"),
    std::string_view("Postfix"),   std::string_view("Exim"),      std::string_view("OpenSMTPD"),
    std::string_view("Sendmail"),  std::string_view("qmail"),     std::string_view("vsFTPd"),
    std::string_view("ProFTPD"),   std::string_view("Pure-FTPd"), std::string_view("FileZilla"),
    std::string_view("Zimbra"),    std::string_view("INN"),       std::string_view("Leafnode"),
    std::string_view("Pigeonhole")};

// The first known product among the words of `line`, with the version that follows it when
// the next word starts with a digit ("Exim 4.96", "vsFTPd 3.0.3").
ProductVersion known_product(std::string_view line)
{
    const std::vector<std::string_view> words = util::split_words(line, " \t()[],;\"");
    for (std::size_t index = 0; index < words.size(); ++index)
        for (const std::string_view product : known_products)
            if (words[index] == product) {
                std::string version;
                if (index + 1 < words.size() && is_digit(words[index + 1].front()))
                    version = words[index + 1].substr(0, words[index + 1].find_first_of("/;"));
                return {std::string(product), version};
            }
    return {};
}

bool starts_with_code(std::string_view line, std::string_view code)
{
    return line.starts_with(code) &&
           (line.size() == code.size() || line[code.size()] == ' ' || line[code.size()] == '-');
}

// RFC 4253, 4.2: "SSH-protoversion-softwareversion SP comments CR LF", possibly after other
// lines.
std::optional<Identification> ssh(std::string_view bytes)
{
    for (std::size_t start = 0; start < bytes.size();) {
        const std::string_view line = dialogue_text::first_line(bytes.substr(start));
        if (line.starts_with("SSH-") && line.find('-', 4) != std::string_view::npos) {
            const std::string_view software = line.substr(line.find('-', 4) + 1);
            return named("ssh", "SSH version exchange (RFC 4253)",
                         split_product(software.substr(0, software.find(' '))));
        }
        const std::size_t end = bytes.find('\n', start);
        start = end == std::string_view::npos ? bytes.size() : end + 1;
    }
    return std::nullopt;
}

// RFC 5321, 4.3.1: a 220 greeting (554 when refusing); RFC 959: FTP's 220 too. The text tells
// them apart; LMTP (RFC 2033) greets as SMTP does.
std::optional<Identification> smtp_or_ftp(std::string_view line)
{
    if (!starts_with_code(line, "220") && !starts_with_code(line, "554"))
        return std::nullopt;
    if (util::contains_ignoring_case(line, "lmtp"))
        return named("lmtp", "220 greeting naming LMTP (RFC 2033)", known_product(line));
    if (util::contains_ignoring_case(line, "smtp"))
        return named("smtp", "220 greeting naming SMTP (RFC 5321)", known_product(line));
    if (starts_with_code(line, "220") && util::contains_ignoring_case(line, "ftp"))
        return named("ftp", "220 greeting naming FTP (RFC 959)", known_product(line));
    return std::nullopt;
}

// MySQL and MariaDB: the server's first packet, a 3-byte little-endian length and sequence 0,
// is the initial handshake (protocol version 10, then the server version, NUL-ended) or an
// error packet (0xff, a 2-byte code, the message).
std::optional<Identification> mysql(std::string_view bytes)
{
    if (bytes.size() < 6 || bytes[3] != 0)
        return std::nullopt;
    const std::size_t length = little_endian(bytes.substr(0, 3));
    if (length < 2 || bytes.size() < 4 + length)
        return std::nullopt;
    const std::string_view packet = bytes.substr(4, length);
    if (packet[0] == '\xff')
        return named("mysql", "MySQL protocol error packet unasked", {});
    const std::size_t end = packet.find('\0', 1);
    if (packet[0] != '\x0a' || end == std::string_view::npos || end == 1)
        return std::nullopt;
    std::string_view version = packet.substr(1, end - 1);
    if (dialogue_text::first_not_printable_ascii(version) != std::string_view::npos)
        return std::nullopt;
    const std::string_view evidence = "MySQL protocol 10 handshake unasked";
    if (const std::size_t maria = version.find("-MariaDB"); maria != std::string_view::npos) {
        version = version.substr(0, maria);
        if (version.starts_with("5.5.5-")) // what MariaDB puts before its own version for old clients
            version.remove_prefix(6);
        return named("mysql", evidence, {"MariaDB", std::string(version)});
    }
    return named("mysql", evidence, {"MySQL", std::string(version.substr(0, version.find('-')))});
}

// RFC 6143, 7.1.1: "RFB xxx.yyy\n".
std::optional<Identification> rfb(std::string_view bytes)
{
    if (bytes.size() < 12 || !bytes.starts_with("RFB ") || bytes[7] != '.' || bytes[11] != '\n')
        return std::nullopt;
    const auto number = [](std::string_view digits) {
        const std::size_t first = digits.find_first_not_of('0');
        return std::string(first == std::string_view::npos ? "0" : digits.substr(first));
    };
    return named("vnc", "RFB protocol version (RFC 6143)",
                 {"RFB", number(bytes.substr(4, 3)) + "." + number(bytes.substr(8, 3))});
}

// RFC 854: IAC (255) and WILL, WONT, DO or DONT (251-254), then an option.
bool telnet(std::string_view bytes)
{
    return bytes.size() >= 3 && bytes[0] == '\xff' && static_cast<unsigned char>(bytes[1]) >= 251 &&
           static_cast<unsigned char>(bytes[1]) <= 254;
}

// RFC 864: lines of 72 printable characters, each the one before plus one, from ' ' to '~'.
bool chargen(std::string_view line)
{
    if (line.size() < 72)
        return false;
    for (std::size_t index = 0; index < line.size(); ++index) {
        if (line[index] < ' ' || line[index] > '~')
            return false;
        if (index > 0 && line[index] != (line[index - 1] == '~' ? ' ' : line[index - 1] + 1))
            return false;
    }
    return true;
}

// RFC 867 leaves the form free; every daytime server writes a time of day (hh:mm) and a year.
bool daytime(std::string_view bytes, std::string_view line)
{
    if (line.empty() || line.size() > 100 ||
        dialogue_text::first_not_printable_ascii(bytes) != std::string_view::npos ||
        bytes.size() > line.size() + 2)
        return false;
    bool clock = false;
    bool year = false;
    for (std::size_t index = 0; index + 4 < line.size() + 1; ++index) {
        const std::string_view rest = line.substr(index);
        clock = clock || (rest.size() >= 5 && is_digit(rest[0]) && is_digit(rest[1]) && rest[2] == ':' &&
                          is_digit(rest[3]) && is_digit(rest[4]));
        year =
            year || (rest.size() >= 4 && (rest.starts_with("19") || rest.starts_with("20")) &&
                     is_digit(rest[2]) && is_digit(rest[3]) && (index == 0 || !is_digit(line[index - 1])) &&
                     (rest.size() == 4 || !is_digit(rest[4])));
    }
    return clock && year;
}

// RFC 868: four bytes, seconds since 1900, then the server closes (a reset when it closes with
// a request unread). Taken as time when the count is within a year of `now` and nothing more
// came.
bool time_count(std::string_view bytes, ReadEnd end, std::chrono::system_clock::time_point now)
{
    if (bytes.size() != 4 || end == ReadEnd::complete || end == ReadEnd::byte_cap)
        return false;
    const auto count = static_cast<std::uint32_t>(dialogue_text::big_endian(bytes));
    const auto server = dialogue_text::instant_of_1900_seconds(count);
    const auto apart = server > now ? server - now : now - server;
    return apart < std::chrono::days(366);
}

std::optional<Identification> from_line(std::string_view line)
{
    if (auto found = smtp_or_ftp(line))
        return found;
    // RFC 1939, 4: "+OK" greeting.
    if (starts_with_code(line, "+OK"))
        return named("pop3", "+OK greeting (RFC 1939)", known_product(line));
    // RFC 9051, 7.1: untagged OK, PREAUTH or BYE greeting.
    if (line.starts_with("* OK") || line.starts_with("* PREAUTH") || line.starts_with("* BYE"))
        return named("imap", "untagged greeting (RFC 9051)", known_product(line));
    // RFC 3977, 5.1: 200 or 201, and the server says it is a news server.
    if ((starts_with_code(line, "200") || starts_with_code(line, "201")) &&
        (util::contains_ignoring_case(line, "nntp") || util::contains_ignoring_case(line, "internetnews") ||
         util::contains_ignoring_case(line, "news")))
        return named("nntp", "200/201 greeting naming news (RFC 3977)", known_product(line));
    // RFC 5804, 1.7: the capability response, IMPLEMENTATION or SIEVE first.
    if (line.starts_with("\"IMPLEMENTATION\"") || line.starts_with("\"SIEVE\""))
        return named("sieve", "ManageSieve capabilities (RFC 5804)", known_product(line));
    // rsync's daemon greeting: "@RSYNCD: " and its protocol version.
    if (line.starts_with("@RSYNCD: "))
        return named("rsync", "@RSYNCD greeting", {"rsync", std::string(util::trim(line.substr(9)))});
    // RFC 2812: a server's notice before registration.
    if ((line.starts_with(':') && line.find(" NOTICE ") != std::string_view::npos) ||
        line.starts_with("NOTICE AUTH"))
        return named("irc", "NOTICE before registration (RFC 2812)", {});
    return std::nullopt;
}

} // namespace

bool greeting_complete(std::string_view received)
{
    if (received.size() >= 4 && received[3] == '\0') { // a MySQL packet: its length tells
        const std::size_t length = little_endian(received.substr(0, 2));
        return received.size() >= 4 + length;
    }
    if (!received.empty() && received[0] == '\xff')
        return received.size() >= 3;
    return received.find('\n') != std::string_view::npos;
}

std::optional<Identification> from_greeting(std::string_view bytes, ReadEnd end,
                                            std::chrono::system_clock::time_point now)
{
    if (bytes.empty())
        return std::nullopt;
    if (auto found = ssh(bytes))
        return found;
    if (auto found = mysql(bytes))
        return found;
    if (auto found = rfb(bytes))
        return found;
    if (telnet(bytes))
        return named("telnet", "telnet option negotiation (IAC, RFC 854)", {});
    if (time_count(bytes, end, now))
        return named("time", "four bytes, a time within a year of now, then close (RFC 868)", {});
    const std::string_view line = dialogue_text::first_line(bytes);
    if (line.size() == bytes.size() && end != ReadEnd::end_of_stream && end != ReadEnd::complete)
        return std::nullopt; // a line still arriving
    if (auto found = from_line(line))
        return found;
    if (chargen(line))
        return named("chargen", "rotating lines of printable characters (RFC 864)", {});
    if (daytime(bytes, line))
        return named("daytime", "one line with a date and a time of day (RFC 867)", {});
    return std::nullopt;
}

bool needs_ehlo(std::string_view greeting)
{
    const std::string_view line = dialogue_text::first_line(greeting);
    return starts_with_code(line, "220") && !from_line(line);
}

std::optional<Identification> from_ehlo_reply(std::string_view greeting, std::string_view reply)
{
    if (!starts_with_code(dialogue_text::first_line(reply), "250"))
        return std::nullopt;
    return named("smtp", "220 greeting, then 250 to EHLO (RFC 5321)",
                 known_product(dialogue_text::first_line(greeting)));
}

ProductVersion split_product(std::string_view word)
{
    std::size_t cut = word.find_first_of("_/");
    if (cut == std::string_view::npos)
        for (std::size_t dash = word.find('-'); dash != std::string_view::npos;
             dash = word.find('-', dash + 1))
            if (dash + 1 < word.size() && is_digit(word[dash + 1])) {
                cut = dash;
                break;
            }
    if (cut == std::string_view::npos)
        return {std::string(word), ""};
    return {std::string(word.substr(0, cut)), std::string(word.substr(cut + 1))};
}

} // namespace portent::probe::identify
