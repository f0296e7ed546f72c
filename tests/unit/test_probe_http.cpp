#include "probe/dialogue/dialogue.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace portent::probe;

TEST_CASE("http writes a GET / request by hand", "[probe][http]")
{
    const std::string request = make_http_dialogue("example.org", 80, HttpOver::plain)->request();
    CHECK(request.starts_with("GET / HTTP/1.1\r\n"));
    CHECK(request.find("\r\nHost: example.org\r\n") != std::string::npos);
    CHECK(request.find("\r\nUser-Agent: portent/") != std::string::npos);
    CHECK(request.find("\r\nConnection: close\r\n") != std::string::npos);
    CHECK(request.ends_with("\r\n\r\n"));

    CHECK(make_http_dialogue("localhost", 8080, HttpOver::plain)
              ->request()
              .find("\r\nHost: localhost:8080\r\n") != std::string::npos);
    CHECK(make_http_dialogue("::1", 8080, HttpOver::plain)->request().find("\r\nHost: [::1]:8080\r\n") !=
          std::string::npos);
    CHECK(
        make_http_dialogue("example.org", 443, HttpOver::tls)->request().find("\r\nHost: example.org\r\n") !=
        std::string::npos);
}

TEST_CASE("http asks for the path and sends the Host header it is given", "[probe][http]")
{
    const HttpRequest asked{"/status?full=1", "example.test:8080"};
    const std::string request = make_http_dialogue("127.0.0.1", 80, HttpOver::plain, asked)->request();
    CHECK(request.starts_with("GET /status?full=1 HTTP/1.1\r\nHost: example.test:8080\r\n"));
    CHECK(request.find("127.0.0.1") == std::string::npos);
    // The path alone: the Host header stays the target's.
    CHECK(make_http_dialogue("::1", 8443, HttpOver::tls, {"/x", ""})
              ->request()
              .starts_with("GET /x HTTP/1.1\r\nHost: [::1]:8443\r\n"));
}

TEST_CASE("http_path_problem() and http_host_problem() refuse what a request line or Host cannot hold",
          "[probe][http]")
{
    CHECK(http_path_problem("/").empty());
    CHECK(http_path_problem("/a/b.html?q=1&r=%20").empty());
    CHECK(http_path_problem("").find("start with /") != std::string::npos);
    CHECK(http_path_problem("index.html").find("start with /") != std::string::npos);
    CHECK(http_path_problem("*").find("start with /") != std::string::npos);
    CHECK(http_path_problem("/a b").find("space") != std::string::npos);
    CHECK(http_path_problem("/a\r\nX: y").find("control character") != std::string::npos);
    CHECK(http_path_problem("/a\tb").find("control character") != std::string::npos);
    CHECK(http_path_problem("/\x7f").find("control character") != std::string::npos);
    CHECK(http_path_problem("/caf\xc3\xa9").find("not ASCII") != std::string::npos);
    CHECK(http_path_problem("/a#top").find("fragment") != std::string::npos);

    CHECK(http_host_problem("localhost").empty());
    CHECK(http_host_problem("example.test:8080").empty());
    CHECK(http_host_problem("[::1]:80").empty());
    CHECK(http_host_problem("127.0.0.1").empty());
    CHECK(http_host_problem("").find("empty") != std::string::npos);
    CHECK_FALSE(http_host_problem("a\r\nX-Injected: 1").empty());
    CHECK_FALSE(http_host_problem("a b").empty());
    CHECK_FALSE(http_host_problem("a/b").empty());
    CHECK_FALSE(http_host_problem("user@host").empty());
    CHECK_FALSE(http_host_problem("h\xc3\xa9").empty());
}

TEST_CASE("http reads the status line and the Server header", "[probe][http]")
{
    auto dialogue = make_http_dialogue("localhost", 80, HttpOver::plain);
    const std::string answer =
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nserver:  nginx/1.22.1 \r\n\r\n<html>";
    CHECK(dialogue->complete(answer));
    const Judgement judgement = dialogue->judge({answer, ReadEnd::complete});
    CHECK(judgement.passed == true);
    CHECK(judgement.answer == "HTTP/1.1 200 OK");
    CHECK(judgement.detail == "Server: nginx/1.22.1");
}

