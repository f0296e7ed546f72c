#include "cli/completion.hpp"
#include "cli/completion_hosts.hpp"
#include "temporary_directory.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

using namespace portent;
using namespace portent::cli;

namespace {

constexpr std::string_view database = "daytime 13/tcp\n"
                                      "daytime 13/udp\n"
                                      "http 80/tcp www # WorldWideWeb HTTP\n"
                                      "http 80/udp\n"
                                      "http 80/sctp\n"
                                      "https 443/tcp\n"
                                      "https 443/udp\n"
                                      "search 2010/tcp ndtp\n"
                                      "list 9999/udp\n"
                                      "bad\x1b[2Jname 7000/tcp\n"
                                      "x11 6000/tcp x11-0\n";

// Completes the words against `database`, recording the options the table was asked with.
struct Fixture
{
    std::vector<GlobalOptions> asked;

    Completion run(std::vector<std::string> words)
    {
        CompletionSources sources;
        sources.table = [this](const GlobalOptions& global, std::string_view) {
            asked.push_back(global);
            return services::Table({{"test", std::nullopt, database, nullptr}});
        };
        sources.hosts = [] {
            return std::vector<std::string>{"localhost", "ip6-localhost", "build.example"};
        };
        return complete(words, sources);
    }

    std::vector<std::string> words(std::vector<std::string> line)
    {
        std::vector<std::string> found;
        for (const Candidate& candidate : run(std::move(line)).candidates)
            found.push_back(candidate.word);
        return found;
    }
};

using Words = std::vector<std::string>;

bool has(const Words& words, const std::string& word)
{
    return std::ranges::find(words, word) != words.end();
}

} // namespace

TEST_CASE("completion: service names and their descriptions", "[completion]")
{
    Fixture fixture;
    const Completion daytime = fixture.run({"dayt"});
    REQUIRE(daytime.candidates.size() == 1);
    CHECK(daytime.candidates[0].word == "daytime");
    CHECK(daytime.candidates[0].description == "13/tcp,udp");
    CHECK_FALSE(daytime.files);
    const Completion www = fixture.run({"lookup", "ww"});
    REQUIRE(www.candidates.size() == 1);
    CHECK(www.candidates[0].description == "80/tcp — WorldWideWeb HTTP (alias of http)");
    CHECK(fixture.words({"ht"}) == Words{"http", "https"});
    CHECK(fixture.words({"bad"}).empty()); // a name that would drive the terminal is never offered
    CHECK(fixture.words({"13"}).empty());  // no port numbers
}

TEST_CASE("completion: NAME/PROTO offers the protocols the name has", "[completion]")
{
    Fixture fixture;
    CHECK(fixture.words({"http/"}) == Words{"http/tcp", "http/udp", "http/sctp"});
    CHECK(fixture.words({"http/u"}) == Words{"http/udp"});
    CHECK(fixture.words({"search", "--", "www/"}).empty()); // search takes TEXT, not queries
    CHECK(fixture.words({"lookup", "x11-0/"}) == Words{"x11-0/tcp"});
    CHECK(fixture.words({"nosuch/"}).empty());
}

TEST_CASE("completion: commands first, and services named like commands after lookup", "[completion]")
{
    Fixture fixture;
    const Words first = fixture.words({""});
    for (const char* command : {"lookup", "list", "search", "lint", "probe", "local", "completion"})
        CHECK(has(first, command));
    CHECK_FALSE(has(first, "__complete"));
    CHECK(has(first, "daytime"));
    CHECK(fixture.words({"sea"}) == Words{"search"});
    CHECK(fixture.words({"lookup", "sea"}) == Words{"search"});
    CHECK(fixture.words({"lookup", "li"}) == Words{"list"});
    CHECK(fixture.words({"daytime", "li"}) == Words{"list"});
    CHECK(fixture.words({"list", ""}).empty());
    CHECK(fixture.words({"search", ""}).empty());
    CHECK(fixture.words({"completion", ""}) == Words{"bash", "zsh", "fish"});
    CHECK(fixture.words({"completion", "bash", ""}).empty());
}

