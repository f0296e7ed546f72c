#include "probe/identify/identifier.hpp"
#include "probe/identify/rules.hpp"

#include <catch2/catch.hpp>

#include <chrono>

// The rules of --identify: answers written by hand from the protocols' specifications and from
// what the servers named send, in; an identification out.
using namespace portent::probe;
using namespace portent::probe::identify;
using namespace std::string_literals;
using std::chrono::system_clock;

namespace {

const system_clock::time_point now = system_clock::from_time_t(1'796'209'200); // 2026-12-02 11:00 UTC

Identification greeting(std::string_view bytes, ReadEnd end = ReadEnd::complete)
{
    const auto found = from_greeting(bytes, end, now);
    REQUIRE(found);
    return *found;
}

void check(const Identification& found, std::string_view service, std::string_view product = "",
           std::string_view version = "")
{
    CHECK(found.service == std::string(service));
    CHECK(found.product == product);
    CHECK(found.version == version);
    CHECK_FALSE(found.evidence.empty());
}

// A MySQL protocol packet: 3-byte little-endian length, sequence 0, the payload.
std::string mysql_packet(const std::string& payload)
{
    std::string packet{static_cast<char>(payload.size() & 0xFF),
                       static_cast<char>((payload.size() >> 8) & 0xFF), 0, 0};
    return packet + payload;
}

// The initial handshake, protocol 10: the version, NUL, a thread ID, 8 bytes of scramble, a filler.
std::string mysql_handshake(const std::string& version)
{
    return mysql_packet("\x0a"s + version + "\0"s + "\x07\x00\x00\x00"s + "abcdefgh"s + "\0"s + "\xfe\xf7"s);
}

} // namespace

TEST_CASE("identify: SSH's version line (RFC 4253, 4.2)", "[probe][identify]")
{
    check(greeting("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"), "ssh", "OpenSSH", "9.2p1");
    check(greeting("a line before the version\r\nSSH-1.99-dropbear_2022.83\r\n"), "ssh", "dropbear",
          "2022.83");
    check(greeting("SSH-2.0-Cisco-1.25\r\n"), "ssh", "Cisco", "1.25");
    CHECK(greeting_complete("SSH-2.0-OpenSSH_9.2p1\r\n"));
    CHECK_FALSE(greeting_complete("SSH-2.0-Open"));
}

TEST_CASE("identify: SMTP and FTP greetings told apart by their text", "[probe][identify]")
{
    check(greeting("220 mx.portent.test ESMTP Exim 4.96 Wed, 02 Dec 2026 11:00:00 +0000\r\n"), "smtp", "Exim",
          "4.96");
    check(greeting("220 mx ESMTP Postfix (Debian/GNU)\r\n"), "smtp", "Postfix");
    check(greeting("220-mx ESMTP OpenSMTPD\r\n220 more\r\n"), "smtp", "OpenSMTPD");
    check(greeting("554 mx no SMTP service here\r\n"), "smtp");
    check(greeting("220 (vsFTPd 3.0.3)\r\n"), "ftp", "vsFTPd", "3.0.3");
    check(greeting("220 ProFTPD Server (Debian) [::ffff:127.0.0.1]\r\n"), "ftp", "ProFTPD");
    check(greeting("220 host LMTP server ready\r\n"), "lmtp");
}

TEST_CASE("identify: a 220 greeting that names nothing is asked EHLO (RFC 5321, 4.1.1.1)",
          "[probe][identify]")
{
    const std::string dovecot = "220 mail.portent.test Dovecot ready.\r\n";
    CHECK_FALSE(from_greeting(dovecot, ReadEnd::complete, now));
    CHECK(needs_ehlo(dovecot));
    CHECK_FALSE(needs_ehlo("220 (vsFTPd 3.0.3)\r\n"));
    check(*from_ehlo_reply(dovecot, "250-mail.portent.test\r\n250 8BITMIME\r\n"), "smtp", "Dovecot");
    CHECK_FALSE(from_ehlo_reply(dovecot, "500 5.5.1 Unknown command\r\n"));

    Identifier identifier("127.0.0.1", 2525, std::chrono::seconds(2));
    identifier.take(dovecot, ReadEnd::complete, now);
    REQUIRE(identifier.action() == Identifier::Action::exchange);
    CHECK(identifier.request() == "EHLO portent.invalid\r\n");
    identifier.take("250 mail.portent.test\r\n", ReadEnd::complete, now);
    CHECK(identifier.action() == Identifier::Action::finished);
    check(identifier.result(), "smtp", "Dovecot");
}

TEST_CASE("identify: POP3 (RFC 1939) and IMAP (RFC 9051) greetings", "[probe][identify]")
{
    check(greeting("+OK Dovecot (Debian) ready.\r\n"), "pop3", "Dovecot");
    check(greeting("* OK [CAPABILITY IMAP4rev1 SASL-IR STARTTLS AUTH=PLAIN] Dovecot (Debian) ready.\r\n"),
          "imap", "Dovecot");
    check(greeting("* PREAUTH IMAP4rev1 server logged in as Smith\r\n"), "imap");
    check(greeting("* BYE Autologout; idle for too long\r\n"), "imap");
    CHECK_FALSE(from_greeting("+OKAY\r\n", ReadEnd::complete, now));
}

TEST_CASE("identify: the MySQL protocol's first packet", "[probe][identify]")
{
    check(greeting(mysql_handshake("10.11.6-MariaDB-0+deb12u1")), "mysql", "MariaDB", "10.11.6");
    check(greeting(mysql_handshake("5.5.5-10.11.6-MariaDB-0+deb12u1")), "mysql", "MariaDB", "10.11.6");
    check(greeting(mysql_handshake("8.0.36-0ubuntu0.22.04.1")), "mysql", "MySQL", "8.0.36");
    check(greeting(mysql_packet("\xff\x6a\x04Host '127.0.0.1' is not allowed to connect"s)), "mysql");
    const std::string whole = mysql_handshake("8.0.36");
    CHECK(greeting_complete(whole));
    CHECK_FALSE(greeting_complete(whole.substr(0, 9))); // 0x0a at offset 4 is no line end here
    CHECK_FALSE(from_greeting(mysql_packet("\x0b"s + "8.0\0"s), ReadEnd::complete, now));
}

TEST_CASE("identify: RFB, telnet, NNTP, ManageSieve, rsync, IRC", "[probe][identify]")
{
    check(greeting("RFB 003.008\n"), "vnc", "RFB", "3.8");
    check(greeting("\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23"s), "telnet");
    CHECK(greeting_complete("\xff\xfb\x01"s));
    CHECK_FALSE(from_greeting("\xff\x01\x02"s, ReadEnd::complete, now));
    check(greeting("200 news.portent.test InterNetNews server INN 2.7.1 ready (transit mode)\r\n"), "nntp",
          "INN", "2.7.1");
    check(greeting("\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\n"), "sieve", "Dovecot");
    check(greeting("@RSYNCD: 31.0\n"), "rsync", "rsync", "31.0");
    check(greeting(":irc.portent.test NOTICE * :*** Looking up your hostname...\r\n"), "irc");
}

TEST_CASE("identify: daytime (RFC 867), time (RFC 868), chargen (RFC 864)", "[probe][identify]")
{
    check(greeting("Wednesday, December 2, 2026 11:00:00-UTC\r\n", ReadEnd::end_of_stream), "daytime");
    check(greeting("02 DEC 2026 11:00:00 UTC\r\n", ReadEnd::end_of_stream), "daytime");
    // 2026-12-02 11:00:00 UTC as seconds since 1900: 1796209200 + 2208988800 = 4005198000 = 0xeeba78b0.
    check(greeting("\xee\xba\x78\xb0"s, ReadEnd::end_of_stream), "time");
    check(greeting("\xee\xba\x78\xb0"s, ReadEnd::reset), "time"); // closed with a request unread
    CHECK_FALSE(from_greeting("\xee\xba\x78\xb0\x00"s, ReadEnd::end_of_stream, now)); // not 4 bytes
    CHECK_FALSE(from_greeting("\x00\x00\x00\x01"s, ReadEnd::end_of_stream, now)); // 2036 and after the wrap
    std::string line;
    for (char c = '!'; line.size() < 72; c = c == '~' ? ' ' : static_cast<char>(c + 1))
        line += c;
    check(greeting(line + "\r\n"), "chargen");
    line[10] = 'x';
    CHECK_FALSE(from_greeting(line + "\r\n", ReadEnd::complete, now));
    CHECK_FALSE(from_greeting("hello, world\r\n", ReadEnd::complete, now));
}

TEST_CASE("identify: replies to HTTP GET (RFC 9112)", "[probe][identify]")
{
    check(*from_reply(Probe::http, "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Length: 0\r\n\r\n",
                      ReadEnd::complete),
          "http", "nginx", "1.22.1");
    check(*from_reply(Probe::http, "HTTP/1.0 404 Not Found\r\nServer: Apache/2.4.57 (Debian)\r\n\r\n",
                      ReadEnd::complete),
          "http", "Apache", "2.4.57");
    check(*from_reply(Probe::tls, "HTTP/1.1 200 OK\r\n\r\n", ReadEnd::complete), "https");
    CHECK(
        request_of(Probe::http, "127.0.0.1", 8080).starts_with("GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"));
    CHECK_FALSE(
        from_reply(Probe::http, "-ERR wrong number of arguments for 'get' command\r\n", ReadEnd::complete));
    CHECK(reply_complete(Probe::http, "-ERR wrong number of arguments\r\n"));
    CHECK_FALSE(reply_complete(Probe::http, "HTTP/1.1 200 OK\r\nServer: x\r\n"));

    const std::string plain_to_https =
        "HTTP/1.1 400 Bad Request\r\nServer: nginx/1.22.1\r\n\r\n<html>\r\n"
        "<center>The plain HTTP request was sent to HTTPS port</center>\r\n</html>\r\n";
    CHECK_FALSE(from_reply(Probe::http, plain_to_https, ReadEnd::end_of_stream));
    CHECK(suggests_tls(plain_to_https));
    CHECK(suggests_tls("\x15\x03\x01\x00\x02\x02\x32"s)); // RFC 8446: alert record, decode_error
    CHECK_FALSE(suggests_tls("HTTP/1.1 400 Bad Request\r\n\r\n"));
}

TEST_CASE("identify: Redis, memcached, MQTT and PostgreSQL replies", "[probe][identify]")
{
    const std::string info = "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n";
    const std::string pong_and_info = "+PONG\r\n$" + std::to_string(info.size()) + "\r\n" + info + "\r\n";
    CHECK(reply_complete(Probe::redis, pong_and_info));
    CHECK_FALSE(reply_complete(Probe::redis, pong_and_info.substr(0, pong_and_info.size() - 3)));
    check(*from_reply(Probe::redis, pong_and_info, ReadEnd::complete), "redis", "Redis", "7.0.15");
    check(*from_reply(Probe::redis,
                      "-NOAUTH Authentication required.\r\n-NOAUTH Authentication required.\r\n",
                      ReadEnd::complete),
          "redis", "Redis");
    CHECK_FALSE(from_reply(Probe::redis, "ERROR\r\n", ReadEnd::complete));

    check(*from_reply(Probe::memcached, "VERSION 1.6.18\r\n", ReadEnd::complete), "memcached", "memcached",
          "1.6.18");
    CHECK_FALSE(from_reply(Probe::memcached, "ERROR\r\n", ReadEnd::complete));

    // MQTT 3.1.1, 3.1: CONNECT's remaining length counts what follows it.
    const std::string connect = request_of(Probe::mqtt, "", 1883);
    CHECK(connect[0] == '\x10');
    CHECK(static_cast<std::size_t>(connect[1]) == connect.size() - 2);
    CHECK(connect.substr(2, 7) == "\x00\x04MQTT\x04"s);
    check(*from_reply(Probe::mqtt, "\x20\x02\x00\x00"s, ReadEnd::complete), "mqtt");
    check(*from_reply(Probe::mqtt, "\x20\x02\x00\x05"s, ReadEnd::complete), "mqtt"); // not authorized
    CHECK_FALSE(from_reply(Probe::mqtt, "\x20\x02\x00\x06"s, ReadEnd::complete));

    // PostgreSQL: SSLRequest is 8 bytes, the code 1234 5679 (80877103).
    CHECK(request_of(Probe::postgresql, "", 5432) == "\x00\x00\x00\x08\x04\xd2\x16\x2f"s);
    check(*from_reply(Probe::postgresql, "S", ReadEnd::complete), "postgresql", "PostgreSQL");
    const std::string startup = follow_up(Probe::postgresql, "N");
    REQUIRE(startup.size() > 8);
    CHECK(startup.substr(4, 4) == "\x00\x03\x00\x00"s); // protocol 3.0
    const std::string error = "E\x00\x00\x00\x0c"s + "SFATAL\0\0"s;
    CHECK(reply_complete(Probe::postgresql, error));
    check(*from_reply(Probe::postgresql, "N" + error, ReadEnd::complete), "postgresql", "PostgreSQL");
    CHECK_FALSE(from_reply(Probe::postgresql, "X", ReadEnd::complete));
    CHECK(follow_up(Probe::postgresql, "S").empty());
}

TEST_CASE("identify: the order of listening and probes", "[probe][identify]")
{
    using Action = Identifier::Action;
    const auto two_seconds = std::chrono::seconds(2);
    SECTION("a greeting that names the service ends it: nothing is sent")
    {
        Identifier identifier("127.0.0.1", 22, two_seconds);
        CHECK(identifier.action() == Action::exchange);
        CHECK(identifier.request().empty());
        CHECK(identifier.wait(two_seconds) == std::chrono::milliseconds(250));
        identifier.take("SSH-2.0-OpenSSH_9.2p1\r\n", ReadEnd::complete, now);
        CHECK(identifier.action() == Action::finished);
        check(identifier.result(), "ssh", "OpenSSH", "9.2p1");
        CHECK(identifier.answer() == "SSH-2.0-OpenSSH_9.2p1\r\n");
    }
    SECTION("silence: HTTP on the same connection, with half of what is left; then each probe anew")
    {
        Identifier identifier("127.0.0.1", 6379, two_seconds);
        identifier.take("", ReadEnd::deadline, now);
        CHECK(identifier.action() == Action::exchange);
        CHECK(identifier.request().starts_with("GET / HTTP/1.1\r\n"));
        CHECK(identifier.wait(std::chrono::milliseconds(1000)) == std::chrono::milliseconds(500));
        identifier.take("", ReadEnd::end_of_stream, now);
        CHECK(identifier.action() == Action::reconnect_exchange);
        CHECK(identifier.request().starts_with("*1\r\n$4\r\nPING\r\n"));
        identifier.take("+PONG\r\n$-1\r\n", ReadEnd::complete, now);
        check(identifier.result(), "redis", "Redis");
    }
    SECTION("a closed connection without a word: the probes, each on a new connection")
    {
        Identifier identifier("127.0.0.1", 1883, two_seconds);
        identifier.take("", ReadEnd::end_of_stream, now);
        CHECK(identifier.action() == Action::reconnect_exchange);
    }
    SECTION("a reply only TLS servers give: the TLS ClientHello next, then what is inside")
    {
        Identifier identifier("localhost", 8443, two_seconds);
        identifier.take("", ReadEnd::deadline, now);
        identifier.take("\x15\x03\x01\x00\x02\x02\x32"s, ReadEnd::end_of_stream, now);
        REQUIRE(identifier.action() == Action::tls_exchange);
        CHECK(identifier.request().starts_with("GET / HTTP/1.1\r\nHost: localhost:8443\r\n"));
        identifier.take("* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n", ReadEnd::complete, now);
        check(identifier.result(), "imaps", "Dovecot");
    }
    SECTION("the request comes back: echo (RFC 862)")
    {
        Identifier identifier("127.0.0.1", 7, two_seconds);
        identifier.take("", ReadEnd::deadline, now);
        identifier.take("GET / HTTP/1.1\r\n", ReadEnd::complete, now);
        check(identifier.result(), "echo");
    }
    SECTION("PostgreSQL: the StartupMessage follows 'N' on the same connection")
    {
        Identifier identifier("127.0.0.1", 5432, two_seconds);
        identifier.take("", ReadEnd::deadline, now);
        for (int probe = 0; probe < 4; ++probe) // http, redis, memcached, mqtt: closed at once
            identifier.take("", ReadEnd::end_of_stream, now);
        REQUIRE(identifier.request() == "\x00\x00\x00\x08\x04\xd2\x16\x2f"s);
        identifier.take("N", ReadEnd::complete, now);
        CHECK(identifier.action() == Action::exchange);
        identifier.take("E\x00\x00\x00\x0c"s + "SFATAL\0\0"s, ReadEnd::complete, now);
        check(identifier.result(), "postgresql", "PostgreSQL");
    }
    SECTION("nothing from anyone: unknown, saying so")
    {
        Identifier identifier("127.0.0.1", 9, two_seconds);
        identifier.take("", ReadEnd::deadline, now);
        for (int step = 0; step < 5 && identifier.action() != Action::finished; ++step)
            identifier.take("", ReadEnd::deadline, now);
        REQUIRE(identifier.action() == Action::tls_exchange);
        identifier.take_failed_handshake();
        CHECK(identifier.action() == Action::finished);
        CHECK_FALSE(identifier.result().service);
        CHECK(identifier.result().evidence == "nothing said unasked or to any probe");
    }
    SECTION("part of a greeting when the wait ends: listen once more, for half of what is left")
    {
        Identifier identifier("127.0.0.1", 37, two_seconds);
        identifier.take("\xee\xba"s, ReadEnd::deadline, now);
        CHECK(identifier.action() == Action::exchange);
        CHECK(identifier.request().empty());
        CHECK(identifier.wait(std::chrono::milliseconds(1000)) == std::chrono::milliseconds(500));
        identifier.take("\x78\xb0"s, ReadEnd::end_of_stream, now);
        check(identifier.result(), "time");
    }
    SECTION("a reset after the first request: listen again on a new connection, then the other probes")
    {
        Identifier identifier("127.0.0.1", 110, two_seconds);
        identifier.take("", ReadEnd::deadline, now);
        identifier.take("", ReadEnd::reset, now);
        CHECK(identifier.action() == Action::reconnect_exchange);
        CHECK(identifier.request().empty());
        CHECK(identifier.wait(std::chrono::milliseconds(1000)) == std::chrono::milliseconds(500));
        identifier.take("", ReadEnd::deadline, now);
        CHECK(identifier.action() == Action::exchange);
        CHECK(identifier.request().starts_with("*1\r\n$4\r\nPING"));
    }
    SECTION("a greeting no rule knows: unknown, and no probe")
    {
        Identifier identifier("127.0.0.1", 4000, two_seconds);
        identifier.take("welcome to the machine\r\n", ReadEnd::complete, now);
        CHECK(identifier.action() == Action::finished);
        CHECK_FALSE(identifier.result().service);
    }
}