TEST_CASE("http takes any status and no Server header", "[probe][http]")
{
    auto dialogue = make_http_dialogue("localhost", 80, HttpOver::plain);
    const Judgement not_found = dialogue->judge({"HTTP/1.0 404 Not Found\n\n", ReadEnd::complete});
    CHECK(not_found.passed == true);
    CHECK(not_found.answer == "HTTP/1.0 404 Not Found");
    CHECK(not_found.detail.empty());
    CHECK(dialogue->judge({"HTTP/1.1 204\r\n\r\n", ReadEnd::end_of_stream}).passed == true);
    // A Server line in the body is not a header.
    CHECK(dialogue->judge({"HTTP/1.1 200 OK\r\n\r\nServer: fake\r\n", ReadEnd::complete}).detail.empty());
}

TEST_CASE("http fails on what is not HTTP", "[probe][http]")
{
    auto dialogue = make_http_dialogue("localhost", 80, HttpOver::plain);
    CHECK_FALSE(dialogue->complete("HTTP/1.1 200 OK\r\n"));
    for (const char* answer :
         {"SSH-2.0-OpenSSH_9.2\r\n", "HTTP/1.1 2000 OK\r\n", "HTTP/x 200 OK\r\n", "HTTP/1.1 20 OK\r\n",
          "http/1.1 200 OK\r\n", "HTTP/1.1200 OK\r\n", "HTTP/2 200\r\n\r\n", "HTTP/1.10 200 OK\r\n\r\n"}) {
        const Judgement judgement = dialogue->judge({answer, ReadEnd::end_of_stream});
        CHECK(judgement.passed == false);
        CHECK(judgement.detail == "not an HTTP status line");
    }
    const Judgement cut = dialogue->judge({"HTTP/1.1 200 O", ReadEnd::deadline});
    CHECK(cut.passed == false);
    CHECK(cut.detail.find("deadline") != std::string::npos);
    CHECK(dialogue->judge({"", ReadEnd::end_of_stream}).detail == "connection closed without an answer");
}

TEST_CASE("https names the TLS version beside the Server header", "[probe][http]")
{
    auto dialogue = make_http_dialogue("localhost", 443, HttpOver::tls);
    const Judgement judgement = dialogue->judge({"HTTP/1.1 301 Moved\r\nServer: x\r\n\r\n", ReadEnd::complete,
                                                 std::chrono::system_clock::now(), "TLSv1.3"});
    CHECK(judgement.passed == true);
    CHECK(judgement.answer == "HTTP/1.1 301 Moved");
    CHECK(judgement.detail == "TLSv1.3, Server: x");
}

TEST_CASE("http passes only the status codes RFC 9110 defines, 100-599", "[probe][http]")
{
    auto dialogue = make_http_dialogue("localhost", 80, HttpOver::plain);
    for (const char* code : {"999", "600", "099", "000"}) {
        const Judgement judgement =
            dialogue->judge({"HTTP/1.1 " + std::string(code) + " Whatever\r\n\r\n", ReadEnd::complete});
        CHECK(judgement.passed == false);
        CHECK(judgement.detail == "status code " + std::string(code) + " is outside 100-599 (RFC 9110)");
    }
    for (const char* code : {"100", "101", "599"})
        CHECK(dialogue->judge({"HTTP/1.1 " + std::string(code) + " x\r\n\r\n", ReadEnd::complete}).passed ==
              true);
}