TEST_CASE("completion: option names of the global options and the command's own", "[completion]")
{
    Fixture fixture;
    CHECK(fixture.words({"--f"}) == Words{"--format", "--first"});
    const Words dash = fixture.words({"-"});
    CHECK(has(dash, "-p"));
    CHECK(has(dash, "--db"));
    CHECK_FALSE(has(dash, "--top"));
    CHECK(fixture.words({"list", "--t"}) == Words{"--top"});
    const Words probe = fixture.words({"probe", "--"});
    CHECK(has(probe, "--as"));
    CHECK(has(probe, "--timeout"));
    CHECK(fixture.words({"probe", "--http-"}) == Words{"--http-path", "--http-host"});
    CHECK(fixture.words({"probe", "--sh"}) == Words{"--show-answer"});
    CHECK_FALSE(has(fixture.words({"--"}), "--show-answer")); // a probe option only
    CHECK_FALSE(has(probe, "-4"));
    CHECK(fixture.words({"local", "--a"}) == Words{"--all"});
    CHECK(fixture.run({"--db-"}).candidates.at(0).description ==
          "read --db files as 'services', 'nmap' or 'iana-csv'");
    CHECK(fixture.words({"--", "-"}).empty()); // after "--", words are arguments
}

TEST_CASE("completion: option values from the program's definitions", "[completion]")
{
    Fixture fixture;
    CHECK(fixture.words({"--format", ""}) == Words{"table", "services", "json"});
    CHECK(fixture.words({"local", "--format", ""}) == Words{"table", "json", "jsonl"});
    CHECK(fixture.words({"probe", "--format", "j"}) == Words{"json", "jsonl"});
    CHECK(fixture.words({"--format=j"}) == Words{"--format=json"});
    CHECK(fixture.words({"--db-format", ""}) == Words{"services", "nmap", "iana-csv"});
    CHECK(fixture.words({"-p", ""}) == Words{"sctp", "tcp", "udp"});
    CHECK(fixture.words({"--proto=u"}) == Words{"--proto=udp"});
    CHECK(fixture.words({"probe", "--as", ""}) == Words{"generic", "daytime", "time", "echo", "http", "https",
                                                        "tls", "banner", "smtp", "imap", "pop3", "ftp", "dns",
                                                        "ntp", "snmp"});
    CHECK(has(fixture.words({"probe", "--timeout", ""}), "500ms"));
    CHECK(fixture.words({"probe", "--http-path", ""}) == Words{"/"});
    CHECK(fixture.words({"probe", "--http-host", "ip"}) == Words{"ip6-localhost"});
    CHECK(fixture.words({"probe", "--http-host=l"}) == Words{"--http-host=localhost"});
    CHECK(fixture.words({"probe", "--http-path", "/", "--http-host", "localhost", "127.0.0.1", "ht"}) ==
          Words{"http", "https"});
    CHECK(fixture.words({"list", "--top", ""}).empty());
    const Completion db = fixture.run({"--db", ""});
    CHECK(db.files);
    CHECK(fixture.words({"--db", ""}) == Words{"system", "embedded", "-"});
    CHECK(fixture.words({"--db", "e"}) == Words{"embedded"});
    CHECK(fixture.run({"--db=/tmp/x"}).files);
}

TEST_CASE("completion: the database named earlier on the line, and -p", "[completion]")
{
    Fixture fixture;
    (void)fixture.run({"--db", "one", "--db=two", "--db-format", "nmap", "probe", "localhost", "ht"});
    REQUIRE(fixture.asked.size() == 1);
    CHECK(fixture.asked[0].databases == Words{"one", "two"});
    CHECK(fixture.asked[0].db_format == services::Format::nmap);
    CHECK(fixture.words({"-p", "udp", "ht"}) == Words{"http", "https"});
    CHECK(fixture.words({"-pudp", "lookup", "se"}).empty()); // search is tcp only
    CHECK(fixture.words({"--proto=tcp", "lookup", "li"}).empty());
    CHECK(fixture.words({"--proto", "tcp", "lookup", "se"}) == Words{"search"});
}