TEST_CASE("http fails a status line or header section that RFC 9112 forbids", "[probe][http]")
{
    auto dialogue = make_http_dialogue("localhost", 80, HttpOver::plain);
    const auto detail_of = [&](std::string_view answer, ReadEnd end = ReadEnd::complete) {
        const Judgement judgement = dialogue->judge({answer, end});
        CHECK(judgement.passed == false);
        return judgement.detail;
    };
    CHECK(detail_of("HTTP/1.1 200 O\x1bK\r\n\r\n") ==
          "not an HTTP status line: byte 0x1b at offset 14 in the reason phrase");
    CHECK(detail_of("HTTP/1.1 200 OK\r\nthis is not a header\r\n\r\n") ==
          "header line 1 is not a field (name: value)");
    CHECK(detail_of("HTTP/1.1 200 OK\r\nServer: x\r\n: empty name\r\n\r\n") ==
          "header line 2 is not a field (name: value)");
    const char with_nul[] = "HTTP/1.1 200 OK\r\nX-A: a\0b\r\n\r\n";
    CHECK(detail_of(std::string(with_nul, sizeof with_nul - 1)) == "header line 1: byte 0x00 at offset 6");
    CHECK(detail_of("HTTP/1.1 200 OK\r\nServer: x\r\n", ReadEnd::end_of_stream) ==
          "connection closed inside the header section");
    CHECK(detail_of("HTTP/1.1 200 OK\r\nServer: x\r\n", ReadEnd::deadline).find("deadline") !=
          std::string::npos);
}

TEST_CASE("http takes what RFC 9112 allows in a header section", "[probe][http]")
{
    auto dialogue = make_http_dialogue("localhost", 80, HttpOver::plain);
    const Judgement folded = dialogue->judge(
        {"HTTP/1.1 200 OK\r\nX-Long: one\r\n\ttwo\r\nServer: a\tb \xc3\xa9\r\n\r\n", ReadEnd::complete});
    CHECK(folded.passed == true);
    CHECK(folded.detail == "Server: a\tb \xc3\xa9");
    // A header section longer than what is read is judged on the lines that came whole.
    const std::string long_headers = "HTTP/1.1 200 OK\r\nX-Pad: " + std::string(answer_byte_cap, 'p');
    CHECK(dialogue->judge({long_headers, ReadEnd::byte_cap}).passed == true);
}

TEST_CASE("http2 sends the client preface and a SETTINGS frame, and wants one back (RFC 9113 3.4)",
          "[probe][http2]")
{
    auto dialogue = make_http2_dialogue();
    using namespace std::string_literals;
    CHECK(dialogue->request() == "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
                                 "\x00\x00\x00\x04\x00\x00\x00\x00\x00"s);
    const std::string settings = "\x00\x00\x00\x04\x00\x00\x00\x00\x00"s;
    CHECK_FALSE(dialogue->complete(settings.substr(0, 8)));
    CHECK(dialogue->complete(settings));

    const Judgement passed = dialogue->judge({settings, ReadEnd::complete});
    CHECK(passed.passed == true);
    CHECK(passed.answer == "HTTP/2 SETTINGS");
    CHECK(passed.detail == "h2");

    const Judgement goaway = dialogue->judge({"\x00\x00\x08\x07\x00\x00\x00\x00\x00"s, ReadEnd::complete});
    CHECK(goaway.passed == false);
    CHECK(goaway.answer == "HTTP/2 GOAWAY");
    CHECK(goaway.detail == "the server's preface is not a SETTINGS frame");

    // SETTINGS belongs to the connection (stream 0); the reserved bit of the stream is ignored.
    CHECK(dialogue->judge({"\x00\x00\x00\x04\x00\x00\x00\x00\x01"s, ReadEnd::complete}).answer ==
          "HTTP/2 frame type 4");
    CHECK(dialogue->judge({"\x00\x00\x00\x04\x00\x80\x00\x00\x00"s, ReadEnd::complete}).passed == true);

    const Judgement short_frame = dialogue->judge({"\x00\x00\x00"s, ReadEnd::end_of_stream});
    CHECK(short_frame.passed == false);
    CHECK(short_frame.detail == "no HTTP/2 frame: 3 bytes");
}

TEST_CASE("a dialogue that asks once has no follow-up request", "[probe][dialogue]")
{
    CHECK(make_http_dialogue("example.org", 80, HttpOver::plain)
              ->next_request("HTTP/1.1 200 OK\r\n\r\n")
              .empty());
    CHECK(make_daytime_dialogue(Transport::udp)->next_request("24 NOV 2026\r\n").empty());
}