TEST_CASE("completion: probe takes a host first, then services", "[completion]")
{
    Fixture fixture;
    CHECK(fixture.words({"probe", ""}) == Words{"localhost", "ip6-localhost", "build.example"});
    CHECK(fixture.words({"probe", "--as", "http", "ip"}) == Words{"ip6-localhost"});
    CHECK(fixture.words({"probe", "-4", "localhost", "ht"}) == Words{"http", "https"});
    CHECK(fixture.words({"probe", "--timeout", "1s", "localhost", "dayt"}) == Words{"daytime"});
    CHECK(fixture.words({"local", "dayt"}) == Words{"daytime"});
    CHECK(fixture.run({"lint", ""}).files);
    CHECK(fixture.run({"lint", "a", ""}).files);
}

TEST_CASE("completion: what __complete prints", "[completion]")
{
    std::ostringstream out;
    write_completion(out, {{{"daytime", "13/tcp,udp"}, {"http", ""}}, true});
    CHECK(out.str() == ":files\ndaytime\t13/tcp,udp\nhttp\n");
    std::ostringstream empty;
    write_completion(empty, {});
    CHECK(empty.str() == ":\n");
}

TEST_CASE("completion hosts: hosts(5) and ssh known_hosts", "[completion]")
{
    CHECK(
        hosts_file_names("127.0.0.1\tlocalhost\n# 10.0.0.1 commented\n::1 ip6-localhost ip6-loopback # c\n\n"
                         "192.0.2.7 build.example build\n") ==
        Words{"localhost", "ip6-localhost", "ip6-loopback", "build.example", "build"});
    CHECK(known_hosts_names("|1|c2FsdA==|aGFzaA== ssh-ed25519 AAAA\n"
                            "git.example,192.0.2.9 ssh-ed25519 AAAA\n"
                            "[alt.example]:2222 ssh-rsa AAAA\n"
                            "@cert-authority *.example ssh-rsa AAAA\n"
                            "@revoked old.example ssh-rsa AAAA\n"
                            "# comment\n") ==
          Words{"git.example", "192.0.2.9", "alt.example", "old.example"});
}

TEST_CASE("completion hosts: /etc/hosts and ~/.ssh/known_hosts merged, sorted, each once", "[completion]")
{
    const TemporaryDirectory home;
    std::filesystem::create_directory(home.path() / ".ssh");
    // A name of /etc/hosts again, and names that sort before and after the others.
    std::ofstream(home.path() / ".ssh/known_hosts") << "localhost,aaa.example ssh-ed25519 AAAA\n"
                                                       "zzz.example ssh-ed25519 AAAA\n"
                                                       "aaa.example ssh-rsa AAAA\n";
    std::ifstream hosts_file("/etc/hosts");
    const std::string hosts_text((std::istreambuf_iterator<char>(hosts_file)),
                                 std::istreambuf_iterator<char>());
    Words expected = hosts_file_names(hosts_text);
    expected.insert(expected.end(), {"localhost", "aaa.example", "zzz.example", "aaa.example"});
    std::ranges::sort(expected);
    expected.erase(std::ranges::unique(expected).begin(), expected.end());

    const char* saved = std::getenv("HOME");
    const std::string saved_home = saved != nullptr ? saved : "";
    ::setenv("HOME", home.path().c_str(), 1);
    const Words found = completion_hosts();
    ::unsetenv("HOME");
    const Words without_home = completion_hosts();
    if (saved != nullptr)
        ::setenv("HOME", saved_home.c_str(), 1);

    CHECK(found == expected);
    CHECK(std::ranges::count(found, "aaa.example") == 1);
    Words hosts_only = hosts_file_names(hosts_text);
    std::ranges::sort(hosts_only);
    hosts_only.erase(std::ranges::unique(hosts_only).begin(), hosts_only.end());
    CHECK(without_home == hosts_only);
}
